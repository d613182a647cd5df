"""web pages → releases: is a fetched page a release, and if so its title, text and date.

A force's site holds many pages that are not releases: listings, tag and search pages,
"about" and contact pages. Which is which is decided by the page's own metadata and
shape, never by one site's URL pattern, in this order:

1. **schema.org JSON-LD**: an ``Article`` kind (``NewsArticle``, ``BlogPosting``,
   ``Report``…) makes a release; a ``CollectionPage``, ``ItemList``, ``SearchResultsPage``,
   ``AboutPage``, ``ContactPage`` or ``ProfilePage`` makes a page that is not one.
2. **Open Graph** ``og:type``: ``article`` makes a release; ``website`` (the kind for home,
   section and "about" pages) counts against one unless the page has a publication date.
3. **Shape**: a page whose main area is mostly links (``MAX_LINK_SHARE`` of its text or more)
   or holds ``LISTING_TEASERS`` or more headline-like links, or ``LISTING_HEADINGS`` headings
   that are links, is a listing. Otherwise a page
   with a publication date in its markup (:func:`published_date`: JSON-LD, a publication meta tag
   or the article's ``<time>``, never a guess from the URL or the text) and
   at least ``MIN_WORDS`` words of main text is a release; one without a date is a release
   only when nothing says it is a ``website`` page.

The text and title come from trafilatura (precision-first extraction, comments off); the
date only from the markup (a release's own words are read later by :mod:`qa.dates`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import lxml.html

from qa import pages
from qa.dates import iso_date

ARTICLE_TYPES = frozenset({"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
                           "backgroundnewsarticle", "opinionnewsarticle", "blogposting", "report", "socialmediaposting",
                           "liveblogposting", "scholarlyarticle", "techarticle"})
NOT_RELEASE_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "aboutpage", "contactpage",
                               "profilepage", "faqpage", "checkoutpage"})
# Meta tags that state a publication date, as CMSs write them.
META_DATES = ("article:published_time", "og:published_time", "datePublished", "date", "dc.date", "dc.date.issued",
              "dcterms.created", "dcterms.date", "pubdate", "publish-date", "publication_date", "sailthru.date",
              "parsely-pub-date")
MIN_WORDS = 60
MAX_LINK_SHARE = 0.45
LISTING_TEASERS = 5  # headline-like links (four words or more) in the main area
LISTING_HEADINGS = 3  # headings that are links: teasers, as listings show them
_CHROME_TAGS = ("nav", "header", "footer", "aside", "script", "style", "noscript", "form", "template")


@dataclass(frozen=True)
class Article:
    title: str | None
    body: str
    url: str
    published: str | None  # ISO date from the page's metadata, or None
    site: str | None = None


@dataclass(frozen=True)
class Verdict:
    is_release: bool
    why: str  # a phrase for the crawl report: "JSON-LD says NewsArticle", "a listing: 80% of its text is links"


def classify(html: str) -> Verdict:
    """Whether the page is a release, and the evidence for it."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return Verdict(False, "not readable as HTML")
    kinds = _jsonld_types(tree)
    if article := kinds & ARTICLE_TYPES:
        return Verdict(True, f"its JSON-LD says {_named(article)}")
    if other := kinds & NOT_RELEASE_TYPES:
        return Verdict(False, f"its JSON-LD says {_named(other)}")
    og_type = (_meta(tree, "og:type") or "").lower()
    if og_type == "article":
        return Verdict(True, "its og:type is article")
    link_share, teasers, headings, words = _shape(tree)
    if link_share >= MAX_LINK_SHARE and words:
        return Verdict(False, f"a listing: {link_share:.0%} of its main text is links")
    if teasers >= LISTING_TEASERS or headings >= LISTING_HEADINGS:
        return Verdict(False, f"a listing: {max(teasers, headings)} headline links")
    if words < MIN_WORDS:
        return Verdict(False, f"only {words} words of text")
    dated = published_date(tree) is not None
    if og_type == "website" and not dated:
        return Verdict(False, "its og:type is website and it has no publication date")
    if og_type and og_type not in ("website", "article"):
        return Verdict(False, f"its og:type is {og_type}")
    return Verdict(True, "prose with a publication date" if dated else "a page of prose")


def read_article(html: str, url: str) -> Article | None:
    """The release text and metadata of a page, or None when it has no main text."""
    import trafilatura

    doc = trafilatura.bare_extraction(pages.definition_lists_as_lines(html), url=url, with_metadata=True,
                                      include_comments=False, favor_precision=True,
                                      date_extraction_params={"extensive_search": False, "original_date": True})
    # trafilatura's date (htmldate) is not used: it reads dates out of URLs; see published_date
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    title = (data.get("title") or "").strip() or None
    body = pages.clean_text(data.get("text") or "")
    lines = body.split("\n")
    if title and lines and lines[0].strip() == title:  # trafilatura repeats the headline as the first line
        body = "\n".join(lines[1:]).strip()
    if not body:
        return None
    try:
        published = published_date(lxml.html.fromstring(html))
    except (ValueError, lxml.etree.ParserError):
        published = None
    return Article(title=title, body=body, url=data.get("url") or url, published=published,
                   site=data.get("sitename"))


def published_date(tree) -> str | None:
    """The publication date the page's markup states: JSON-LD ``datePublished``, a publication meta tag,
    or the article's ``<time datetime>``; None when it states none. Never guessed from URLs or text
    (htmldate does, and read a JSON-LD URL's ``/2023/09/`` as 1 September)."""
    for item in _jsonld_items(tree):
        for key in ("datePublished", "dateCreated"):
            if isinstance(item.get(key), str) and (day := _day(item[key])):
                return day
    for name in META_DATES:
        for value in tree.xpath(f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]/@content'):
            if day := _day(value):
                return day
    times = (tree.xpath("//article//time/@datetime") or tree.xpath("//time[@pubdate]/@datetime")
             or tree.xpath("//main//time/@datetime"))
    if not times and len(everywhere := tree.xpath("//time/@datetime")) == 1:
        times = everywhere
    for value in times[:1]:
        if day := _day(value):
            return day
    return None


def _day(value: str) -> str | None:
    """The calendar day as the publisher wrote it (an ISO timestamp's own date, whatever its zone)."""
    value = value.strip()
    if m := re.match(r"\d{4}-\d{2}-\d{2}", value):
        return m.group(0)
    return iso_date(value) if value else None


def _jsonld_items(tree) -> list[dict]:
    """Every JSON-LD object of the page, those inside ``@graph`` and ``mainEntity`` included."""
    items: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            stack = [json.loads(script.text_content() or "null")]
        except json.JSONDecodeError:
            continue
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                items.append(item)
                stack.extend(v for key, v in item.items() if key in ("@graph", "mainEntity"))
    return items


def _jsonld_types(tree) -> set[str]:
    kinds: set[str] = set()
    for item in _jsonld_items(tree):
        kind = item.get("@type")
        for k in kind if isinstance(kind, list) else [kind]:
            if isinstance(k, str):
                kinds.add(k.lower())
    return kinds


def _named(kinds: set[str]) -> str:
    return sorted(kinds)[0]


def _meta(tree, name: str) -> str | None:
    found = tree.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content')
    return found[0].strip() if found else None


def _shape(tree) -> tuple[float, int, int, int]:
    """The share of the main area's text that is link text, its headline-like links, its headings that
    are links, and its word count."""
    main = tree.xpath("//main") or tree.xpath("//body") or [tree]
    main = main[0]
    for element in main.xpath(" | ".join(f".//{t}" for t in _CHROME_TAGS)):
        element.drop_tree()
    text = " ".join(main.text_content().split())
    link_texts = [" ".join(a.text_content().split()) for a in main.xpath(".//a[@href]")]
    link_chars = sum(len(t) for t in link_texts)
    teasers = sum(1 for t in link_texts if len(t.split()) >= 4 and not re.search(r"[.!?]$", t))
    headings = len(main.xpath(".//*[self::h2 or self::h3 or self::h4][.//a[@href]]"))
    return (link_chars / len(text) if text else 0.0), teasers, headings, len(text.split())
