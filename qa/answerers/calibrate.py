"""Calibrating the extractive answerer's abstention threshold on labelled questions.

Each question of a questions file (``corpus/questions.jsonl``: ``release_ids`` empty means
the releases don't answer it) goes through the user's path; the answerer's evidence
score for its best sentence is recorded. Questions whose capitalised words appear in no
retrieved passage abstain whatever the score (``ExtractiveAnswerer.unknown_names``), so
only the others take part. The threshold chosen abstains on as many unanswerable
questions as it can while abstaining on at most ``max_false`` (5%) of the answerable ones
(a false abstention hides an answer the releases give, while a wrong answer still shows
the passage it came from for the reader to check). Of the thresholds with those figures the
highest is taken, moved halfway down to the nearest score below it, for a margin on both sides.
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
    candidates = sorted({s for _, s, _ in rows if s != float("-inf")})
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
    # Threshold t abstains on scores < t, so every t in (u[j-1], u[j]] acts like candidate u[j]. Of the
    # candidates with the best figures take the highest, u[b], and go halfway down to the score below it.
    b = max(i for i, (t, r, f) in enumerate(results)
            if abs(r - best.abstain_recall) < 1e-9 and abs(f - best.false_abstention) < 1e-9)
    best.threshold = (candidates[b] + candidates[b - 1]) / 2 if b > 0 else candidates[0] - 0.05
    return best


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
