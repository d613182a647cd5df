"""``qa eval squad``: SQuAD v1.1 dev as an open-corpus QA benchmark.

Every paragraph of the file is a release (its article's title as title), all 2,067 in
one index built as ``qa ingest`` would. Each question of the chosen part — ``heldout``
(the last 24 articles in file order, the reported figures) or ``tune`` (the first 24) —
is asked of the whole corpus:

* retrieval: ``Service.retriever.search_batch`` (the user path's retriever and reranker
  setting), chunks deduplicated to paragraphs; recall@1/5/20 and MRR of the gold
  paragraph, over every question of the part;
* gold paragraph: each question read with its own paragraph only (``gold_paragraph``): short
  answer EM/F1 as answered (abstentions score 0) and had the answerer never abstained;
* answers: ``Service.ask(question)`` on the first ``answers`` questions of the part (in
  file order; 0 = all), exact match and token F1 under the official SQuAD
  normalisation, best over the gold answers, on the answer text without its ``[n]``
  markers. An abstention scores 0. The lead span (the text before the first marker,
  where the extractive answerer puts its pinpointed span) is scored too.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from qa.errors import QaError
from qa.evaluate import metrics as m
from qa.evaluate.corpus_index import build_index, index_dir_for, open_cache
from qa.releases import Release
from qa.service import Service
from qa.settings import Settings
from qa.vectors import make_embedder

_FIRST_MARKER = re.compile(r"\s*\[\d+\]")


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    paragraph: str  # the release id of its gold paragraph
    article: int


def load_squad(path: Path) -> tuple[list[Release], list[SquadQuestion], int]:
    """(paragraph releases, questions, number of articles) in file order."""
    if not path.exists():
        raise QaError(f"{path} does not exist: give the SQuAD v1.1 dev file (dev-v1.1.json)")
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise QaError(f"{path} is not a SQuAD v1.1 file (a JSON object with a 'data' list of articles)") from None
    releases, questions = [], []
    for a, article in enumerate(articles):
        title = article["title"].replace("_", " ")
        for p, para in enumerate(article["paragraphs"]):
            rid = f"squad-{a:02d}-{p:03d}"
            releases.append(Release(id=rid, title=title, body=para["context"], source=path.name))
            for qa in para["qas"]:
                golds = tuple(dict.fromkeys(x["text"] for x in qa["answers"]))
                questions.append(SquadQuestion(qa["id"], qa["question"], golds, rid, a))
    return releases, questions, len(articles)


def gold_paragraph(chosen: list[SquadQuestion], releases: list[Release], answerer, progress_bar) -> dict:
    """Reading comprehension: each question with its own paragraph as the only passage. ``gold_em``/``gold_f1``
    score what the user gets (an abstention scores 0); ``gold_span_em``/``gold_span_f1`` the reader's best
    checked span, or its best span, had it never abstained (the reading answerer only)."""
    from qa.passages import Passage

    by_id = {r.id: r for r in releases}
    em, f1, span_em, span_f1, abstained = [], [], [], [], 0
    t0 = time.perf_counter()
    with progress_bar("gold paragraph", len(chosen)) as advance:
        for q in chosen:
            r = by_id[q.paragraph]
            passage = Passage(chunk_id=0, release_id=r.id, title=r.title, source=r.source, text=r.body, start=0,
                              end=len(r.body), score=1.0)
            decide = getattr(answerer, "decide", None)
            if decide is not None:
                d = decide(q.question, [passage])
                forced = d.chosen or (d.candidates[0] if d.candidates else None)
                answered = answerer.short_text(d) if d.reason is None else ""
                guess = answerer.short_text(d, forced) if forced else ""
            else:
                a = answerer.answer(q.question, [passage])
                answered = "" if a.abstained else m.strip_markers(lead_span(a.answer))
                guess = answered
            abstained += answered == ""
            em.append(m.squad_em(answered, q.answers))
            f1.append(m.squad_f1(answered, q.answers))
            span_em.append(m.squad_em(guess, q.answers))
            span_f1.append(m.squad_f1(guess, q.answers))
            advance()
    return {"gold_questions": len(chosen), "gold_em": 100 * m.mean(em), "gold_f1": 100 * m.mean(f1),
            "gold_span_em": 100 * m.mean(span_em), "gold_span_f1": 100 * m.mean(span_f1),
            "gold_abstained": m.ratio(abstained, len(chosen)), "gold_seconds": round(time.perf_counter() - t0, 1),
            "answerer": getattr(answerer, "name", "?")}


def lead_span(answer: str) -> str:
    """The answer text before its first ``[n]`` marker."""
    match = _FIRST_MARKER.search(answer)
    return answer[:match.start()] if match else answer


def run_squad(path: Path, settings: Settings, model: str, chunk_tokens: int, part: str, answers: int,
              cache_dir: Path, progress_bar, console: Console) -> dict:
    started = time.perf_counter()
    releases, questions, n_articles = load_squad(path)
    half = n_articles // 2
    chosen = [q for q in questions if (q.article >= half) == (part == "heldout")]
    embedder = make_embedder(model, settings.batch_size)
    index_dir = index_dir_for(cache_dir, "squad", model, chunk_tokens)
    console.print(f"SQuAD {part}: {len(chosen):,} questions from articles "
                  f"{half + 1 if part == 'heldout' else 1}–{n_articles if part == 'heldout' else half}; corpus "
                  f"{len(releases):,} paragraphs of {n_articles} articles; model {model}, chunks ≤ {chunk_tokens}")
    cache = open_cache(cache_dir)
    try:
        with progress_bar("embedding chunks", None) as advance:
            build = build_index(releases, index_dir, embedder, chunk_tokens, cache, advance,
                                settings.keyword_index)
    finally:
        cache.close()
    console.print(build.describe(), highlight=False)
    service = Service(settings.model_copy(update={"index_dir": index_dir, "model": model,
                                                  "chunk_tokens": chunk_tokens}), embedder)
    depth = max(settings.candidates, 50)

    t0 = time.perf_counter()
    ranks = []
    with progress_bar("retrieval", len(chosen)) as advance:
        for lo in range(0, len(chosen), 64):
            part_qs = chosen[lo:lo + 64]
            for q, passages in zip(part_qs, service.retriever.search_batch([q.question for q in part_qs], depth)):
                ranks.append(m.dedupe(p.release_id for p in passages))
                advance()
    retrieval_s = time.perf_counter() - t0

    gold = gold_paragraph(chosen, releases, service.answerer, progress_bar)

    asked = chosen[:answers] if answers else chosen
    t1 = time.perf_counter()
    em, f1, lead_em, lead_f1, abstained = [], [], [], [], 0
    with progress_bar("answers", len(asked)) as advance:
        for q in asked:
            answer = service.ask(q.question)
            text = "" if answer.abstained else m.strip_markers(answer.answer)
            lead = "" if answer.abstained else lead_span(answer.answer)
            abstained += answer.abstained
            em.append(m.squad_em(text, q.answers))
            f1.append(m.squad_f1(text, q.answers))
            lead_em.append(m.squad_em(lead, q.answers))
            lead_f1.append(m.squad_f1(lead, q.answers))
            advance()
    answer_s = time.perf_counter() - t1

    golds = [q.paragraph for q in chosen]
    return {**gold,
        "part": part, "model": model, "chunk_tokens": chunk_tokens, "paragraphs": len(releases),
        "chunks": build.chunks, "index_seconds": round(build.seconds, 1), "index_reused": build.reused,
        "embedded": build.embedded, "retrieval_questions": len(chosen), "retrieval_depth_chunks": depth,
        "reranker": settings.reranker,
        "recall@1": m.mean(m.hit_at(r, {g}, 1) for r, g in zip(ranks, golds)),
        "recall@5": m.mean(m.hit_at(r, {g}, 5) for r, g in zip(ranks, golds)),
        "recall@20": m.mean(m.hit_at(r, {g}, 20) for r, g in zip(ranks, golds)),
        "mrr": m.mean(m.reciprocal_rank(r, {g}) for r, g in zip(ranks, golds)),
        "retrieval_seconds": round(retrieval_s, 1), "retrieval_per_s": round(len(chosen) / retrieval_s, 1),
        "answered_questions": len(asked), "answered_sample": "all" if len(asked) == len(chosen) else
        f"first {len(asked)} of {len(chosen)} in file order",
        "em": 100 * m.mean(em), "f1": 100 * m.mean(f1), "lead_em": 100 * m.mean(lead_em),
        "lead_f1": 100 * m.mean(lead_f1), "abstained": m.ratio(abstained, len(asked)),
        "answer_seconds": round(answer_s, 1), "answers_per_s": round(len(asked) / answer_s, 2) if answer_s else None,
        "seconds": round(time.perf_counter() - started, 1),
    }
