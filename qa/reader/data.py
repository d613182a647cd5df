"""Training data for the reader, from the training parts of ``../shared/eval`` only.

Which articles may be trained on (``../shared/eval/README.md``): the SQuAD 1.1 training
set, the first 24 articles of SQuAD 1.1 dev and the first 8 of the SQuAD 2.0 dev half.
SQuAD 2.0 dev reuses SQuAD 1.1 dev's articles, so two tune articles are also report
articles of the other benchmark: *Warsaw* (SQuAD 1.1 tune, SQuAD 2.0 report) and
*Harvard_University* (SQuAD 2.0 tune, SQuAD 1.1 report). Both are left out of training.
Two more SQuAD 2.0 tune articles, *Packet_switching* and *1973_oil_crisis*, are kept out
of training (in both files) to calibrate the abstention on questions the reader never
saw (``CALIBRATION_ARTICLES``).

SQuAD 1.1 train gives answerable questions only, and its ``answer_start`` is the first
occurrence of the answer text; items whose answer occurs more than once are dropped.
Unanswerable questions come from the SQuAD 2.0 tune articles and from four kinds of
negatives made from SQuAD 1.1 train, each the way SQuAD 2.0's writers made theirs
(Rajpurkar et al. 2018, Table 2), checked so that the paragraph cannot answer:

* ``swap``: a name, number or year of the question that the paragraph contains is
  replaced by one of the same shape from another article (entity swap);
* ``antonym``: a word of the question is replaced by its opposite ("first" → "last",
  "largest" → "smallest") when the opposite is nowhere in the paragraph;
* ``removed``: the sentences holding the answer are cut from the paragraph;
* ``other``: the question is paired with another paragraph of its own article.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

EXCLUDED_ARTICLES = frozenset({"Warsaw", "Harvard_University"})
CALIBRATION_ARTICLES = frozenset({"Packet_switching", "1973_oil_crisis"})

ANTONYMS = {
    "first": "last", "last": "first", "largest": "smallest", "smallest": "largest", "most": "least",
    "least": "most", "highest": "lowest", "lowest": "highest", "before": "after", "after": "before",
    "earliest": "latest", "latest": "earliest", "biggest": "smallest", "longest": "shortest",
    "shortest": "longest", "oldest": "youngest", "youngest": "oldest", "north": "south", "south": "north",
    "east": "west", "west": "east", "northern": "southern", "southern": "northern", "eastern": "western",
    "western": "eastern", "increase": "decrease", "decrease": "increase", "increased": "decreased",
    "decreased": "increased", "rise": "fall", "fall": "rise", "won": "lost", "lost": "won", "win": "lose",
    "major": "minor", "minor": "major", "early": "late", "late": "early", "public": "private",
    "private": "public", "inside": "outside", "outside": "inside", "upper": "lower", "lower": "upper",
    "positive": "negative", "negative": "positive", "maximum": "minimum", "minimum": "maximum",
    "best": "worst", "worst": "best", "start": "end", "began": "ended", "ended": "began",
}
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_NUMBER = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})*\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")


@dataclass(frozen=True)
class Example:
    question: str
    context: str
    answer_start: int | None  # None: the context does not answer
    answer_text: str | None
    kind: str  # squad1, squad2, swap, antonym, removed, other
    article: str


def read_articles(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["data"]


def squad_examples(articles: list[dict]) -> Iterator[Example]:
    """Every question of the articles; the first gold answer is the training target."""
    for article in articles:
        for para in article["paragraphs"]:
            context = para["context"]
            for q in para["qas"]:
                if q.get("is_impossible"):
                    yield Example(q["question"], context, None, None, "squad2", article["title"])
                elif q["answers"]:
                    a = q["answers"][0]
                    yield Example(q["question"], context, a["answer_start"], a["text"], "squad1", article["title"])


def tune_articles(squad1: Path, squad2: Path) -> list[dict]:
    """The tune halves' articles that may be trained on (see the module docstring), each title once:
    an article in both files keeps its SQuAD 2.0 form, which adds the unanswerable questions."""
    s1 = read_articles(squad1)
    s2 = read_articles(squad2)
    chosen = {a["title"]: a for a in s1[: len(s1) // 2]}
    chosen.update({a["title"]: a for a in s2[:8]})
    return [a for t, a in chosen.items() if t not in EXCLUDED_ARTICLES | CALIBRATION_ARTICLES]


def unambiguous(examples: Iterator[Example]) -> Iterator[Example]:
    """Drop answerable items whose answer text occurs more than once in the context."""
    for ex in examples:
        if ex.answer_text is None or ex.context.count(ex.answer_text) == 1:
            yield ex


def synthesize_negatives(articles: list[dict], rng: random.Random, per_kind: dict[str, int]) -> list[Example]:
    """Negatives of each kind in ``per_kind`` (see the module docstring), from answerable questions."""
    pool = [(a["title"], p["context"], q) for a in articles for p in a["paragraphs"] for q in p["qas"] if q["answers"]]
    rng.shuffle(pool)
    names = [m.group() for a in articles[:80] for p in a["paragraphs"][:3] for m in _NAME.finditer(p["context"])]
    paragraphs_of: dict[str, list[str]] = {}
    for a in articles:
        paragraphs_of[a["title"]] = [p["context"] for p in a["paragraphs"]]
    makers = {"swap": lambda t, c, q: _swap(q["question"], c, names, rng),
              "antonym": lambda t, c, q: _antonym(q["question"], c),
              "removed": lambda t, c, q: (q["question"], _remove_answer(c, q["answers"][0]["text"])),
              "other": lambda t, c, q: (q["question"], _other_paragraph(c, paragraphs_of[t], q["answers"][0]["text"],
                                                                        rng))}
    out: list[Example] = []
    counts = {k: 0 for k in per_kind}
    for title, context, q in pool:
        if all(counts[k] >= n for k, n in per_kind.items()):
            break
        for kind in sorted(per_kind, key=lambda k: counts[k] / max(1, per_kind[k])):
            if counts[kind] >= per_kind[kind]:
                continue
            made = makers[kind](title, context, q)
            if made and made[0] and made[1]:
                out.append(Example(made[0], made[1], None, None, kind, title))
                counts[kind] += 1
                break
    return out


def _swap(question: str, context: str, names: list[str], rng: random.Random) -> tuple[str, str] | None:
    """Replace a year, number or name of the question (one the context holds) by another the context lacks."""
    for pattern, pick in ((_YEAR, lambda m: str(int(m) + rng.choice([-7, -3, -2, 2, 3, 5, 11]))),
                          (_NUMBER, lambda m: str(rng.choice([2, 3, 4, 6, 7, 12, 15, 40, 250]) * (1 + len(m)))),
                          (_NAME, lambda m: rng.choice(names) if names else None)):
        found = [m for m in pattern.finditer(question) if m.start() > 0 and m.group() in context]
        if not found:
            continue
        m = rng.choice(found)
        new = pick(m.group())
        if not new or new == m.group() or new in context or new.lower() in question.lower():
            continue
        return question[:m.start()] + new + question[m.end():], context
    return None


def _antonym(question: str, context: str) -> tuple[str, str] | None:
    words = list(re.finditer(r"\b[a-z]+\b", question))
    lowered = context.lower()
    for m in words:
        opposite = ANTONYMS.get(m.group())
        if opposite and m.group() in lowered and not re.search(rf"\b{opposite}\b", lowered):
            return question[:m.start()] + opposite + question[m.end():], context
    return None


def _remove_answer(context: str, answer: str) -> str | None:
    sentences = _SENTENCE_END.split(context)
    kept = [s for s in sentences if answer not in s]
    text = " ".join(kept)
    if len(kept) < 2 or len(kept) == len(sentences) or answer.lower() in text.lower():
        return None
    return text


def _other_paragraph(context: str, paragraphs: list[str], answer: str, rng: random.Random) -> str | None:
    others = [p for p in paragraphs if p != context and answer.lower() not in p.lower()]
    return rng.choice(others) if others else None
