"""The polite fetcher, against an in-memory site (httpx.MockTransport): robots.txt by our own name,
the rate, conditional GET, redirects, the size cap, content types and retries."""

from __future__ import annotations

import httpx
import pytest

from qa.fetch import BOT_NAME, FetchError, Fetcher, Forbidden

ROBOTS = """User-agent: *
Disallow: /private/

User-agent: qa-bot
Disallow: /private/
Disallow: /embargoed/
"""


class Clock:
    """A fake clock: sleeping moves it on, so rate tests take no time."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def site(routes: dict, seen: list):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        route = routes.get(request.url.path)
        if route is None:
            return httpx.Response(404, text="not here")
        return route(request) if callable(route) else route

    return handler


def fetcher(routes: dict, seen: list, clock: Clock | None = None, **options) -> Fetcher:
    clock = clock or Clock()
    routes.setdefault("/robots.txt", httpx.Response(200, text=ROBOTS))
    return Fetcher(transport=httpx.MockTransport(site(routes, seen)), clock=clock, sleep=clock.sleep,
                   backoff_s=0.5, **options)


def html(text: str = "<html><body><p>hello</p></body></html>", **headers) -> httpx.Response:
    return httpx.Response(200, text=text, headers={"content-type": "text/html; charset=utf-8", **headers})


def test_robots_group_for_our_name_applies_and_forbidden_urls_are_never_requested():
    seen: list = []
    f = fetcher({"/news/a": html(), "/embargoed/b": html(), "/private/c": html()}, seen)
    assert f.get("http://site.test/news/a").status == 200
    for path in ("/embargoed/b", "/private/c"):
        with pytest.raises(Forbidden):
            f.get(f"http://site.test{path}")
    assert [r.url.path for r in seen] == ["/robots.txt", "/news/a"]
    assert seen[1].headers["user-agent"].startswith(f"{BOT_NAME}/")


@pytest.mark.parametrize("status, allowed", [(404, True), (403, False), (500, False)])
def test_robots_that_cannot_be_read(status, allowed):
    seen: list = []
    f = fetcher({"/robots.txt": httpx.Response(status), "/a": html()}, seen, retries=0)
    if allowed:
        assert f.get("http://site.test/a").status == 200
    else:
        with pytest.raises(Forbidden):
            f.get("http://site.test/a")


def test_rate_and_crawl_delay_hold_per_host():
    clock, seen = Clock(), []
    f = fetcher({"/a": html(), "/b": html(), "/c": html()}, seen, clock, rate=2.0)
    for path in ("/a", "/b", "/c"):
        f.get(f"http://site.test{path}")
    starts = f.stats.per_host["http://site.test"]
    assert all(b - a >= 0.5 - 1e-9 for a, b in zip(starts, starts[1:]))
    assert f.stats.waited_s == pytest.approx(1.5)  # robots, then three pages, 0.5 s apart

    clock, seen = Clock(), []
    f = fetcher({"/robots.txt": httpx.Response(200, text="User-agent: qa-bot\nCrawl-delay: 3\n"),
                 "/a": html(), "/b": html()}, seen, clock, rate=10.0)
    f.get("http://site.test/a")
    f.get("http://site.test/b")
    starts = f.stats.per_host["http://site.test"]
    assert starts[2] - starts[1] >= 3.0


def test_conditional_get_sends_validators_and_reads_304():
    seen: list = []

    def page(request):
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return html(etag='"v1"', **{"last-modified": "Wed, 18 Oct 2017 10:00:00 GMT"})

    f = fetcher({"/a": page}, seen)
    first = f.get("http://site.test/a")
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', "Wed, 18 Oct 2017 10:00:00 GMT")
    again = f.get("http://site.test/a", lambda url: (first.etag, first.last_modified))
    assert again.status == 304 and again.body == b""
    assert seen[-1].headers["if-modified-since"] == first.last_modified
    assert (f.stats.downloads, f.stats.not_modified) == (1, 1)


def test_redirects_are_followed_capped_and_loops_named():
    seen: list = []
    routes = {"/old": httpx.Response(301, headers={"location": "/new"}), "/new": html(),
              "/loop-a": httpx.Response(302, headers={"location": "/loop-b"}),
              "/loop-b": httpx.Response(302, headers={"location": "/loop-a"}),
              "/away": httpx.Response(302, headers={"location": "http://other.test/x"})}
    f = fetcher(routes, seen)
    assert f.get("http://site.test/old").url == "http://site.test/new"
    with pytest.raises(FetchError, match="redirect loop"):
        f.get("http://site.test/loop-a")
    with pytest.raises(FetchError, match="out of the crawl's scope"):
        f.get("http://site.test/away", in_scope=lambda u: u.startswith("http://site.test/"))
    assert not any(r.url.host == "other.test" for r in seen)


def test_size_cap_content_type_and_not_found():
    seen: list = []
    big = httpx.Response(200, content=b"x" * 2_000, headers={"content-type": "text/html"})
    routes = {"/big": big, "/report.pdf": httpx.Response(200, content=b"%PDF-1.4 ...",
                                                          headers={"content-type": "application/pdf"})}
    f = fetcher(routes, seen, max_bytes=1_000)
    with pytest.raises(FetchError, match="size cap"):
        f.get("http://site.test/big")
    with pytest.raises(FetchError, match="not a web page or feed .application/pdf."):
        f.get("http://site.test/report.pdf")
    with pytest.raises(FetchError, match=r"not found \(404\)") as caught:
        f.get("http://site.test/missing")
    assert caught.value.gone


def test_retries_with_backoff_then_a_clear_failure():
    clock, seen, answers = Clock(), [], iter([503, 429, 200])

    def flaky(request):
        status = next(answers)
        return html() if status == 200 else httpx.Response(status, headers={"retry-after": "4"})

    f = fetcher({"/flaky": flaky, "/down": httpx.Response(500)}, seen, clock, retries=2)
    assert f.get("http://site.test/flaky").status == 200
    assert 4.0 in clock.slept  # the server's Retry-After, longer than the 0.5 s backoff
    with pytest.raises(FetchError, match="answered 500 after 3 tries"):
        f.get("http://site.test/down")
