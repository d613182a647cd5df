"""Crawl + ingest throughput on the fixture force site (:mod:`qa.bench.fixture_site`) served on 127.0.0.1.

Three runs over one site with ``pages`` generated releases (plus its twelve hand-written ones,
their listing pages and its traps), each into a fresh mirror and index unless said:

1. **rate limit off**: ``qa ingest URL`` as a user runs it (:func:`qa.sources.crawl_and_ingest`),
   from the news listing, with the bench's embedder; pages/s over the whole crawl + ingest, and
   where the time went (the crawl's own steps, then the model's share of the ingest);
2. **again, unchanged**: the same mirror and index crawled a second time: what an hourly
   ``qa sync`` costs when nothing changed (requests, pages downloaded again: 0 is the target);
3. **rate limit on** (``rate`` requests/s, the first ``rated_pages`` pages): the share of the
   crawl's time spent waiting for the rate limit, which at the default 1 request/s is the
   crawl's whole cost: its time is the request count in seconds.

The site runs in a thread of this process, so the server's work is inside the fetch time.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from qa.bench.fixture_site import FixtureSite
from qa.bench.measure import TimedEmbedder
from qa.fetch import Fetcher
from qa.settings import Settings
from qa.sources import crawl_and_ingest


def run(settings: Settings, embedder, work_dir: Path, pages: int = 1_000, rate: float = 10.0,
        rated_pages: int = 60) -> dict:
    root = work_dir / "crawl"
    shutil.rmtree(root, ignore_errors=True)
    with FixtureSite(generated=pages) as site:
        start = site.url("/news/")
        first = _one(settings, embedder, root / "a", start, rate=None, max_pages=None)
        again = _one(settings, embedder, root / "a", start, rate=None, max_pages=None)
        rated = _one(settings, embedder, root / "b", start, rate=rate, max_pages=rated_pages, ingest=False)
        releases_on_site = len(site.releases)
    shutil.rmtree(root, ignore_errors=True)
    return {"site_releases": releases_on_site, "generated": pages, "rate_off": first, "unchanged": again,
            "rate_on": {**rated, "rate": rate}}


def _one(settings: Settings, embedder, folder: Path, start: str, rate: float | None, max_pages: int | None,
         ingest: bool = True) -> dict:
    updates = {"index_dir": folder / "index", "corpus_dir": folder / "corpus", "crawl_dir": folder / "web"}
    if max_pages:
        updates["crawl_max_pages"] = max_pages
    local = settings.model_copy(update=updates)
    local.corpus_dir.mkdir(parents=True, exist_ok=True)
    timed = TimedEmbedder(embedder)
    with Fetcher.from_settings(local, rate=rate, retries=1, backoff_s=0.01) as fetcher:
        t0 = time.perf_counter()
        if ingest:
            result = crawl_and_ingest(local, timed, [(start, None)], fetcher=fetcher)
            crawl, indexed = result.crawls[0], result.ingest
        else:
            from qa.crawler import crawl as run_crawl

            crawl, indexed = run_crawl([start], local.web_dir, fetcher, max_pages=local.crawl_max_pages), None
        total = time.perf_counter() - t0
    out = {"requests": crawl.requests, "downloads": crawl.downloads, "not_modified": crawl.not_modified,
           "releases": len(crawl.releases), "new": len(crawl.new), "changed": len(crawl.changed),
           "not_releases": len(crawl.not_releases), "failed": len(crawl.failed), "crawl_s": crawl.seconds,
           "waited_s": crawl.waited_s, "wait_share": crawl.waited_s / crawl.seconds if crawl.seconds else 0.0,
           "crawl_steps_s": {k: round(v, 3) for k, v in sorted(crawl.timings.items())}, "total_s": total,
           "pages_per_s": crawl.requests / total if total else float("nan")}
    if indexed is not None:
        out.update(ingest_s=indexed.seconds, chunks=indexed.chunks, embedded=indexed.embedded,
                   embed_s=timed.embed_s, tokenize_s=timed.tokens_s,
                   ingest_other_s=indexed.seconds - timed.embed_s - timed.tokens_s,
                   releases_per_s=len(crawl.releases) / total if total else float("nan"))
    return out
