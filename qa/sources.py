"""Sources that stay current: the sites ``qa sync`` crawls again, and the one call that crawls and ingests.

``qa sources add URL [--scope PREFIX]`` remembers a listing, sitemap, feed or release page
in ``<web_dir>/sources.json``; ``qa sources list`` shows each with its last sync;
``qa sync [--prune]`` crawls every source (conditional GETs: an unchanged page costs a 304)
and publishes one new snapshot with what changed. ``qa serve`` picks the new snapshot up by
itself, so a cron line or a systemd timer running ``qa sync`` keeps a server current
(README, "Keeping sources current").

:func:`crawl_and_ingest` is what ``qa ingest URL`` and ``qa sync`` both run: crawl into the
mirror (:mod:`qa.crawler`), then ingest the crawled hosts' folders together with any files
given (:mod:`qa.ingest`). A crawl that fails for every page still ingests nothing new and
loses nothing already indexed.
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.crawler import CrawlReport, crawl, normal_url
from qa.files import write_atomically
from qa.errors import QaError
from qa.fetch import Fetcher
from qa.ingest import IngestReport, ingest
from qa.settings import Settings

SOURCES_FILE = "sources.json"


@dataclass
class Source:
    url: str
    scope: str | None = None
    added_at: str = ""
    last_sync: str | None = None
    releases: int = 0  # release pages reached at the last sync
    failed: int = 0  # pages that failed at the last sync


@dataclass
class Sources:
    path: Path
    items: list[Source] = field(default_factory=list)

    @classmethod
    def load(cls, web_dir: Path) -> Sources:
        path = web_dir / SOURCES_FILE
        if not path.exists():
            return cls(path)
        try:
            raw = json.loads(path.read_text())
            return cls(path, [Source(**item) for item in raw.get("sources", [])])
        except (ValueError, TypeError, OSError) as exc:
            raise QaError(f"{path} is not a sources file qa can read ({exc}); fix or remove it") from None

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps({"sources": [asdict(s) for s in self.items]}, indent=1))

    def add(self, url: str, scope: str | None = None) -> Source:
        normal = normal_url(url)
        if normal is None:
            raise QaError(f"{url!r} is not an http(s) URL: give a news listing, sitemap, feed or release page")
        for source in self.items:
            if source.url == normal:
                source.scope = scope or source.scope
                return source
        source = Source(normal, scope, added_at=_now())
        self.items.append(source)
        return source

    def remove(self, url: str) -> bool:
        normal = normal_url(url) or url
        kept = [s for s in self.items if s.url != normal]
        removed = len(kept) != len(self.items)
        self.items = kept
        return removed


@dataclass
class WebIngest:
    crawls: list[CrawlReport]
    ingest: IngestReport | None  # None when nothing could be crawled and no files were given


def crawl_and_ingest(settings: Settings, embedder, targets: Sequence[tuple[str, str | None]],
                     files: Sequence[Path] = (), prune: bool = False, fetcher: Fetcher | None = None,
                     progress: Callable[[str], None] | None = None, embed_progress=None, rebuild: bool = False) -> WebIngest:
    """Crawl each (url, scope) target, then ingest the crawled hosts' folders and ``files`` in one snapshot."""
    own = fetcher is None
    fetcher = fetcher or Fetcher.from_settings(settings)
    crawls = []
    settings.web_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.web_dir / ".crawl.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise QaError(f"another crawl is writing {settings.web_dir}; wait for it to finish") from None
        try:
            for url, scope in targets:
                crawls.append(crawl([url], settings.web_dir, fetcher, scope=scope,
                                    max_pages=settings.crawl_max_pages, prune=prune, progress=progress))
        finally:
            if own:
                fetcher.close()
    folders = list(dict.fromkeys(f for report in crawls for f in report.folders if f.exists()))
    roots = [*files, *folders]
    if not roots:
        return WebIngest(crawls, None)
    return WebIngest(crawls, ingest(settings, embedder, roots, embed_progress, rebuild))


def sync(settings: Settings, embedder, prune: bool = False, fetcher: Fetcher | None = None,
         progress: Callable[[str], None] | None = None, embed_progress=None) -> WebIngest:
    """Crawl every source again and publish what changed; each source's last sync is recorded."""
    sources = Sources.load(settings.web_dir)
    if not sources.items:
        raise QaError(f"no sources yet: add one with `qa sources add URL` (kept in {sources.path})")
    result = crawl_and_ingest(settings, embedder, [(s.url, s.scope) for s in sources.items], prune=prune,
                              fetcher=fetcher, progress=progress, embed_progress=embed_progress)
    for source, report in zip(sources.items, result.crawls):
        source.last_sync, source.releases, source.failed = _now(), len(report.releases), len(report.failed)
    sources.save()
    return result


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
