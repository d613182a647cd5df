"""Which web pages are releases: decided by each page's metadata and shape, never by its URL."""

from __future__ import annotations

import pytest

from qa.articles import classify, read_article

PROSE = " ".join(["Officers arrested a man on suspicion of burglary after a house in Mill Lane was broken into "
                  "on Sunday night, and they are asking anyone with information to come forward."] * 4)


def page(head: str = "", main: str = "", chrome: bool = True) -> str:
    nav = ('<header><nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/contact">Contact us</a> '
           '<a href="/report">Report a crime or incident online</a></nav></header>') if chrome else ""
    foot = "<footer><a href='/privacy'>Privacy notice</a> <a href='/a11y'>Accessibility statement</a></footer>"
    return f"<html><head><title>T</title>{head}</head><body>{nav}<main>{main}</main>{foot}</body></html>"


def teasers(n: int, headings: bool = False) -> str:
    items = []
    for i in range(n):
        link = f'<a href="/news/item-{i}">Man charged after incident in town number {i}</a>'
        items.append(f"<li>{f'<h3>{link}</h3>' if headings else link}<p>Short teaser sentence {i}.</p></li>")
    return f"<h1>News</h1><ul>{''.join(items)}</ul>"


ARTICLE_BODY = f"<article><h1>Man arrested after burglary</h1><p>{PROSE}</p><p>{PROSE}</p></article>"
RELATED = ('<div class="related"><h2>Related news</h2><ul><li><a href="/news/x">Appeal after a car is stolen '
           'from a drive</a></li><li><a href="/news/y">Road closed after a crash on the A10</a></li></ul></div>')


@pytest.mark.parametrize("html, is_release", [
    (page('<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
          '"datePublished":"2022-11-02"}</script>', ARTICLE_BODY), True),
    (page('<script type="application/ld+json">{"@graph":[{"@type":"WebSite"},{"@type":"BlogPosting"}]}</script>',
          ARTICLE_BODY), True),
    (page('<meta property="og:type" content="article">', ARTICLE_BODY + RELATED), True),
    (page("", '<article><h1>Man arrested</h1><time datetime="2021-03-08">8 March 2021</time>'
              f"<p>{PROSE}</p></article>" + RELATED), True),
    (page("", ARTICLE_BODY), True),  # no metadata at all: prose with one headline
    (page('<script type="application/ld+json">{"@type":"CollectionPage"}</script>', teasers(5)), False),
    (page('<meta property="og:type" content="website">', teasers(5)), False),
    (page("", teasers(5)), False),  # a listing without any metadata
    (page("", teasers(3, headings=True) + f"<p>{PROSE}</p>"), False),  # teasers as linked headings
    (page('<meta property="og:type" content="website">', f"<h1>About Westshire Police</h1><p>{PROSE}</p>"), False),
    (page("", "<h1>Search</h1><p>3 results for burglary</p>"), False),  # too short to be a release
])
def test_classify(html, is_release):
    verdict = classify(html)
    assert verdict.is_release is is_release, verdict.why
    assert verdict.why


def test_read_article_drops_chrome_and_the_repeated_headline():
    html = page('<meta property="og:type" content="article">'
                '<meta property="article:published_time" content="2023-05-14T09:30:00+01:00">',
                ARTICLE_BODY + RELATED)
    article = read_article(html.replace("<main>", '<div class="cookie">We use cookies on our website. '
                                                   'Accept all cookies</div><main>'), "http://site.test/news/a")
    assert article.title == "Man arrested after burglary"
    assert article.published == "2023-05-14"
    assert article.body.startswith("Officers arrested a man")
    assert "cookies" not in article.body and "Report a crime" not in article.body
