"""Calibrating the extractive answerer's abstention threshold on labelled questions.

Each question of a questions file (``corpus/questions.jsonl``: ``release_ids`` empty means
the releases don't answer it) goes through the user's path; the answerer's evidence
score for its best sentence is recorded. Questions whose capitalised words appear in no
retrieved passage abstain whatever the score (``ExtractiveAnswerer.unknown_names``), so
only the others take part. The threshold chosen abstains on as many unanswerable
questions as it can while abstaining on at most ``max_false`` (5%) of the answerable ones
(a false abstention hides an answer the releases give, while a wrong answer still shows
the passage it came from for the reader to check). Every threshold in an interval gives
those same figures; the middle of the interval is chosen, the widest margin to both sides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Calibration:
    threshold: float
    balanced_accuracy: float
    abstain_recall: float
    false_abstention: float
    answerable: list[float]
    unanswerable: list[float]


def evidence_scores(service, questions: list[dict]) -> list[tuple[bool, float, bool]]:
    """(answerable, best sentence score, abstains on unknown names) for each question."""
    answerer = service.answerer
    out = []
    for q in questions:
        passages = service.retriever.search(q["question"], service.settings.top_k)
        scored = answerer.score_sentences(q["question"], passages)
        best = scored[0].score if scored else float("-inf")
        out.append((bool(q["release_ids"]), best, bool(answerer.unknown_names(q["question"], passages))))
    return out


def choose_threshold(rows: list[tuple[bool, float, bool]], max_false: float = 0.05) -> Calibration:
    answerable = [s for a, s, _ in rows if a]
    unanswerable = [s for a, s, _ in rows if not a]
    candidates = sorted({round(s, 3) for _, s, _ in rows if s != float("-inf")} | {0.0})
    best: Calibration | None = None
    results = []
    for t in candidates:
        abstains = [(a, s < t or unknown) for a, s, unknown in rows]
        recall = sum(x for a, x in abstains if not a) / max(1, len(unanswerable))
        false = sum(x for a, x in abstains if a) / max(1, len(answerable))
        bacc = (recall + 1 - false) / 2
        results.append((t, recall, false))
        if false > max_false + 1e-9:
            continue
        if best is None or recall > best.abstain_recall + 1e-9:
            best = Calibration(t, bacc, recall, false, answerable, unanswerable)
    if best is None:  # nothing meets the bound: never abstain on score alone
        return Calibration(float("-inf"), 0.5, 0.0, 0.0, answerable, unanswerable)
    same = [t for t, r, f in results if abs(r - best.abstain_recall) < 1e-9 and abs(f - best.false_abstention) < 1e-9]
    best.threshold = (min(same) + max(same)) / 2
    return best


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
