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

from qa.errors import QaError


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


# -- the reading answerer ---------------------------------------------------------------------------------------
@dataclass
class ReaderRow:
    """One labelled question as the reading answerer sees it."""

    source: str  # e.g. squad2-calibration, sample-tune
    answerable: bool
    reason: str | None  # a refusal by the checks, before the threshold (None: a candidate passed them)
    features: dict | None
    f1: float  # the chosen span's F1 against the gold answers (0 when unanswerable or none chosen)


def reader_rows(answerer, items, source: str, progress=None) -> list[ReaderRow]:
    """``items``: (question, passages, gold answers — empty when the passages don't answer), or for a
    follow-up (its stand-alone rewrite, passages, gold answers, the follow-up as typed, its timeframe)."""
    from qa.evaluate import metrics as m

    rows = []
    for question, passages, golds, *rest in items:
        said, timeframe = rest if rest else (None, None)
        d = answerer.decide(question, passages, timeframe, said=said)
        chosen = d.chosen if d.reason in (None, "below_threshold") else None
        f1 = m.squad_f1(chosen.span.text, golds) if chosen is not None and golds else 0.0
        rows.append(ReaderRow(source, bool(golds), None if chosen else d.reason,
                              chosen.features if chosen else None, f1))
        if progress:
            progress(1)
    return rows


def fit_abstain(rows: list[ReaderRow], min_f1: float = 0.5, seed: int = 0):
    """A logistic model of P(the chosen span is a right answer: the question is answerable and the span's F1
    is at least ``min_f1``) over ``FEATURES``, standardised, fitted with scikit-learn. Each source of rows
    (SQuAD 2.0, the sample questions) weighs the same in all, however many rows it has."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from qa.answerers.reading import FEATURES, AbstainModel

    fit = [r for r in rows if r.features is not None]
    x = np.array([[r.features[k] for k in FEATURES] for r in fit])
    y = np.array([r.answerable and r.f1 >= min_f1 for r in fit], dtype=int)
    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    counts = {src: sum(r.source == src for r in fit) for src in {r.source for r in fit}}
    weight = np.array([len(fit) / (len(counts) * counts[r.source]) for r in fit])
    lr = LogisticRegression(C=1.0, max_iter=1000, random_state=seed).fit((x - mean) / scale, y, sample_weight=weight)
    return AbstainModel(dict(zip(FEATURES, map(float, lr.coef_[0]))), float(lr.intercept_[0]),
                        dict(zip(FEATURES, map(float, mean))), dict(zip(FEATURES, map(float, scale))), 0.5)


def threshold_table(rows: list[ReaderRow], model) -> list[dict]:
    """For each candidate threshold: SQuAD 2.0-style F1 (an abstention scores 1 on an unanswerable question),
    abstention recall on unanswerable questions and the false-abstention rate on answerable ones."""
    probs = [model.probability(r.features) if r.features is not None else None for r in rows]
    out = []
    for t in [i / 100 for i in range(1, 96)]:
        f1 = rec = false = by_threshold = 0.0
        for r, p in zip(rows, probs):
            refused = p is None or p < t
            f1 += (1.0 if not r.answerable else 0.0) if refused else (r.f1 if r.answerable else 0.0)
            rec += refused and not r.answerable
            false += refused and r.answerable
            by_threshold += p is not None and p < t and r.answerable
        n_un = sum(not r.answerable for r in rows) or 1
        n_ans = sum(r.answerable for r in rows) or 1
        out.append({"threshold": t, "f1": 100 * f1 / len(rows), "abstain_recall": rec / n_un,
                    "false_abstention": false / n_ans, "false_by_threshold": by_threshold / n_ans})
    return out


def best_threshold(table_squad: list[dict], table_sample: list[dict], table_bound: list[dict]) -> tuple[dict, dict]:
    """The rows of the two tables (one per threshold) whose F1 sum is highest among the thresholds that refuse at
    most ``MAX_FALSE`` of ``table_bound``'s answerable questions; the lowest threshold when none does."""
    allowed = [(a, b) for a, b, c in zip(table_squad, table_sample, table_bound)
               if c["false_by_threshold"] <= MAX_FALSE + 1e-9]
    return max(allowed or list(zip(table_squad, table_sample))[:1], key=lambda ab: ab[0]["f1"] + ab[1]["f1"])


def followup_items(service, answerer, conversations) -> list[tuple]:
    """Each two-turn conversation as a user has it: the first question is answered by ``answerer`` (the one
    being calibrated, with no threshold, so the result does not depend on the abstention model installed before),
    and the follow-up is made stand-alone from that turn and retrieved for (:meth:`qa.service.Service.passages`)."""
    from qa.conversation import Turn

    items = []
    for c in conversations:
        asked, passages, timeframe = service.passages(c.first, service.settings.top_k)
        first, _ = answerer.answer_decided(asked or c.first, passages, timeframe)
        history = [Turn.of(c.first, first)]
        asked, passages, timeframe = service.passages(c.followup, service.settings.top_k, history=history)
        items.append((asked or c.followup, passages, tuple(c.answers), c.followup if asked else None, timeframe))
    return items


def calibrate_reader(service, squad2: Path, questions: list[dict], out: Path, log=print,
                     conversations=()) -> str:
    """Fit the abstention model on the SQuAD 2.0 calibration articles (gold paragraph, never trained on)
    and the sample questions' tune part (through retrieval, as a user asks), choose the threshold, write
    ``out``; returns a summary. The threshold maximises the SQuAD 2.0-style F1 of both sets together,
    each weighted equally, among thresholds that refuse at most ``MAX_FALSE`` of the answerable questions of
    the tune parts beyond those the checks already refuse (a refusal hides an answer the releases give; the
    checks' own refusals are measured, not tuned, here). Those answerable questions are the sample tune part's
    and, from ``conversations`` (two-turn conversations, their tune part only), the follow-ups as a user's
    conversation asks them: a follow-up is a question people ask too, and its rewrite reads less smoothly
    than a question typed whole, so a bound on whole questions alone let the threshold refuse more of them
    (the second reader stage, 2026-12-06: 3 of 26 tune follow-ups by the threshold). The bound is on the
    share of all of them together, so it can fall either way against whole questions alone. The follow-ups
    count in the bound only, not in the fit or the F1."""
    from qa.answerers.reading import ReadingAnswerer
    from qa.evaluate import squad2 as s2
    from qa.reader.data import CALIBRATION_ARTICLES

    reading = service.answerer
    if not isinstance(reading, ReadingAnswerer):
        raise QaError("QA_ANSWERER must be reader to calibrate the reader")
    answerer = ReadingAnswerer(reading.reader, reading.fallback, reading.analyzer, model=None,
                               release_text=reading.release_text)
    items, _ = s2.load(squad2)
    titles = {t.replace("_", " ") for t in CALIBRATION_ARTICLES}
    squad_items = [(i.question, [s2.passage_of(i)], i.answers) for i in items if i.title in titles]
    tune = [q for q in questions if q.get("part") == "tune"]
    sample_items = [(q["question"], service.retriever.search(q["question"], service.settings.top_k),
                     tuple(q.get("answers") or ()) if q["release_ids"] else ()) for q in tune]
    log(f"calibration: {len(squad_items)} SQuAD 2.0 questions ({', '.join(sorted(titles))}), "
        f"{len(sample_items)} sample tune questions")
    rows_squad = reader_rows(answerer, squad_items, "squad2-calibration")
    rows_sample = reader_rows(answerer, sample_items, "sample-tune")
    talks = [c for c in conversations if c.part == "tune"]
    rows_followup = reader_rows(answerer, followup_items(service, answerer, talks), "followup-tune") if talks else []
    if talks:
        log(f"and {len(talks)} tune follow-ups for the bound on false refusals")
    model = fit_abstain(rows_squad + rows_sample)
    table_squad, table_sample = threshold_table(rows_squad, model), threshold_table(rows_sample, model)
    table_bound = threshold_table(rows_sample + rows_followup, model)
    log("threshold  SQuAD-2.0 F1 / refuses unanswerable / falsely   sample F1 / refuses unanswerable / falsely"
        "   bound: falsely by the threshold")
    for a, b, c in zip(table_squad, table_sample, table_bound):
        if round(a["threshold"] * 100) % 5 == 0:
            log(f"  {a['threshold']:.2f}     {a['f1']:5.1f} / {a['abstain_recall']:4.0%} / {a['false_abstention']:4.0%}"
                f"          {b['f1']:5.1f} / {b['abstain_recall']:4.0%} / {b['false_abstention']:4.0%}"
                f"          {c['false_by_threshold']:4.0%}")
    log("weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in model.weights.items()))
    best_a, best_b = best_threshold(table_squad, table_sample, table_bound)
    model.threshold = best_a["threshold"]
    model.meta = {"fitted_on": {"squad2": sorted(titles), "sample": "tune part", "squad2_rows": len(rows_squad),
                                "sample_rows": len(rows_sample)},
                  "bound_on": {"sample_tune_answerable": sum(r.answerable for r in rows_sample),
                               "followup_tune": len(rows_followup), "max_false": MAX_FALSE},
                  "squad2_at_threshold": best_a, "sample_at_threshold": best_b,
                  "hard_refusals": {"squad2": sum(r.reason is not None for r in rows_squad),
                                    "sample": sum(r.reason is not None for r in rows_sample)}}
    out.write_text(model.to_json() + "\n")
    return (f"threshold {model.threshold:.2f}: SQuAD 2.0 calibration F1 {best_a['f1']:.1f} (abstains on "
            f"{best_a['abstain_recall']:.0%} of unanswerable, falsely on {best_a['false_abstention']:.0%}); sample tune "
            f"F1 {best_b['f1']:.1f} (abstains on {best_b['abstain_recall']:.0%} of unanswerable, falsely on "
            f"{best_b['false_abstention']:.0%}); wrote {out}")


MAX_FALSE = 0.05
