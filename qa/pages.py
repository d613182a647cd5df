"""Plain-text pages: site chrome removal, release titles, and pages holding many releases.

Scraped pages carry text that belongs to the site, not to the release: cookie banners,
"Quickly exit this site", beta notices, error messages, share and navigation links.
``CHROME_PATTERNS`` lists them (one regular expression per kind of line; a line that
matches is dropped whole). Add to it when a new site brings new chrome.

A page may hold many releases one after another, each title on its own line. A line is
taken for a title when it looks like a headline: 2–14 words, starts with a capital, most
longer words capitalised, no sentence punctuation at its end and no comma, colon or
equals sign inside, and the next line is prose. Lines before the first title (the page
header) belong to no release; a "release" under a title with less than
``MIN_RELEASE_CHARS`` of text is not one, and its title line stays text of the release
before it. A page with no title lines is one release.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

CHROME_PATTERNS = [
    r"quickly exit this site|leave this site|pressing the escape key",
    r"\bcookies?\b.*\b(preferences|settings|essential|accept|reject|notice|customi[sz]e|our (web)?site)\b",
    r"\bthis (web)?site is (a|in) beta\b",
    r"^sorry, (there was|something went) (a )?(technical )?(problem|wrong)",
    r"^(please )?(try again|reload the page)\.?$",
    r"\bjavascript (is )?(disabled|required)\b|enable javascript",
    r"^(skip to (main )?content|back to top|print this page|share this (page|article)|you are here:?)\b",
    r"^(page not found|an error (has )?occurred)\b",
    r"^(sign up|subscribe) (to|for) (our|the) (newsletter|alerts)",
]
_CHROME = [re.compile(p, re.I) for p in CHROME_PATTERNS]
MIN_RELEASE_CHARS = 200

# Police force areas of the UK (and common short forms), for the area of a release that
# names none in its metadata.
AREAS = [
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "Cleveland", "Cumbria",
    "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys", "Essex",
    "Gloucestershire", "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire", "Humberside",
    "Kent", "Lancashire", "Leicestershire", "Lincolnshire", "London", "Merseyside", "Norfolk",
    "North Wales", "North Yorkshire", "Northamptonshire", "Northumbria", "Nottinghamshire",
    "South Wales", "South Yorkshire", "Staffordshire", "Suffolk", "Surrey", "Sussex",
    "Thames Valley", "Warwickshire", "West Mercia", "West Midlands", "West Yorkshire", "Wiltshire",
    "Scotland", "Northern Ireland",
]
AREA_ALIASES = {"Herts": "Hertfordshire", "Beds": "Bedfordshire", "Cambs": "Cambridgeshire",
                "Metropolitan Police": "London", "Hants": "Hampshire", "Notts": "Nottinghamshire"}
_AREA_RE = re.compile(r"\b(" + "|".join(re.escape(a) for a in sorted([*AREAS, *AREA_ALIASES], key=len, reverse=True)) + r")\b")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def is_chrome(line: str) -> bool:
    return any(p.search(line) for p in _CHROME)


def clean_text(text: str) -> str:
    """Body text without site chrome, with tidy whitespace; paragraphs stay on their own lines."""
    lines = []
    for line in text.replace("\u00a0", " ").split("\n"):
        line = re.sub(r"[ \t]+", " ", line).strip()
        if line and is_chrome(line):
            continue
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def is_title(line: str, next_line: str | None) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 14 or len(line) > 100:
        return False
    if not line[0].isupper() or line[-1] in ".:;,!?\"”’'" or re.search(r"[,:;=@]|https?:|www\.", line):
        return False
    long_words = [w for w in words if w.lower() not in _SMALL_WORDS]
    capitalised = sum(1 for w in long_words if w[0].isupper() or w[0].isdigit())
    if not long_words or capitalised / len(long_words) < 0.6:
        return False
    return next_line is not None and len(next_line.split()) >= 6


def split_page(text: str) -> tuple[str, list[tuple[str | None, str]]]:
    """(page header, [(title or None, body), ...]) for a plain-text page."""
    lines = clean_text(text).split("\n")
    content = [i for i, line in enumerate(lines) if line]
    titles = [
        i for n, i in enumerate(content)
        if is_title(lines[i], lines[content[n + 1]] if n + 1 < len(content) else None)
    ]
    sections: list[list] = []  # [title line index or None, first body line, end]
    for n, i in enumerate(titles):
        end = titles[n + 1] if n + 1 < len(titles) else len(lines)
        body = "\n".join(lines[i + 1:end]).strip()
        if len(body) < MIN_RELEASE_CHARS and sections:
            sections[-1][2] = end  # too short to be a release: its "title" is text
        else:
            sections.append([i, i + 1, end])
    if len(sections) < 2:
        return "", [(None, "\n".join(lines).strip())]
    header = "\n".join(lines[: sections[0][0]]).strip()
    out = []
    for title_at, start, end in sections:
        out.append((lines[title_at], re.sub(r"\n{3,}", "\n\n", "\n".join(lines[start:end])).strip()))
    return header, out


def derive_title(body: str, max_words: int = 12) -> str:
    """A title for a release whose page gives none: its first sentence, shortened."""
    first = first_sentence(body)
    words = first.rstrip(".").split()
    return " ".join(words) if len(words) <= max_words + 2 else " ".join(words[:max_words]) + "…"


def first_sentence(text: str) -> str:
    line = next((ln for ln in text.split("\n") if ln.strip()), "")
    sentences = _segmenter().segment(line)
    return (sentences[0] if sentences else line).strip()


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def area_mentions(text: str) -> list[re.Match]:
    """Where ``text`` names a police force area (or a short form of one), first first."""
    return list(_AREA_RE.finditer(text))


def is_area(words: str) -> bool:
    """Whether ``words`` are a police force area's name and nothing else ("Thames Valley", "Dyfed-Powys", "Herts")."""
    found = area_mentions(words)
    return len(found) == 1 and found[0].group() == words


def guess_area(text: str) -> str | None:
    """The police force area a text names most (first named wins a tie), or None."""
    counts = Counter(AREA_ALIASES.get(m, m) for m in _AREA_RE.findall(text))
    return counts.most_common(1)[0][0] if counts else None


def definition_lists_as_lines(html: str) -> str:
    """``html`` with each definition list's terms and their definitions said as labelled lines, one paragraph each
    ("<dt>North Western Region</dt><dd>€98,000</dd>" as "North Western Region: €98,000"), the way a table's
    row is read with its label (:mod:`qa.answerers.tables`). The text extractor otherwise puts every term and
    every definition on a line of its own, and a figure loses the name it is given for. A page with no
    definition list comes back as it was."""
    if not re.search(r"<dl[\s>]", html, re.I):
        return html
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html
    for dl in doc.iter("dl"):
        lines, term, defined = [], None, False
        for child in dl:
            said = " ".join(child.text_content().split())
            if child.tag == "dt":
                if term and not defined:  # a term with no definition is a line of its own
                    lines.append(term)
                term, defined = said, False
            elif child.tag == "dd" and said:  # each definition of a term with the term
                lines.append(f"{term}: {said}" if term else said)
                defined = True
        if term and not defined:
            lines.append(term)
        block = lxml.html.Element("div")
        for line in lines:
            p = lxml.html.Element("p")
            p.text = line
            block.append(p)
        block.tail = dl.tail
        dl.getparent().replace(dl, block)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")
