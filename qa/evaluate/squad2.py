"""``qa eval squad2``: SQuAD 2.0 (answer or abstain), and the gold-paragraph reading figure of SQuAD 1.1.

Gold paragraph (reading comprehension): each question goes to the answerer with its own
paragraph as the only passage — ``Answerer.answer(question, [passage])``, the code a
user's question reaches after retrieval. The prediction is the short answer when there is
one (else the answer text before its first marker), and nothing when the answerer
abstains. Scored by the official SQuAD 2.0 rules: per question EM and F1 over the gold
answers, where a question without an answer scores 1 only for an abstention; HasAns F1,
NoAns accuracy, and abstention precision and recall (an abstention is right when the
question has no answer).

Open corpus (``--open-corpus``): every paragraph of the file is a release in one index
and the question goes through ``Service.ask``.

Parts (``../shared/eval/README.md``): ``report`` = the last 8 articles, ``tune`` = the
first 8. SQuAD 1.1 (``gold_paragraph_squad1``): the last 24 articles are the report part.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from qa.errors import QaError
from qa.evaluate import metrics as m
from qa.evaluate.squad import lead_span
from qa.passages import Passage


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    answers: tuple[str, ...]  # empty: no answer in the paragraph
    context: str
    title: str
    article: int
    paragraph: str


def load(path: Path) -> tuple[list[Item], int]:
    if not path.exists():
        raise QaError(f"{path} does not exist: give a SQuAD file (dev-v2.0-half.json or dev-v1.1.json)")
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise QaError(f"{path} is not a SQuAD file (a JSON object with a 'data' list of articles)") from None
    items = []
    for a, article in enumerate(articles):
        title = article["title"].replace("_", " ")
        for p, para in enumerate(article["paragraphs"]):
            for q in para["qas"]:
                golds = () if q.get("is_impossible") else tuple(dict.fromkeys(x["text"] for x in q["answers"]))
                items.append(Item(q["id"], q["question"], golds, para["context"], title, a, f"squad-{a:02d}-{p:03d}"))
    return items, len(articles)


def part_of(items: list[Item], n_articles: int, part: str, tune_articles: int) -> list[Item]:
    if part not in ("report", "tune"):
        raise QaError(f"part must be report or tune, not {part!r}")
    return [i for i in items if (i.article >= tune_articles) == (part == "report")]


def passage_of(item: Item) -> Passage:
    return Passage(chunk_id=0, release_id=item.paragraph, title=item.title, source="squad", text=item.context,
                   start=0, end=len(item.context), score=1.0)


def prediction(answer) -> str:
    if answer.abstained:
        return ""
    if answer.short_answer is not None:
        return answer.short_answer.text
    return m.strip_markers(lead_span(answer.answer))


def score(rows: list[tuple[Item, str]]) -> dict:
    """Official SQuAD 2.0 scoring of (item, prediction) pairs; '' is an abstention. Percentages."""
    em, f1, has_f1, no_acc = [], [], [], []
    abstained = right_abstentions = 0
    for item, pred in rows:
        if item.answers:
            e, f = m.squad_em(pred, item.answers), m.squad_f1(pred, item.answers)
            has_f1.append(f)
        else:
            e = f = float(pred == "")
            no_acc.append(e)
        em.append(e)
        f1.append(f)
        abstained += pred == ""
        right_abstentions += pred == "" and not item.answers
    unanswerable = sum(not i.answers for i, _ in rows)
    pct = lambda xs: 100 * m.mean(xs)
    return {"questions": len(rows), "unanswerable": unanswerable, "em": pct(em), "f1": pct(f1),
            "has_ans_f1": pct(has_f1), "no_ans_acc": pct(no_acc),
            "abstention_precision": 100 * m.ratio(right_abstentions, abstained),
            "abstention_recall": 100 * m.ratio(right_abstentions, unanswerable),
            "abstained": 100 * m.ratio(abstained, len(rows))}


def gold_paragraph(items: list[Item], answerer, progress=None) -> tuple[dict, list[dict]]:
    """Score the answerer on each item's own paragraph; also the per-question rows (for reports)."""
    rows, details = [], []
    t0 = time.perf_counter()
    for item in items:
        answer = answerer.answer(item.question, [passage_of(item)])
        pred = prediction(answer)
        rows.append((item, pred))
        details.append({"id": item.id, "prediction": pred, "reason": answer.reason,
                        "confidence": answer.confidence, "answerable": bool(item.answers)})
        if progress:
            progress(1)
    result = score(rows)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    result["answerer"] = answerer.name
    return result, details


def open_corpus(items: list[Item], service, progress=None) -> dict:
    rows = []
    t0 = time.perf_counter()
    for item in items:
        rows.append((item, prediction(service.ask(item.question))))
        if progress:
            progress(1)
    result = score(rows)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result
