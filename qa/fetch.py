"""web → pages: a polite HTTP fetcher for the crawler (:mod:`qa.crawler`).

Politeness is built in, not left to the caller:

* **robots.txt** is read once per host and run (with :mod:`urllib.robotparser`) and every
  URL, redirect targets included, is checked against the crawler's own name (``qa-bot``),
  so a group for ``qa-bot`` applies instead of the ``*`` group, as robots.txt intends. A
  robots.txt that answers 401/403, 5xx or not at all forbids the whole host (RFC 9309,
  2.3.1.3–4: unreachable means "assume complete disallow"); 404 allows everything.
* **Rate**: at most ``QA_CRAWL_RATE`` requests a second to one host (default 1), slower
  when robots.txt asks (``Crawl-delay`` or ``Request-rate`` for this bot). The wait is
  measured (``waited_s``) so that a benchmark can tell waiting from working.
* **User agent** ``qa-bot/<version> (+<QA_CRAWL_CONTACT>)``, so a webmaster can reach
  whoever runs the crawl.
* **Conditional GET**: given a page's last ETag / Last-Modified, sends If-None-Match /
  If-Modified-Since; a 304 comes back as ``Fetched.status == 304`` with no body.
* **Bounds**: a timeout per request, a size cap (``QA_CRAWL_MAX_BYTES``, checked on
  Content-Length before any body is read and again while reading), at most
  ``QA_CRAWL_MAX_REDIRECTS`` redirects with loops named as such, and retries with
  exponential backoff (or the server's Retry-After, capped at a minute) on 429, 5xx and
  network errors. Only pages and feeds are downloaded: a PDF or image is refused on its
  Content-Type without reading its body.

Every failure is a :class:`FetchError` whose message is a sentence for the user.
"""

from __future__ import annotations

import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin, urlsplit

import httpx

BOT_NAME = "qa-bot"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 60.0
MAX_ROBOTS_BYTES = 512_000
# What the crawler reads: web pages, feeds and sitemaps. Anything else (PDF, images, Word
# files) is refused on its Content-Type.
READABLE_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "application/rss+xml",
                  "application/atom+xml", "application/feed+json", "application/json", "text/plain")


class FetchError(Exception):
    """A page that could not be fetched; ``str()`` says why, ``status`` is the HTTP status if one came."""

    def __init__(self, reason: str, status: int | None = None, etag: str | None = None,
                 last_modified: str | None = None) -> None:
        super().__init__(reason)
        self.status, self.etag, self.last_modified = status, etag, last_modified

    @property
    def gone(self) -> bool:
        """The site says the page is not there (404 or 410), as opposed to failing to serve it."""
        return self.status in (404, 410)


class Forbidden(FetchError):
    """robots.txt forbids the URL: it was never requested."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when the validators still hold
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchStats:
    requests: int = 0  # every request sent, robots.txt and retries included
    downloads: int = 0  # responses whose body was read (200s)
    not_modified: int = 0  # 304s
    waited_s: float = 0.0  # time spent waiting for the rate limit
    per_host: dict[str, list[float]] = field(default_factory=dict)  # request start times, for tests and the bench


def user_agent(contact: str = "") -> str:
    try:
        ours = version("qa")
    except PackageNotFoundError:
        ours = "0"
    return f"{BOT_NAME}/{ours} (+{contact or 'QA_CRAWL_CONTACT not set'})"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Fetcher:
    """Fetches pages politely; one per crawl run (robots.txt and the rate are per host and run).

    ``rate`` is requests per second per host; ``None`` turns the limit off (benchmarks only:
    robots.txt's Crawl-delay still applies). ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(self, *, rate: float | None = 1.0, contact: str = "", timeout_s: float = 20.0,
                 max_bytes: int = 5_000_000, max_redirects: int = 5, retries: int = 2, backoff_s: float = 2.0,
                 transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate, self.max_bytes, self.max_redirects = rate, max_bytes, max_redirects
        self.retries, self.backoff_s = retries, backoff_s
        self.agent = user_agent(contact)
        self.client = httpx.Client(headers={"User-Agent": self.agent}, timeout=timeout_s, follow_redirects=False,
                                   transport=transport)
        self.clock, self.sleep = clock, sleep
        self.stats = FetchStats()
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._next_at: dict[str, float] = {}

    @classmethod
    def from_settings(cls, settings, **overrides) -> Fetcher:
        options = dict(rate=settings.crawl_rate, contact=settings.crawl_contact, timeout_s=settings.crawl_timeout_s,
                       max_bytes=settings.crawl_max_bytes, max_redirects=settings.crawl_max_redirects,
                       retries=settings.crawl_retries, backoff_s=settings.crawl_backoff_s)
        return cls(**{**options, **overrides})

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # robots.txt -------------------------------------------------------------------------------

    def robots(self, url: str) -> urllib.robotparser.RobotFileParser:
        host = origin(url)
        if host not in self._robots:
            self._robots[host] = self._read_robots(host)
        return self._robots[host]

    def allowed(self, url: str) -> bool:
        return self.robots(url).can_fetch(self.agent, url)

    def _read_robots(self, host: str) -> urllib.robotparser.RobotFileParser:
        url = f"{host}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(url)
        status, text = None, ""
        try:
            for _ in range(self.max_redirects + 1):  # RFC 9309 follows at least five redirects
                response = self._send(url, {})
                try:
                    status = response.status_code
                    if response.has_redirect_location:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if status == 200:  # RFC 9309: at least 500 KiB must be read
                        text = response.read()[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
                    break
                finally:
                    response.close()
            else:
                status = None
        except (httpx.HTTPError, FetchError):
            status = None
        if status == 200:
            parser.parse(text.splitlines())
        elif status is not None and 400 <= status < 500 and status not in (401, 403):
            parser.allow_all = True
        else:  # 401/403, 5xx or unreachable: assume the site forbids crawling
            parser.disallow_all = True
        parser.modified()
        return parser

    def _interval(self, url: str) -> float:
        """Seconds between two requests to ``url``'s host: the slower of our rate and robots.txt's."""
        wanted = 1.0 / self.rate if self.rate else 0.0
        robots = self._robots.get(origin(url))
        if robots is not None:
            delay = robots.crawl_delay(self.agent)
            if delay:
                wanted = max(wanted, float(delay))
            rate = robots.request_rate(self.agent)
            if rate and rate.requests:
                wanted = max(wanted, rate.seconds / rate.requests)
        return wanted

    # requests -------------------------------------------------------------------------------

    def _wait_turn(self, url: str) -> None:
        host = origin(url)
        now = self.clock()
        wait = self._next_at.get(host, now) - now
        if wait > 0:
            self.sleep(wait)
            self.stats.waited_s += wait
        start = self.clock()
        self._next_at[host] = start + self._interval(url)
        self.stats.per_host.setdefault(host, []).append(start)

    def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """One GET (body not yet read), retried on 429/5xx and network errors; the caller closes it."""
        attempt = 0
        while True:
            self._wait_turn(url)
            self.stats.requests += 1
            try:
                response = self.client.send(self.client.build_request("GET", url, headers=headers), stream=True)
            except httpx.HTTPError as exc:
                if attempt >= self.retries:
                    raise FetchError(f"could not be reached ({type(exc).__name__}: {exc or 'no detail'}) "
                                     f"after {attempt + 1} tries") from None
                self._back_off(attempt, None)
                attempt += 1
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                retry_after = response.headers.get("retry-after")
                response.close()
                self._back_off(attempt, retry_after)
                attempt += 1
                continue
            if response.status_code in RETRY_STATUSES:
                response.close()
                raise FetchError(f"the server answered {response.status_code} after {attempt + 1} tries",
                                 response.status_code)
            return response

    def _back_off(self, attempt: int, retry_after: str | None) -> None:
        delay = self.backoff_s * 2 ** attempt
        if retry_after:
            delay = max(delay, _seconds(retry_after))
        self.sleep(min(delay, MAX_RETRY_AFTER_S))

    def get(self, url: str, validators: Callable[[str], tuple[str | None, str | None]] = lambda u: (None, None),
            in_scope: Callable[[str], bool] = lambda u: True) -> Fetched:
        """The page at ``url``, following redirects that stay in scope and robots.txt; raises FetchError.

        ``validators(url)`` gives the (ETag, Last-Modified) kept from the last fetch of ``url`` (asked for
        every hop, so a page reached by a redirect is not downloaded again either)."""
        seen = [url]
        while True:
            if not self.allowed(url):
                raise Forbidden(f"robots.txt forbids {BOT_NAME} to fetch it")
            etag, last_modified = validators(url)
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            response = self._send(url, headers)
            try:
                if response.has_redirect_location:
                    target = urljoin(url, response.headers.get("location", ""))
                    if target in seen:
                        raise FetchError(f"redirect loop ({' → '.join([*seen, target])})", response.status_code)
                    if len(seen) > self.max_redirects:
                        raise FetchError(f"more than {self.max_redirects} redirects (QA_CRAWL_MAX_REDIRECTS)",
                                         response.status_code)
                    if not in_scope(target):
                        raise FetchError(f"redirects out of the crawl's scope, to {target}", response.status_code)
                    seen.append(target)
                    url = target
                    continue
                return self._read(url, response)
            finally:
                response.close()

    def _read(self, url: str, response: httpx.Response) -> Fetched:
        status = response.status_code
        validators = dict(etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"))
        if status == 304:
            self.stats.not_modified += 1
            return Fetched(url=url, status=304, **validators)
        if status != 200:
            what = {404: "not found", 410: "gone", 401: "needs a login", 403: "forbidden"}.get(status, "refused")
            raise FetchError(f"{what} ({status})", status)
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and not content_type.startswith(READABLE_TYPES):
            raise FetchError(f"not a web page or feed ({content_type}); only HTML, XML and feeds are read", status,
                             **validators)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(self._too_big(int(declared)), status, **validators)
        body = bytearray()
        for piece in response.iter_bytes():
            body += piece
            if len(body) > self.max_bytes:
                raise FetchError(self._too_big(len(body), more=True), status, **validators)
        self.stats.downloads += 1
        return Fetched(url=url, status=200, body=bytes(body), content_type=content_type, **validators)

    def _too_big(self, size: int, more: bool = False) -> str:
        return (f"page is {'over ' if more else ''}{size / 1e6:.1f} MB, over the {self.max_bytes / 1e6:g} MB "
                f"size cap (QA_CRAWL_MAX_BYTES)")


def _seconds(retry_after: str) -> float:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if retry_after.strip().isdigit():
        return float(retry_after)
    try:
        return max(0.0, parsedate_to_datetime(retry_after).timestamp() - time.time())
    except (TypeError, ValueError):
        return 0.0
