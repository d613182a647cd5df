"""Finding the span that answers a question's type inside a sentence.

"how many/much" → a number (with its unit word when the question names it); "who" → a
person's name; "where" → a place; "when" → a date. Candidates are found by their written
shape (digits and amounts; runs of capitalised words; day-month-year forms), and the
candidate nearest the question's rarest words wins. (dateparser's ``search_dates`` was
tried for dates: it also matches words such as "may" and "now" and costs ~40 ms a
sentence, so the written-shape match is used.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
NUMBER = re.compile(r"(?<![\w.])(?:£|\$|€)?\d[\d,]*(?:\.\d+)?(?:m|bn|k)?(?:\s?(?:per cent|%))?(?![\w])")
PHONE = re.compile(r"(?<!\w)0\d{3,4}(?: \d{3,6}){1,2}(?!\w)")
YEAR = re.compile(r"^(?:19|20)\d{2}$")
NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred thousand million dozen".split()
NAME = re.compile(r"\b(?:[A-Z][a-z’'\-]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z’'\-]+|[A-Z]{2,}|of|and|the|de|van))*\s+(?:[A-Z][a-z’'\-]+|[A-Z]{2,})\b")
TITLES = ("Chief", "Superintendent", "Inspector", "Detective", "Sergeant", "Constable", "Commissioner", "Director",
          "Head", "Cllr", "Dr", "Mr", "Mrs", "Ms", "Sir", "Dame", "Lord", "Assistant", "Deputy", "Executive", "Member")
# Words that make a capitalised run an organisation, a document or a heading rather than a person or a place.
NOT_NAMES = frozenset("""Police Crime Constabulary Council Commissioner Commissioners Office Service Services Unit Team
Command Committee Partnership Association Department Ministry Government Court Courts Agency Authority Board Trust
Year Review Report Strategy Plan Scheme Schemes Operation Week Day Month News Update Statement Column Campaign
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September
October November December""".split())
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
DATE = re.compile(
    rf"\b(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}(?:\s+\d{{4}})?"
    rf"|{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|{MONTHS}\s+\d{{4}}|(?:19|20)\d{{2}}(?:/\d{{2}})?"
    rf"|(?:late|early|mid)[- ](?:19|20)\d{{2}}|{MONTHS})\b")


def overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether the characters ``start:end`` and ``other_start:other_end`` share at least one character."""
    return start < other_end and other_start < end


def question_type(question: str) -> str | None:
    q = question.lower()
    if re.search(r"\bhow (many|much)\b|\bwhat (number|percentage|proportion|share)\b|\bhow long\b", q):
        return "number"
    if re.search(r"\bwhen\b|\bwhat (date|day|year|month)\b|\bwhich (date|day|year|month)\b", q):
        return "date"
    if re.search(r"\bwho\b|\bwhose\b|\bwhich (\w+ )?(officer|person|commissioner|pcc|superintendent|inspector|detective)\b", q):
        return "person"
    if re.search(r"\bwhere\b|\bwhich (towns?|places?|areas?|county|city|cities|locations?)\b|\bin which (town|place|area)\b", q):
        return "place"
    return None


_SMALL = {"of", "and", "the", "de", "van"}


def stem(word: str) -> str:
    w = word.lower().strip("'’")
    for suffix in ("ies", "es", "s", "ing", "ed"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def candidates(kind: str, sentence: str) -> list[tuple[int, int]]:
    """Character spans in ``sentence`` of the shape ``kind`` asks for."""
    if kind == "number":
        spans = [m.span() for m in PHONE.finditer(sentence)]
        spans += [m.span() for m in NUMBER.finditer(sentence) if not any(a <= m.start() < b for a, b in spans)]
        spans += [m.span() for m in re.finditer(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", sentence, re.I)]
        return spans
    if kind == "date":
        return [m.span() for m in DATE.finditer(sentence)]
    if kind in ("person", "place"):
        spans = []
        for m in NAME.finditer(sentence):
            a, b = m.span()
            text = sentence[a:b]
            words = text.split()
            while words and words[0] in ("The", "A", "An", "In", "At", "On", "Our", "This"):
                a += len(words[0]) + 1
                words = words[1:]
            if len(words) >= (2 if kind == "person" else 1):
                spans.append((a, b))
        if kind == "place":
            spans += [m.span(1) for m in re.finditer(r"\b(?:in|at|across|to)\s+([A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-]+)*)", sentence)]
        return spans
    return []


def best_span(kind: str, sentence: str, question_words: Sequence[str], weights: dict[str, float]) -> str | None:
    """The candidate span nearest (in words, weighted by rarity) to the question's words, when one
    of them stands beside it; else None (no lead is better than a guessed one)."""
    found = scored_span(kind, sentence, question_words, weights)
    return found[0] if found and found[2] else None


def scored_span(kind: str, sentence: str, question_words: Sequence[str],
                weights: dict[str, float]) -> tuple[str, float, bool] | None:
    """(span, how strongly the question's words point at it, whether one stands right beside it), or None.

    "Beside" means: for a count, the word just before or after the number is a question word
    ("157 arrests" for "how many arrests"); for other kinds, a question word within three words."""
    spans = candidates(kind, sentence)
    if not spans:
        return None
    qstems = {stem(w) for w in question_words}
    tokens = [(m.start(), m.end(), stem(m.group())) for m in WORD.finditer(sentence)]
    anchors = [(i, weights.get(t, 1.0)) for i, (_, _, t) in enumerate(tokens) if t in qstems]
    best, best_score, best_adjacent = None, -math.inf, False
    asks_year = any(w.lower() in ("year", "years") for w in question_words)
    for a, b in spans:
        text = sentence[a:b]
        if stem(text) in qstems or text.lower() in {w.lower() for w in question_words}:
            continue  # the question's own words are not its answer
        own = [w for w in text.split() if w not in TITLES and w not in _SMALL]
        if kind in ("person", "place") and (not own or all(stem(w.strip("’'")) in qstems for w in own)):
            continue  # a run of the question's own words (or of job titles) names no one new
        if kind in ("person", "place") and any(w.strip("’'") in NOT_NAMES for w in own):
            continue  # "Joint Protective Services Year", "Police and Crime": an organisation or a heading
        if kind == "number" and YEAR.match(text) and not asks_year and kind != "date":
            continue  # "since 2009" is not a count
        pos = next((i for i, (s, e, _) in enumerate(tokens) if e > a), len(tokens))
        end = next((i for i, (s, e, _) in enumerate(tokens) if s >= b), len(tokens))
        score = sum(w / (1 + abs(pos - i)) ** 1.5 for i, w in anchors) - 0.001 * pos
        if kind == "number":  # "129 criminal cases" for "how many criminal cases"
            near = [(end, 1.0), (end + 1, 0.5), (pos - 1, 1.0)]
            hits = [f * weights.get(tokens[i][2], 1.0) for i, f in near
                    if 0 <= i < len(tokens) and tokens[i][2] in qstems]
            score += sum(hits)
            adjacent = bool(hits)
        else:
            adjacent = any(abs(pos - i) <= 3 for i, _ in anchors)
        if kind == "person":
            score += 0.5 * len(own) / max(1, len(text.split()))
        if score > best_score:
            best, best_score, best_adjacent = (a, b), score, adjacent
    if best is None:
        return None
    a, b = best
    text = sentence[a:b].strip(" ,.;:")
    if kind == "number":  # "157 arrests": keep the unit word when the question asks for it
        rest = sentence[b:]
        m = re.match(r"\s+([A-Za-z][a-z\-]+)", rest)
        if m and stem(m.group(1)) in qstems:
            text = f"{text} {m.group(1)}"
    return text, best_score, best_adjacent
