"""The fixture news site (qa/bench/fixture_site.py) does what the crawler tests rely on: robots.txt, pagination
that reaches every release, conditional requests, the traps, and the changes a test makes while it runs."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import datetime

import xml.etree.ElementTree as ET

import httpx
import pytest
from qa.bench.fixture_site import (
    COMMISSIONER_DATE,
    COMMISSIONER_NOW,
    FAILING_PATHS,
    HUGE_PATH,
    LOOP_A_PATH,
    LOOP_B_PATH,
    MOVED_PATH,
    MOVED_TARGET,
    PDF_PATH,
    RELEASES,
    WEEKDAY_RELEASE_DATE,
    WEEKDAY_RELEASE_PATH,
    FixtureRelease,
    FixtureSite,
)

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
HREF = re.compile(r'href="([^"]+)"')
NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
WEEKDAY_DATE = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (\d{1,2}) ([A-Z][a-z]+)"
                          r"(?: (\d{4}))?")


@pytest.fixture
def site():
    with FixtureSite() as running:
        yield running


@pytest.fixture
def client(site):
    with httpx.Client(base_url=site.base_url) as c:
        yield c


def listed_paths(client: httpx.Client) -> tuple[list[str], int]:
    """Every link on the news listing, following "Next page" from /news/; and how many pages there were."""
    links, pages, target = [], 0, "/news/"
    while target:
        r = client.get(target)
        assert r.status_code == 200, target
        links += HREF.findall(r.text)
        pages += 1
        found = NEXT.search(r.text)
        target = found.group(1) if found else None
    return links, pages


def test_robots_txt_has_a_group_for_qa_bot_and_names_the_sitemap(site, client):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.headers["content-type"] == "text/plain"
    assert "User-agent: qa-bot\nDisallow: /private/\nDisallow: /news/embargoed/" in r.text
    assert f"Sitemap: {site.base_url}/sitemap.xml" in r.text


def test_the_listing_reaches_every_release_and_the_traps(site, client):
    links, pages = listed_paths(client)
    assert pages == 3  # 12 releases, 5 a page
    assert {r.path for r in site.releases} <= set(links)
    assert set(site.never_requested) | set(FAILING_PATHS) | {MOVED_PATH} <= set(links)
    assert "https://www.gov.uk/report-crime" in links
    assert site.non_release_paths[:4] == ["/", "/about", "/news/", "/news/?page=2"]


def test_release_pages_look_like_a_real_force_site(site, client):
    for release in RELEASES:
        page = client.get(release.path).text
        assert f"<h1>{release.title}</h1>" in page and f"<title>{release.title} | Westshire Police</title>" in page
        assert f'<link rel="canonical" href="{site.url(release.path)}">' in page
        assert "We use cookies on our website" in page and "Quickly exit this site" in page
        assert "Accessibility statement" in page and "<h2>Related news</h2>" in page
        related = page.split("<h2>Related news</h2>")[1]
        assert len(HREF.findall(related.split("</aside>")[0])) == 3
        assert 150 <= len(release.body.split()) <= 400


def test_each_release_states_its_date_in_its_own_way(client):
    for release in RELEASES:
        page = client.get(release.path).text
        if release.date_in_text:
            assert release.published not in page and "datePublished" not in page and "<time" not in page
        elif release.date_markup == "og":
            assert f'<meta property="article:published_time" content="{release.published}T' in page
        elif release.date_markup == "json-ld":
            assert f'"datePublished": "{release.published}"' in page and 'property="og:' not in page
        else:
            assert f'<time datetime="{release.published}">' in page and "datePublished" not in page


def test_weekday_dates_in_the_texts_fit_their_years():
    """The weekday release says only "Wednesday 18 October" and mentions 2017; the others' weekdays are right."""
    weekday = next(r for r in RELEASES if r.date_in_text)
    assert weekday.path == WEEKDAY_RELEASE_PATH and weekday.published == WEEKDAY_RELEASE_DATE
    assert re.findall(r"\b(?:19|20)\d\d\b", weekday.body) == ["2017"]
    for release in RELEASES:
        for name, day, month, year in WEEKDAY_DATE.findall(release.body):
            when = datetime.strptime(f"{day} {month} {year or release.published[:4]}", "%d %B %Y")
            assert when.strftime("%A") == name, (release.path, name, day, month)


def test_the_commissioner_releases():
    newest = max((r for r in RELEASES if "Police and Crime Commissioner" in r.title), key=lambda r: r.published)
    assert newest.title.startswith(COMMISSIONER_NOW) and newest.published == COMMISSIONER_DATE
    assert "succeeding Alex Morgan" in newest.body


def test_304_on_if_none_match_and_on_if_modified_since(client):
    path = RELEASES[0].path
    first = client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag == f'"{hashlib.sha1(first.content).hexdigest()}"'
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    # If-None-Match wins over If-Modified-Since
    assert client.get(path, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200


def test_change_gives_a_new_etag_and_last_modified(site, client):
    path = RELEASES[0].path
    before = client.get(path)
    site.change(path, "Officers have made a further arrest.\n\nA fourth man is in custody.")
    after = client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and "A fourth man is in custody." in after.text
    assert after.headers["etag"] != before.headers["etag"]
    assert after.headers["last-modified"] != before.headers["last-modified"]
    assert "fourth man" not in RELEASES[0].body  # the module's constant is left as it was


def test_redirects(client):
    a = client.get(LOOP_A_PATH)
    assert a.status_code == 302 and a.headers["location"].endswith(LOOP_B_PATH)
    b = client.get(LOOP_B_PATH)
    assert b.status_code == 302 and b.headers["location"].endswith(LOOP_A_PATH)
    with pytest.raises(httpx.TooManyRedirects):
        client.get(LOOP_A_PATH, follow_redirects=True)
    moved = client.get(MOVED_PATH, follow_redirects=True)
    assert moved.status_code == 200 and moved.url.path == MOVED_TARGET
    assert moved.history[0].status_code == 301


def test_the_huge_page_says_its_size(client):
    with client.stream("GET", HUGE_PATH) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert int(r.headers["content-length"]) > 5_000_000
        r.read()
        assert len(r.content) == int(r.headers["content-length"])


def test_pdf_broken_page_and_unknown_path(client):
    pdf = client.get(PDF_PATH)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-1.4")
    assert client.get("/news/broken-page").status_code == 500
    assert client.get("/no/such/page").status_code == 404


def test_tag_and_search_pages(client):
    assert client.get("/search?q=burglary").text.count('class="teaser"') == 3
    assert "3 results for burglary" in client.get("/search?q=burglary").text
    assert client.get("/news/tag/burglary").text.count('class="teaser"') == 3


def test_sitemaps_and_feed(site, client):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sitemaps = [e.text for e in index.iter(f"{{{NS}}}loc")]
    assert sitemaps == [site.url("/sitemap-news.xml"), site.url("/sitemap-pages.xml")]
    news = client.get("/sitemap-news.xml")
    assert news.headers["content-type"] == "application/xml"
    lastmod = {u.findtext(f"{{{NS}}}loc"): u.findtext(f"{{{NS}}}lastmod") for u in ET.fromstring(news.content)}
    expected = {site.url(r.path): None if r.date_in_text else r.published for r in RELEASES}
    assert lastmod == expected  # the release dated by its words alone is dated nowhere else
    feed = client.get("/feed.xml")
    assert feed.headers["content-type"] == "application/rss+xml"
    items = ET.fromstring(feed.content).findall("channel/item")
    assert [i.findtext("link") for i in items] == [site.url(r.path) for r in site.releases]
    assert sum(i.find("pubDate") is None for i in items) == 1


def test_remove_gives_404_and_leaves_the_sitemap_and_feed(site, client):
    path = RELEASES[0].path
    assert path in client.get("/sitemap-news.xml").text
    site.remove(path)
    assert client.get(path).status_code == 404
    assert path not in client.get("/sitemap-news.xml").text and path not in client.get("/feed.xml").text
    assert path not in listed_paths(client)[0]


def test_add_puts_a_release_at_the_top(site, client):
    new = FixtureRelease("/news/2025/01/new-appeal", "New appeal in Hartbury", "2025-01-20",
                         "Police are appealing for information.\n\nCall 101.")
    site.add(new)
    assert client.get(new.path).status_code == 200
    assert HREF.findall(client.get("/news/").text.split('class="teasers"')[1])[0] == new.path
    assert client.get("/feed.xml").text.index(new.path) < client.get("/feed.xml").text.index(RELEASES[0].path)


def test_hits_record_every_request(site, client):
    client.get("/news/?page=2", headers={"User-Agent": "qa-bot/0.1"})
    client.get("/nope")
    assert [(h.path, h.status) for h in site.hits] == [("/news/?page=2", 200), ("/nope", 404)]
    assert site.hits[0].headers["user-agent"] == "qa-bot/0.1" and site.hits[0].method == "GET"
    assert [h.path for h in site.downloads()] == ["/news/?page=2"]


def test_a_thousand_generated_releases_start_fast_and_are_all_listed():
    started = time.monotonic()
    with FixtureSite(generated=1000) as site, httpx.Client(base_url=site.base_url) as client:
        assert time.monotonic() - started < 1.0
        releases = site.releases
        assert len(releases) == 1012 and len({r.title for r in releases}) == 1012
        assert len({r.body for r in releases}) == 1012
        links, pages = listed_paths(client)
        assert pages == 203 and {r.path for r in releases} <= set(links)


def test_nothing_is_written_to_stderr(site, client, capfd):
    client.get("/news/broken-page")
    client.get("/nope")
    with client.stream("GET", HUGE_PATH) as r:  # hang up mid-body
        next(r.iter_bytes())
    time.sleep(0.1)
    assert capfd.readouterr().err == ""
