"""web → corpus: crawl a force's site into release files that ``qa ingest`` reads like any other.

``crawl(["https://force.example/news/"], ...)`` starts from any of:

* a news listing page: its links are followed, "next page" links included, and every page
  reached is kept when it is a release (:mod:`qa.articles` decides from the page's own
  metadata and shape) and followed when it is not (tag pages, later listing pages);
* a sitemap (XML, sitemap indexes included; each URL's ``lastmod`` is kept as a date of
  last resort);
* an RSS or Atom feed (read with feedparser; an entry's date is kept the same way);
* one release page: only that page is read.

Links are followed only from pages that are not releases, and only within the crawl's
**scope**: the start URL's scheme, host and path up to its last ``/`` (so
``https://force.example/news/`` keeps to ``/news/``; a sitemap at the root opens the whole
host), or the ``scope`` given. Every fetch goes through :class:`qa.fetch.Fetcher`
(robots.txt, rate, size cap, redirects, retries); the crawl stops after ``max_pages``.

**The mirror.** Each release becomes one Markdown file with YAML front matter (title, date,
date_source, url, area) under ``<web_dir>/<host>/``; ``qa ingest`` reads that folder, so a
release's id is its host and path (``www-force-example-news-2024-05-man-charged``) and stays
the same across crawls. Beside the files, ``.crawl-state.json`` keeps each URL's ETag,
Last-Modified, kind, the links of listing pages and the hash of each release's text. The
next crawl sends conditional requests: a 304 costs no download, and a 200 whose extracted
text hashes the same (CDNs rewrite Last-Modified) leaves the file untouched, so nothing is
embedded again. A release that disappears from the site keeps its file (a release is a
public record) unless ``prune`` is set: then each kept release the crawl found no link to is
asked for again, and removed only when the site answers 404 or 410 for it.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import yaml

from qa import articles, pages
from qa.dates import iso_date
from qa.errors import SkipFile
from qa.fetch import FetchError, Fetched, Fetcher, Forbidden, origin
from qa.files import write_atomically
from qa.releases import decode, slug

STATE_FILE = ".crawl-state.json"
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


@dataclass
class PageState:
    kind: str  # release, page (not a release: its links are kept), sitemap, feed, refused (a 200 not read)
    etag: str | None = None
    last_modified: str | None = None
    links: list[list[str | None]] = field(default_factory=list)  # [url, date hint] found on it (not releases)
    file: str | None = None  # a release's file name in the host folder
    text_hash: str | None = None
    fetched_at: str | None = None
    reason: str | None = None  # why a refused page was not read (a PDF, over the size cap)


@dataclass
class CrawlReport:
    """What one crawl did. URLs are listed with a reason wherever something was not kept."""

    releases: list[str] = field(default_factory=list)  # every release URL reached, new or not
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0  # releases whose text is as before (304, or the same text)
    not_releases: list[tuple[str, str]] = field(default_factory=list)  # (url, why it is not a release)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    forbidden: list[str] = field(default_factory=list)  # robots.txt said no: never requested
    gone: list[str] = field(default_factory=list)  # kept releases the site now answers 404/410 for
    unlinked: list[str] = field(default_factory=list)  # kept releases this crawl found no link to
    out_of_scope: int = 0
    pruned: list[str] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)  # the host folders to ingest
    truncated: str | None = None  # why the crawl stopped before its end
    requests: int = 0
    downloads: int = 0
    not_modified: int = 0
    waited_s: float = 0.0
    seconds: float = 0.0
    # where the time went: fetch (network and the server, rate-limit waits included), classify,
    # extract (trafilatura), feeds (sitemaps and feeds), write (release files)
    timings: dict[str, float] = field(default_factory=dict)


class Scope:
    """Which URLs a crawl may follow: one scheme+host and a path prefix."""

    def __init__(self, start: str, prefix: str | None = None) -> None:
        base = prefix or start
        parts = urlsplit(base)
        self.origin = origin(base)
        path = parts.path or "/"
        self.path = path if prefix else path[: path.rfind("/") + 1] or "/"

    def __contains__(self, url: str) -> bool:
        parts = urlsplit(url)
        return origin(url) == self.origin and (parts.path or "/").startswith(self.path)

    def __str__(self) -> str:
        return f"{self.origin}{self.path}"


class Mirror:
    """One host's folder of release files and its crawl state."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.pages: dict[str, PageState] = {}
        path = folder / STATE_FILE
        if path.exists():
            try:
                raw = json.loads(path.read_text())
                self.pages = {url: PageState(**entry) for url, entry in raw.get("pages", {}).items()}
            except (ValueError, TypeError, OSError):
                path.replace(path.with_suffix(".corrupt"))  # start afresh; the release files are still there

    def save(self) -> None:
        data = json.dumps({"pages": {u: asdict(p) for u, p in sorted(self.pages.items())}}, indent=1)
        write_atomically(self.folder / STATE_FILE, data)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        page = self.pages.get(url)
        if page is None or (page.kind == "release" and not (page.file and (self.folder / page.file).exists())):
            return None, None  # nothing kept to compare with: download it
        return page.etag, page.last_modified

    def file_for(self, url: str) -> str:
        known = self.pages.get(url)
        if known and known.file:
            return known.file
        parts = urlsplit(url)
        name = slug(f"{parts.path} {parts.query}", 80) + ".md"
        taken = {p.file for u, p in self.pages.items() if p.file and u != url}
        if name in taken:
            name = f"{name[:-3]}-{hashlib.sha1(url.encode()).hexdigest()[:8]}.md"
        return name


def host_folder(web_dir: Path, url: str) -> Path:
    return web_dir / re.sub(r"[^a-z0-9.]+", "-", urlsplit(url).netloc.lower()).strip("-")


def crawl(starts: Iterable[str], web_dir: Path, fetcher: Fetcher, scope: str | None = None,
          max_pages: int = 5_000, prune: bool = False, progress: Callable[[str], None] | None = None) -> CrawlReport:
    """Crawl from each start URL into ``web_dir``; every failure is in the report, none raises."""
    started = time.perf_counter()
    report = CrawlReport()
    mirrors: dict[str, Mirror] = {}
    reached: dict[str, set[str]] = {}
    seen: set[str] = set()
    done = 0
    for given in starts:
        start = normal_url(given)
        if start is None:
            report.failed.append((given, "not an http(s) URL"))
            continue
        bounds = Scope(start, scope)
        queue: deque[tuple[str, str | None]] = deque([(start, None)])
        while queue:
            url, hint = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            if done >= max_pages:
                report.truncated = f"stopped after {max_pages} pages (QA_CRAWL_MAX_PAGES)"
                break
            done += 1
            host = host_folder(web_dir, url)
            if str(host) not in mirrors:
                mirrors[str(host)] = Mirror(host)
            mirror = mirrors[str(host)]
            if host not in report.folders:
                report.folders.append(host)
            if progress:
                progress(url)
            links = _visit(url, hint, mirror, fetcher, bounds, report, reached.setdefault(str(host), set()),
                           seen)
            for link, link_hint in links:
                if link in bounds:
                    queue.append((link, link_hint))
                else:
                    report.out_of_scope += 1
        if not report.truncated:
            key = str(host_folder(web_dir, start))
            if key in mirrors:
                _check_unlinked(mirrors[key], bounds, fetcher, report, reached.setdefault(key, set()), seen, prune)
        for mirror in mirrors.values():
            mirror.save()
    stats = fetcher.stats
    report.requests, report.downloads, report.not_modified = stats.requests, stats.downloads, stats.not_modified
    report.waited_s = stats.waited_s
    report.seconds = time.perf_counter() - started
    return report


def _visit(url: str, hint: str | None, mirror: Mirror, fetcher: Fetcher, bounds: Scope,
           report: CrawlReport, reached: set[str], seen: set[str]) -> list[tuple[str, str | None]]:
    """Fetch one URL, keep it if it is a release; the links to follow from it."""
    try:
        with _timed(report, "fetch"):
            got = fetcher.get(url, mirror.validators, in_scope=lambda u: u in bounds)
    except Forbidden:
        report.forbidden.append(url)
        return []
    except FetchError as exc:
        report.failed.append((url, str(exc)))
        if exc.etag or exc.last_modified:  # a page served but not read: ask again with its validators
            mirror.pages[url] = PageState(kind="refused", etag=exc.etag, last_modified=exc.last_modified,
                                          reason=str(exc))
        page = mirror.pages.get(url)
        if page is not None and page.kind == "release":
            if exc.gone:
                report.gone.append(url)
            else:
                reached.add(url)  # still on the site, only failing now: never pruned for it
        return []
    if got.url != url:
        if got.url in seen and got.status != 304:
            return []
        seen.add(got.url)
    page = mirror.pages.get(got.url)
    if got.status == 304 and page is not None:
        if page.kind == "refused":
            report.failed.append((got.url, f"{page.reason} (unchanged since the last crawl)"))
            return []
        if page.kind == "release":
            reached.add(got.url)
            report.releases.append(got.url)
            report.unchanged += 1
            return []
        return [(u, h) for u, h in page.links]
    return _read(got, hint, mirror, report, reached)


def _read(got: Fetched, hint: str | None, mirror: Mirror, report: CrawlReport,
          reached: set[str]) -> list[tuple[str, str | None]]:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    common = dict(etag=got.etag, last_modified=got.last_modified, fetched_at=stamp)
    text = _decode(got)
    kind = _kind(got, text)
    if kind in ("sitemap", "feed"):
        with _timed(report, "feeds"):
            links = _sitemap_links(text, got.url) if kind == "sitemap" else _feed_links(got.body, got.url)
        if links is None:
            report.failed.append((got.url, f"not a readable {kind}"))
            return []
        mirror.pages[got.url] = PageState(kind=kind, links=[[u, h] for u, h in links], **common)
        return links
    with _timed(report, "classify"):
        verdict = articles.classify(text)
    if not verdict.is_release:
        report.not_releases.append((got.url, verdict.why))
        with _timed(report, "classify"):
            links = _page_links(text, got.url)
        mirror.pages[got.url] = PageState(kind="page", links=[[u, None] for u in links], **common)
        return [(u, None) for u in links]
    with _timed(report, "extract"):
        article = articles.read_article(text, got.url)
    if article is None:
        report.not_releases.append((got.url, "no main text"))
        mirror.pages[got.url] = PageState(kind="page", **common)
        return []
    reached.add(got.url)
    report.releases.append(got.url)
    with _timed(report, "write"):
        _keep(article, got.url, hint, mirror, report, common)
    return []


@contextmanager
def _timed(report: CrawlReport, step: str):
    t0 = time.perf_counter()
    try:
        yield
    finally:
        report.timings[step] = report.timings.get(step, 0.0) + time.perf_counter() - t0


def _keep(article: articles.Article, url: str, hint: str | None, mirror: Mirror, report: CrawlReport,
          common: dict) -> None:
    """Write the release file unless its text and metadata are as before."""
    published, how = article.published, "metadata" if article.published else None
    if published is None and hint:  # "sitemap:2024-05-01" or "feed:2024-05-01"
        how, published = hint.split(":", 1)
    meta = {"title": article.title, "date": published, "date_source": how, "url": url,
            "area": pages.guess_area(f"{article.site or ''}\n{article.title or ''}\n{article.body}")}
    meta = {k: v for k, v in meta.items() if v}
    body = "\n\n".join(line for line in article.body.split("\n") if line.strip())  # one Markdown paragraph each
    content = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + body + "\n"
    digest = hashlib.sha1(content.encode()).hexdigest()
    old = mirror.pages.get(url)
    name = mirror.file_for(url)
    if old is not None and old.text_hash == digest and (mirror.folder / name).exists():
        report.unchanged += 1
    else:
        write_atomically(mirror.folder / name, content)
        (report.changed if old is not None and old.kind == "release" else report.new).append(url)
    mirror.pages[url] = PageState(kind="release", file=name, text_hash=digest, **common)


def _check_unlinked(mirror: Mirror, bounds: Scope, fetcher: Fetcher, report: CrawlReport, reached: set[str],
                    seen: set[str], prune: bool) -> None:
    """Releases kept from earlier crawls that this one found no link to: listed, and with ``prune``
    asked for again (a conditional GET) so that the ones the site answers 404/410 for are removed."""
    unlinked = [u for u, p in sorted(mirror.pages.items()) if p.kind == "release" and u in bounds and u not in reached]
    report.unlinked.extend(unlinked)
    if not prune:
        return
    for url in unlinked:
        seen.add(url)
        _visit(url, None, mirror, fetcher, bounds, report, reached, seen)
        if url in report.gone:
            page = mirror.pages.pop(url)
            if page.file:
                (mirror.folder / page.file).unlink(missing_ok=True)
            report.pruned.append(url)


def _kind(got: Fetched, text: str) -> str:
    head = text.lstrip()[:500].lower()
    if got.content_type in _FEED_TYPES or "<rss" in head or re.search(r"<feed[\s>]", head):
        return "feed"
    if "<urlset" in head or "<sitemapindex" in head:
        return "sitemap"
    if got.content_type == "application/json" and '"items"' in text[:2000] and '"version"' in text[:2000]:
        return "feed"  # JSON Feed
    return "html"


def _decode(got: Fetched) -> str:
    try:
        return decode(got.body)
    except SkipFile:  # NUL bytes: not text a reader would call a page, but read it as bytes anyway
        return got.body.decode("latin-1")


def normal_url(url: str, base: str | None = None) -> str | None:
    """An absolute http(s) URL without its fragment, host lower-cased; None for mailto:, tel: and the like."""
    url = urljoin(base, url.strip()) if base else url.strip()
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower(), path=parts.path or "/").geturl()


def _page_links(html: str, base: str) -> list[str]:
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    out: list[str] = []
    for href in tree.xpath("//a/@href | //link[@rel='next']/@href"):
        url = normal_url(href, base)
        if url and url not in out:
            out.append(url)
    return out


def _sitemap_links(text: str, base: str) -> list[tuple[str, str | None]] | None:
    """(URL, lastmod) of a sitemap or a sitemap index (whose URLs are sitemaps, fetched in turn).

    Parsed with lxml: trafilatura's sitemap helper drops ``lastmod`` and refuses hosts such as
    127.0.0.1, and the format is small."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(text.encode(), parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    links = []
    for entry in root:
        if not isinstance(entry.tag, str):
            continue
        values = {etree.QName(child).localname: (child.text or "").strip() for child in entry
                  if isinstance(child.tag, str)}
        url = normal_url(values.get("loc", ""), base)
        if url:
            lastmod = iso_date(values["lastmod"]) if values.get("lastmod") else None
            links.append((url, f"sitemap:{lastmod}" if lastmod else None))
    return links


def _feed_links(body: bytes, base: str) -> list[tuple[str, str | None]] | None:
    import feedparser

    feed = feedparser.parse(body)
    if not feed.get("version") and not feed.entries:
        return None
    links = []
    for entry in feed.entries:
        url = normal_url(entry.get("link") or "", base)
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if url:
            links.append((url, f"feed:{time.strftime('%Y-%m-%d', stamp)}" if stamp else None))
    return links
