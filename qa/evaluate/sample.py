"""``qa eval``: the sample questions through exactly what a user gets.

Each question goes through ``Service.ask(question)`` (the Answer a user reads) and
``Service.retriever.search(question, k=candidates)`` (the passage ranking, turned into a
release ranking by keeping each release's first passage). Without a reranker the first
five passages are exactly what ``qa search`` shows.

Measures (see :mod:`qa.evaluate.metrics` for the text normalisation):

* retrieval, on answerable questions: hit@1, hit@5, MRR, nDCG@10 by release;
* answers, on answerable questions: contains a gold string; token F1 (an abstention
  counts as a miss);
* citations, on answerable questions that were answered: precision (distinct cited
  releases that are gold, averaged per answer) and the share whose first citation (the
  first ``[n]`` in the answer) is a gold release;
* abstention: precision and recall on unanswerable questions (``release_ids == []``),
  and the false-abstention rate on answerable ones;
* latency: p50 and p95 of every stage in ``Answer.timings_ms``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field, ValidationError

from qa.answer import Answer
from qa.errors import QaError
from qa.evaluate import metrics as m

_MARKER = re.compile(r"\[(\d+)\]")


class Question(BaseModel):
    id: str
    question: str
    answers: list[str] = []
    release_ids: list[str] = []
    kind: str = "other"
    part: str | None = Field(None, description="tune or test: the frozen split (test is never tuned on)")

    @property
    def answerable(self) -> bool:
        return bool(self.release_ids)


class AskingService(Protocol):
    """What the evaluation needs of ``qa.service.Service``."""

    retriever: Any

    def ask(self, question: str) -> Answer: ...


def load_questions(path: Path) -> list[Question]:
    if not path.exists():
        raise QaError(f"{path} does not exist: give a questions file (JSONL: id, question, answers, release_ids)")
    questions = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            questions.append(Question.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            reason = str(exc).splitlines()[0]
            raise QaError(f"{path}, line {n}: not a question record ({reason})") from None
    if not questions:
        raise QaError(f"{path} holds no questions")
    return questions


def cited_releases(answer: Answer) -> list[str]:
    """Releases of the citations the answer text refers to, in order of first mention."""
    by_n = {c.n: c.release_id for c in answer.citations}
    mentioned = [by_n[int(n)] for n in _MARKER.findall(answer.answer) if int(n) in by_n]
    return m.dedupe(mentioned or [c.release_id for c in sorted(answer.citations, key=lambda c: c.n)])


@dataclass
class Outcome:
    question: Question
    releases: list[str]
    answer: Answer
    scores: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return not self.failures


def score(q: Question, releases: list[str], answer: Answer) -> Outcome:
    out = Outcome(q, releases, answer)
    cited = cited_releases(answer)
    gold = set(q.release_ids)
    if not q.answerable:
        if not answer.abstained:
            out.failures.append("answered a question the releases don't answer")
        return out
    s = out.scores
    s["hit1"], s["hit5"] = m.hit_at(releases, gold, 1), m.hit_at(releases, gold, 5)
    s["mrr"], s["ndcg10"] = m.reciprocal_rank(releases, gold), m.ndcg_at(releases, gold, 10)
    s["contains"] = float(not answer.abstained and m.contains_gold(answer.answer, q.answers))
    s["f1"] = 0.0 if answer.abstained else m.token_f1(answer.answer, q.answers)
    if not s["hit5"]:
        out.failures.append("no gold release in the top 5")
    if answer.abstained:
        out.failures.append("abstained")
        return out
    if not s["contains"]:
        out.failures.append("answer lacks every gold string")
    if cited:
        s["cite_precision"] = len(gold & set(cited)) / len(cited)
        s["first_gold"] = float(cited[0] in gold)
    else:
        s["first_gold"] = 0.0
    if not s["first_gold"]:
        out.failures.append("first citation is not a gold release")
    return out


class SampleEval:
    """Asks every question through the service and scores the outcomes."""

    def __init__(self, service: AskingService, depth: int | None = None) -> None:
        self.service = service
        settings = getattr(service, "settings", None)
        self.depth = depth or getattr(settings, "candidates", 50)
        if self.depth < 10:
            raise ValueError(f"depth must be at least 10 to score nDCG@10, got {self.depth}")

    def evaluate(self, q: Question) -> Outcome:
        answer = self.service.ask(q.question)
        passages = self.service.retriever.search(q.question, self.depth)
        return score(q, m.dedupe(p.release_id for p in passages), answer)

    def run(self, questions: Sequence[Question], progress: Callable[[int], None] | None = None) -> SampleReport:
        outcomes = []
        for q in questions:
            outcomes.append(self.evaluate(q))
            if progress:
                progress(1)
        return SampleReport(outcomes)


class SampleReport:
    def __init__(self, outcomes: list[Outcome]) -> None:
        self.outcomes = outcomes
        self.metrics = summarize(outcomes)
        parts = sorted({o.question.part for o in outcomes if o.question.part})
        self.per_part = {part: summarize([o for o in outcomes if o.question.part == part]) for part in parts}
        self.per_kind = per_kind(outcomes)
        self.latency = latency(outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.failures]

    def to_dict(self) -> dict:
        return {"metrics": self.metrics, "per_part": self.per_part, "per_kind": self.per_kind, "latency_ms": self.latency,
                "failures": [failure_row(o) for o in self.failures],
                "questions": [{"id": o.question.id, "part": o.question.part, "kind": o.question.kind,
                               "scores": o.scores, "reason": o.answer.reason,
                               "abstained": o.answer.abstained, "releases": o.releases[:5],
                               "answer": o.answer.answer, "failures": o.failures} for o in self.outcomes]}


def summarize(outcomes: Sequence[Outcome]) -> dict[str, float]:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    answered = [o for o in answerable if not o.answer.abstained]
    abstained = [o for o in outcomes if o.answer.abstained]

    def avg(key: str, group: Sequence[Outcome]) -> float:
        return m.mean(o.scores[key] for o in group if key in o.scores)

    return {
        "questions": len(outcomes), "answerable": len(answerable), "unanswerable": len(unanswerable),
        "hit@1": avg("hit1", answerable), "hit@5": avg("hit5", answerable), "mrr": avg("mrr", answerable),
        "ndcg@10": avg("ndcg10", answerable),
        "answer_contains_gold": avg("contains", answerable), "answer_token_f1": avg("f1", answerable),
        "citation_precision": avg("cite_precision", answered), "first_citation_gold": avg("first_gold", answered),
        "abstention_precision": m.ratio(sum(not o.question.answerable for o in abstained), len(abstained)),
        "abstention_recall": m.ratio(sum(o.answer.abstained for o in unanswerable), len(unanswerable)),
        "false_abstention_rate": m.ratio(len(answerable) - len(answered), len(answerable)),
        "all_checks_pass": m.ratio(sum(o.correct for o in outcomes), len(outcomes)),
    }


def per_kind(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.question.kind].append(o)
    table = {}
    for kind, group in sorted(groups.items()):
        good = [(o.answer.abstained if not o.question.answerable else bool(o.scores.get("contains"))) for o in group]
        table[kind] = {"n": len(group), "answer_accuracy": m.mean(map(float, good)),
                       "hit@5": m.mean(o.scores["hit5"] for o in group if "hit5" in o.scores)}
    return table


def latency(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    stages: dict[str, list[float]] = defaultdict(list)
    for o in outcomes:
        for stage, ms in o.answer.timings_ms.items():
            stages[stage].append(float(ms))
    return {stage: {"p50": m.percentile(v, 50), "p95": m.percentile(v, 95), "n": len(v)}
            for stage, v in stages.items()}


def failure_row(o: Outcome) -> dict:
    cited = cited_releases(o.answer)
    return {"id": o.question.id, "kind": o.question.kind, "question": o.question.question,
            "expected_answers": o.question.answers, "expected_releases": o.question.release_ids,
            "got_answer": o.answer.answer, "abstained": o.answer.abstained, "top_releases": o.releases[:3],
            "first_cited": cited[0] if cited else None, "why": o.failures}
