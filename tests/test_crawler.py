"""Issue 12: crawl a force's site (the fixture site on 127.0.0.1) into releases, politely and incrementally.

Only article pages become releases; no URL robots.txt forbids is requested; the rate holds;
a second crawl downloads nothing unchanged; a changed page is re-embedded and nothing else;
a failing page is reported and everything else indexed; every release gets its date.
"""

from __future__ import annotations

import pytest

from qa.bench.fixture_site import WEEKDAY_RELEASE_PATH, FixtureSite
from qa.crawler import crawl
from qa.fetch import Fetcher
from qa.ingest import ingest
from qa.releases import load_corpus
from qa.store import Store
from qa.snapshot import Snapshot

RATE = 20.0  # requests/s in these tests (the default is 1)


@pytest.fixture
def site():
    with FixtureSite() as served:
        yield served


def fetcher(**options) -> Fetcher:
    return Fetcher(rate=RATE, backoff_s=0.01, retries=1, timeout_s=10, **options)


def run(site: FixtureSite, web_dir, start: str = "/news/", **options):
    with fetcher() as f:
        return crawl([site.url(start)], web_dir, f, **options)


def release_urls(site: FixtureSite) -> set[str]:
    return {site.url(r.path) for r in site.releases}


def test_listing_crawl_keeps_every_release_and_nothing_else(site, tmp_path):
    report = run(site, tmp_path / "web", scope=site.url("/"))  # the whole host: home, about, search, PDF too
    assert set(report.releases) == release_urls(site)
    assert sorted(report.new) == sorted(report.releases)
    kept = {site.url(p) for p in site.non_release_paths} & set(report.releases)
    assert not kept, f"pages that are not releases were kept: {kept}"
    [folder] = report.folders
    assert len(list(folder.glob("*.md"))) == len(site.releases)
    failed = dict(report.failed)
    for path, what in site.failing_paths.items():
        assert site.url(path) in failed, f"{path} ({what}) not reported"
    assert "redirect loop" in failed[site.url("/news/loop-a")]
    assert "size cap" in failed[site.url("/news/huge-page")]
    assert "application/pdf" in failed[site.url("/docs/annual-report-2023.pdf")]
    assert "500" in failed[site.url("/news/broken-page")]


def test_scope_keeps_to_the_start_folder(site, tmp_path):
    report = run(site, tmp_path / "web")  # /news/: the PDF under /docs/ and /about are not followed
    assert set(report.releases) == release_urls(site)
    assert not {hit.path for hit in site.hits if hit.path.startswith(("/docs/", "/about", "/search"))}
    assert report.out_of_scope > 0


def test_robots_txt_is_obeyed_by_our_own_name(site, tmp_path):
    report = run(site, tmp_path / "web", scope=site.url("/"))
    requested = {hit.path for hit in site.hits}
    assert not requested & set(site.never_requested)
    assert {site.url(p) for p in site.never_requested} <= set(report.forbidden)
    assert all(hit.headers["user-agent"].startswith("qa-bot/") for hit in site.hits)


def test_rate_limit_holds(site, tmp_path):
    with fetcher() as f:
        crawl([site.url("/news/")], tmp_path / "web", f)
        starts = f.stats.per_host[site.base_url]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 1 / RATE - 1e-6
    arrivals = [hit.at for hit in site.hits]  # as the server saw them: allow for scheduling jitter
    assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.6 / RATE


@pytest.mark.parametrize("start", ["/sitemap.xml", "/feed.xml"])
def test_sitemap_and_feed_find_the_same_releases(site, tmp_path, start):
    report = run(site, tmp_path / "web", start)
    assert set(report.releases) == release_urls(site)
    assert not {site.url(p) for p in site.non_release_paths} & set(report.releases)


def test_one_release_page_is_read_alone(site, tmp_path):
    path = site.releases[0].path
    report = run(site, tmp_path / "web", path)
    assert report.releases == [site.url(path)]
    assert {hit.path for hit in site.hits} == {"/robots.txt", path}


def test_second_crawl_downloads_nothing_unchanged(site, tmp_path):
    run(site, tmp_path / "web")
    before = len(site.hits)
    report = run(site, tmp_path / "web")
    again = [h for h in site.hits[before:] if h.status == 200 and h.path != "/robots.txt"]
    assert again == []  # the over-size page too: its validators were kept, so it answers 304
    assert report.new == [] and report.changed == []
    assert report.unchanged == len(site.releases)
    assert report.not_modified > 0


def test_changed_page_is_embedded_again_and_nothing_else(site, tmp_path, hash_embedder):
    from conftest import make_settings

    settings = make_settings(tmp_path)
    settings.corpus_dir.mkdir()
    first = run(site, settings.web_dir)
    ingest(settings, hash_embedder, first.folders)
    changed = site.releases[1]
    site.change(changed.path, changed.body + "\n\nUpdate: the man has since been released on bail pending "
                                             "further enquiries.")
    second = run(site, settings.web_dir)
    assert second.changed == [site.url(changed.path)] and second.new == []
    report = ingest(settings, hash_embedder, second.folders)
    assert len(report.updated) == 1 and not report.added and not report.removed
    snap = Snapshot.open(settings.index_dir)
    try:
        [rid] = report.updated
        chunks_of_changed = len(snap.store.chunks_of(rid))
    finally:
        snap.close()
    assert 0 < report.embedded <= chunks_of_changed


def test_failing_pages_do_not_stop_the_rest_being_indexed(site, tmp_path, hash_embedder):
    from conftest import make_settings

    settings = make_settings(tmp_path)
    settings.corpus_dir.mkdir()
    report = run(site, settings.web_dir)
    assert report.failed
    indexed = ingest(settings, hash_embedder, report.folders)
    assert len(indexed.added) == len(site.releases) and not indexed.skipped


def test_every_release_gets_its_date(site, tmp_path):
    report = run(site, tmp_path / "web")
    loaded = load_corpus(report.folders, tmp_path / "corpus", tmp_path / "web")
    by_url = {r.url: r for r in loaded.releases}
    for release in site.releases:
        got = by_url[site.url(release.path)]
        assert got.published == release.published, release.path
        expected = "weekday" if release.date_in_text else "metadata"
        assert got.date_source == expected, release.path
    assert any(r.path == WEEKDAY_RELEASE_PATH and r.date_in_text for r in site.releases)


def test_a_release_gone_from_the_site_stays_unless_pruned(site, tmp_path):
    run(site, tmp_path / "web")
    gone, kept = site.releases[2], len(site.releases)
    site.remove(gone.path)
    report = run(site, tmp_path / "web")
    assert report.unlinked == [site.url(gone.path)] and not report.pruned
    assert site.url(gone.path) not in {site.url(h.path) for h in site.hits[-len(report.releases):]}
    [folder] = report.folders
    assert len(list(folder.glob("*.md"))) == kept
    pruned = run(site, tmp_path / "web", prune=True)
    assert pruned.pruned == [site.url(gone.path)]
    assert len(list(folder.glob("*.md"))) == kept - 1


def test_prune_keeps_an_unlinked_release_the_site_still_has(site, tmp_path):
    run(site, tmp_path / "web")
    # From one release page, every other release under /news/ is unlinked; the site still has them.
    report = run(site, tmp_path / "web", site.releases[0].path, scope=site.url("/news/"), prune=True)
    assert len(report.unlinked) == len(site.releases) - 1
    assert not report.pruned and not report.gone
    [folder] = report.folders
    assert len(list(folder.glob("*.md"))) == len(site.releases)


def cli(tmp_path, *args, rate: float = RATE):
    import os
    import subprocess
    import sys

    env = {**os.environ, "QA_MODEL": "hash-64", "QA_CORPUS_DIR": str(tmp_path / "corpus"),
           "QA_INDEX_DIR": str(tmp_path / "idx"), "QA_CRAWL_RATE": str(rate), "QA_CRAWL_BACKOFF_S": "0.01",
           "QA_CRAWL_RETRIES": "1", "HF_HUB_OFFLINE": "1", "COLUMNS": "80", "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_cli_ingest_url_then_sources_and_sync(site, tmp_path):
    (tmp_path / "corpus").mkdir()
    proc = cli(tmp_path, "ingest", site.url("/news/"))
    assert proc.returncode == 1, proc.stderr  # pages failed: exit 1, everything else indexed
    out = proc.stdout
    assert f"crawled {len(site.releases)} release page(s): {len(site.releases)} new" in out
    assert f"  failed: {site.url('/news/broken-page')}: the server answered 500" in out
    assert f"  not fetched (robots.txt): {site.url('/news/embargoed/court-result')}" in out
    assert f"added {len(site.releases)}," in out and "Traceback" not in proc.stderr

    assert cli(tmp_path, "sources", "add", site.url("/news/")).returncode == 0
    assert cli(tmp_path, "sources", "add", "not a url").returncode == 2
    listed = cli(tmp_path, "sources", "list", "--json")
    [source] = __import__("json").loads(listed.stdout)
    assert source["url"] == site.url("/news/") and source["last_sync"] is None

    site.add(site.releases[0].__class__(path="/news/2024/12/new-appeal-after-shop-theft-in-farrowby",
                                        title="Appeal after shop theft in Farrowby", published="2024-12-01",
                                        body=("Officers are appealing for witnesses after a theft from a shop in "
                                              "Farrowby High Street on Saturday afternoon. ") * 8))
    synced = cli(tmp_path, "sync")
    assert "1 new" in synced.stdout and "added 1," in synced.stdout, synced.stdout + synced.stderr
    [source] = __import__("json").loads(cli(tmp_path, "sources", "list", "--json").stdout)
    assert source["last_sync"] and source["releases"] == len(site.releases)


@pytest.mark.slow
def test_the_current_commissioner_of_a_crawled_site_is_the_later_one_with_its_date(site, tmp_path):
    from qa.bench.fixture_site import (COMMISSIONER_BEFORE, COMMISSIONER_BEFORE_DATE, COMMISSIONER_DATE,
                                       COMMISSIONER_NOW)
    from qa.service import Service
    from qa.settings import Settings
    from qa.vectors import make_embedder

    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "idx", model="all-MiniLM-L6-v2")
    settings.corpus_dir.mkdir()
    embedder = make_embedder("all-MiniLM-L6-v2")
    ingest(settings, embedder, run(site, settings.web_dir).folders)
    service = Service(settings, embedder)
    now = service.ask("Who is the current Police and Crime Commissioner for Westshire?")
    assert now.short_answer and COMMISSIONER_NOW in now.short_answer.text, now.answer
    assert now.as_of == COMMISSIONER_DATE and "(as of 13 May 2021)" in now.answer
    assert now.citations[now.short_answer.n - 1].url == site.url(next(
        r.path for r in site.releases if r.published == COMMISSIONER_DATE))
    then = service.ask("Who was the Police and Crime Commissioner for Westshire in 2016?")
    assert then.short_answer and COMMISSIONER_BEFORE in then.short_answer.text, then.answer
    assert then.as_of == COMMISSIONER_BEFORE_DATE
