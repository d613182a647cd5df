"""The Jinja2 environment of the pages and the small helpers their templates use.

Autoescaping is on for every template, so text from a release or a question is always
shown as text. The helpers that build markup (``cite_links``) escape their input first
and add only links they make themselves. A URL becomes a link only when it is http(s).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from qa.answerers.dating import long_date

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

# Sent with every page: scripts, styles and images only from this server, no inline script.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}

_MARKER = re.compile(r"\[(\d{1,3})\]")


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else None (never a javascript: link)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in url for c in "\"'<> \t\r\n"):
        return None
    return url


def cite_links(answer: str, count: int) -> Markup:
    """The answer, escaped, with each ``[n]`` (1 ≤ n ≤ count) a link to citation card n."""
    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if not 1 <= n <= count:
            return m.group(0)
        return f'<a class="marker" href="#cite-{n}" aria-label="source {n}">[{n}]</a>'

    return Markup(_MARKER.sub(link, str(escape(answer))))


def split_span(text: str, start: int | None, end: int | None) -> tuple[str, str, str]:
    """``text`` cut into (before, highlighted, after) at ``[start, end)``, clamped to the text."""
    if start is None or end is None or end <= start:
        return text, "", ""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return text[:start], text[start:end], text[end:]


_BLANK_LINES = re.compile(r"\n\s*\n")


def excerpt(text: str, start: int | None, end: int | None, context: int = 320) -> tuple[str, str, str]:
    """Like ``split_span``, with the text before and after cut to about ``context`` characters at a word,
    and blank lines closed up."""
    before, hit, after = (_BLANK_LINES.sub("\n", part) for part in split_span(text, start, end))
    if not hit:
        return before, hit, after
    if len(before) > context:
        cut = before.find(" ", len(before) - context)
        before = "…" + before[cut + 1 if cut >= 0 else len(before) - context:]
    if len(after) > context:
        cut = after.rfind(" ", 0, context)
        after = after[:cut if cut > 0 else context] + "…"
    return before, hit, after


def sentence_parts(answer) -> tuple[str, str, str] | None:
    """The short answer's sentence cut into (before, span, after), or None when the answer has no short answer
    inside its cited sentence."""
    short = answer.short_answer
    cite = next((c for c in answer.citations if short and c.n == short.n), None)
    if cite is None or not (cite.start <= short.start <= short.end <= cite.end):
        return None
    sentence = cite.text[cite.start - cite.passage_start:cite.end - cite.passage_start]
    a, b = short.start - cite.start, short.end - cite.start
    return " ".join(sentence[:a].split()) + (" " if sentence[:a][-1:].isspace() else ""), sentence[a:b], \
        (" " if sentence[b:b + 1].isspace() else "") + " ".join(sentence[b:].split())


def quote_id(release_id: str) -> str:
    """A release id as one URL path segment (a ``/`` in an id cannot make another path)."""
    return quote(release_id, safe="")


def make_templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(safe_url=safe_url, split_span=split_span, excerpt=excerpt, sentence_parts=sentence_parts)
    env.filters["cite_links"] = cite_links
    env.filters["quote_id"] = quote_id
    env.filters["long_date"] = long_date
    return Jinja2Templates(env=env)


templates = make_templates()
