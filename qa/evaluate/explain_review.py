"""The ``--explain`` verdicts on the sample questions the answerer gets wrong, for review by hand.

Every sample question is asked as a user would; each one it gets wrong (an answerable
question whose answer lacks the gold, or an unanswerable one that was answered) is asked
again with ``explain``. An answerable one is explained with ``expect`` = its first gold
string, so the verdict names the first stage that lost the right answer; an unanswerable
one with ``expect_refusal``, so the verdict names what let the non-answer through. The report lists them
with their part (tune/test) for a person to check each verdict against the trace.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from qa.evaluate.metrics import contains_gold
from qa.evaluate.sample import Question


def review(service, questions: Sequence[Question], progress: Callable[[int], None] | None = None) -> list[dict]:
    rows = []
    for q in questions:
        answer = service.ask(q.question)
        wrong = (answer.abstained or not contains_gold(answer.answer, q.answers)) if q.answerable \
            else not answer.abstained
        if wrong:
            traced = service.ask(q.question, explain=True, expect=q.answers[0] if q.answerable and q.answers else None,
                                 expect_refusal=not q.answerable)
            outcome = ("refused" if answer.abstained else "wrong answer") if q.answerable else "answered, not refused"
            rows.append({"id": q.id, "part": q.part, "question": q.question, "outcome": outcome,
                         "gold": q.answers[0] if q.answers else None, "answer": answer.answer,
                         "stage": traced.explain.verdict.stage, "verdict": traced.explain.verdict.text})
        if progress:
            progress(1)
    return rows


def markdown(rows: list[dict], total: int) -> str:
    stages = Counter(r["stage"] for r in rows)
    lines = [f"# `--explain` verdicts on the sample questions the reader gets wrong ({len(rows)} of {total})", "",
             "Written by `qa eval explain-failures`. Stages: " + ", ".join(f"{k} {v}" for k, v in stages.most_common()),
             "", "| id | part | outcome | gold | stage | verdict |", "|---|---|---|---|---|---|"]
    for r in rows:
        cells = [r["id"], r["part"] or "", r["outcome"], r["gold"] or "–", r["stage"], r["verdict"]]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"
