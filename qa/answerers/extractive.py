"""The extractive answerer (the default): no LLM, CPU only, offline.

1. The retrieved passages are split into sentences (pysbd, offsets kept).
2. Each sentence is scored against the question: cosine similarity under the embedding
   model (sentence embedded with its release title), plus lexical evidence — the share
   of the question's content words it contains, weighted by rarity among the candidate
   sentences — plus a bonus when it holds the kind of span the question asks for (a
   number for "how many", a date for "when", a name for "who", a place for "where").
3. The best sentence leads; up to two more sentences join when they score within
   ``margin`` of it. Each sentence carries the [n] of its passage.
4. The span answering the question's type is pinpointed in the best sentence and put
   first: "157 arrests [1]."
5. Abstention: when the best sentence's evidence score is below ``threshold`` the
   answer is "The releases don't say." with the nearest passages cited. The threshold
   is calibrated on the sample questions (see README, "Abstention").
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from qa.answer import ABSTAIN_TEXT, Answer, Citation
from qa.answerers import spans
from qa.chunks import sentences
from qa.passages import Passage
from qa.store import STOPWORDS
from qa.vectors import Embedder


@dataclass
class Scored:
    passage: int
    start: int  # offsets in the passage text
    end: int
    text: str
    cosine: float
    lexical: float
    typed: bool
    score: float


def content_words(text: str) -> list[str]:
    return [w for w in spans.WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 1]


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, embedder: Embedder, threshold: float = 0.333, margin: float = 0.1,
                 max_sentences: int = 2, lexical_weight: float = 0.5, type_weight: float = 0.1,
                 max_embedded: int = 24) -> None:
        if not 1 <= max_sentences <= 3:
            raise ValueError(f"max_sentences must be between 1 and 3, got {max_sentences}")
        self.embedder = embedder
        self.threshold = threshold
        self.margin = margin
        self.max_sentences = max_sentences
        self.lexical_weight = lexical_weight
        self.type_weight = type_weight
        self.max_embedded = max_embedded

    def score_sentences(self, question: str, passages: list[Passage]) -> list[Scored]:
        pieces: list[tuple[int, int, int, str]] = []
        seen: set[str] = set()
        for i, p in enumerate(passages):
            for s in sentences(p.text):
                text = p.text[s.start:s.end]
                if text not in seen:  # overlapping chunks repeat sentences
                    seen.add(text)
                    pieces.append((i, s.start, s.end, text))
        if not pieces:
            return []
        qwords = content_words(question)
        qstems = {spans.stem(w) for w in qwords}
        doc_freq = Counter(st for *_, t in pieces for st in {spans.stem(w) for w in content_words(t)})
        idf = {st: math.log(1 + len(pieces) / (1 + doc_freq[st])) for st in qstems}
        total = sum(idf.values()) or 1.0
        kind = spans.question_type(question)
        lexical = [sum(idf[st] for st in qstems if st in {spans.stem(w) for w in content_words(t)}) / total
                   for *_, t in pieces]
        # Only the lexically strongest sentences (and each passage's first) are embedded: it bounds latency.
        keep = sorted(range(len(pieces)), key=lambda j: (-lexical[j], pieces[j][0]))[: self.max_embedded]
        pieces = [pieces[j] for j in sorted(keep)]
        lexical = [lexical[j] for j in sorted(keep)]
        vectors = self.embedder.embed_batch([question] + [f"{passages[i].title}\n{t}" for i, _, _, t in pieces])
        cos = vectors[1:] @ vectors[0]
        scored = []
        weights = {st: math.log(1 + len(pieces) / (1 + n)) for st, n in doc_freq.items()}
        for (i, a, b, text), c, lex in zip(pieces, cos, lexical):
            found = spans.scored_span(kind, text, qwords, weights) if kind else None
            typed = found is not None
            pointed = min(1.0, max(0.0, found[1]) / (total or 1.0)) if found else 0.0
            beside = self.type_weight if found and found[2] else 0.0  # "157 arrests" for "how many arrests"
            score = (float(c) + self.lexical_weight * lex + beside
                     + (self.type_weight * (0.5 + pointed) if typed else 0.0))
            scored.append(Scored(i, a, b, text, float(c), lex, typed, score))
        return sorted(scored, key=lambda s: -s.score)

    def unknown_names(self, question: str, passages: list[Passage]) -> list[str]:
        """Capitalised words of the question (names, places, programmes) that no passage contains."""
        words = spans.WORD.findall(question)[1:]
        names = {w.rstrip("’'s").rstrip("’'") for w in words if w[0].isupper() and w.lower() not in STOPWORDS}
        original = " ".join(f"{p.title} {p.text}" for p in passages)
        text = original.lower()
        missing = [n for n in names if n and spans.stem(n) not in text and n.lower() not in text]
        spelled = _initials(original) if any(n.isupper() for n in missing) else ""
        return sorted(n for n in missing if not (n.isupper() and 2 <= len(n) <= 6 and n in spelled))

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        t0 = time.perf_counter()
        scored = self.score_sentences(question, passages)
        unknown = self.unknown_names(question, passages)
        if not scored or scored[0].score < self.threshold:
            answer = abstention(question, passages)
        elif unknown:
            answer = abstention(question, passages, note=f"no release found mentions {', '.join(unknown)}")
        else:
            answer = self._compose(question, passages, scored)
        answer.timings_ms["answer"] = (time.perf_counter() - t0) * 1000
        return answer

    def _compose(self, question: str, passages: list[Passage], scored: list[Scored]) -> Answer:
        best = scored[0]
        chosen = [best]
        for s in scored[1:]:
            if len(chosen) >= self.max_sentences or s.score < best.score - self.margin:
                break
            if not any(_overlaps(s, c) for c in chosen):
                chosen.append(s)
        citations: list[Citation] = []
        numbers: dict[tuple[int, int], int] = {}
        parts = []
        for s in chosen:
            p = passages[s.passage]
            key = (s.passage, s.start)
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(citation(numbers[key], p, s.start, s.end))
            parts.append((s, numbers[key]))
        qwords = content_words(question)
        kind = spans.question_type(question)
        doc_freq = Counter(st for s in scored for st in {spans.stem(w) for w in content_words(s.text)})
        weights = {st: math.log(1 + len(scored) / (1 + n)) for st, n in doc_freq.items()}
        lead = spans.best_span(kind, best.text, qwords, weights) if kind else None
        sentences_out = [f"{_tidy(s.text)} [{n}]" for s, n in parts]
        if lead:
            sentences_out.insert(0, f"{lead} [1].")
        return Answer(question=question, answer=" ".join(_end(x) for x in sentences_out), abstained=False,
                      citations=citations, answerer=self.name)


def citation(n: int, p: Passage, start: int, end: int) -> Citation:
    """Citation ``n`` for passage ``p``; ``start``/``end`` are offsets in the passage text."""
    return Citation(n=n, release_id=p.release_id, title=p.title, published=p.published, date_source=p.date_source,
                    url=p.url, source=p.source,
                    text=p.text, start=p.start + start, end=p.start + end, passage_start=p.start,
                    passage_end=p.end, score=p.score)


def abstention(question: str, passages: list[Passage], note: str | None = None,
               answerer: str = ExtractiveAnswerer.name) -> Answer:
    """The releases don't say: cite the nearest passages (one per release) for the reader to check."""
    seen, cites = set(), []
    for p in passages:
        if p.release_id not in seen:
            seen.add(p.release_id)
            cites.append(citation(len(cites) + 1, p, 0, min(len(p.text), 200)))
    nearest = "; ".join(f"{c.title} [{c.n}]" for c in cites[:3])
    text = ABSTAIN_TEXT + (f" The nearest releases are: {nearest}." if nearest else "")
    return Answer(question=question, answer=text, abstained=True, citations=cites, answerer=answerer, note=note)


def _initials(text: str) -> str:
    """The initials of every run of capitalised words, "|"-separated: "Police and Crime Commissioner" gives
    "PCC", so an acronym in a question is found in a passage that spells it out."""
    runs = re.finditer(r"[A-Z][\w’'\-]*(?:\s+(?:(?:and|of|the|for)\s+)?[A-Z][\w’'\-]*)+", text)
    return "|".join("".join(w[0] for w in m.group().split() if w[0].isupper()) for m in runs)


def _overlaps(a: Scored, b: Scored) -> bool:
    """Whether two scored spans are the same answer: overlapping in one passage, or the same words."""
    return a.passage == b.passage and spans.overlaps(a.start, a.end, b.start, b.end) or a.text == b.text


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _end(sentence: str) -> str:
    """Put the sentence's full stop after its [n] markers: "... 157 arrests [1]."."""
    m = re.match(r"^(.*?)([.!?…]*[”\"’']?)\s*((?:\[\d+\])+)\.?$", sentence)
    if not m:
        return sentence
    body, punct, markers = m.groups()
    closing = punct.rstrip(".!?…")
    return f"{body}{closing} {markers}."
