"""A peer, side by side: txtai and qa on SciFact, same model, same machine, same run.

txtai (``pip install '.[bench]'``) is configured as its documentation shows for hybrid
search: ``Embeddings(path=<the packaged all-MiniLM-L6-v2 folder>, method="sentence-transformers",
hybrid=True)``; each abstract is one document, ``title\\ntext``. txtai picks its own index
(IVF above 5,000 rows) and BM25 weights; those defaults are what a user gets.

qa's side is the SciFact index the ingest benchmark built from files (index time = that
ingest, parse to publish), searched with the user's settings (hybrid, reranker as
``QA_RERANKER``). An abstract ranks as its best chunk: the first 10 distinct abstracts of
a 50-chunk search (the depth qa fuses at). Both are timed one query at a time, warm.

nDCG@10 uses linear gains over the test qrels (trec_eval's ``ndcg_cut_10``, as BEIR).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from qa.bench.corpora import SciFact
from qa.bench.measure import latency_summary

DEPTH = 50
WARM = 3


def ndcg_at_10(ranking: Sequence[str], gains: dict[str, float]) -> float:
    dcg = sum(gains.get(d, 0.0) / math.log2(i + 1) for i, d in enumerate(ranking[:10], 1))
    ideal = sorted((g for g in gains.values() if g > 0), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 1) for i, g in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


def score(name: str, data: SciFact, search: Callable[[str], list[str]], index_s: float, **extra) -> dict:
    """Warm per-query latency and mean nDCG@10 of ``search`` (question → ranked document ids)."""
    queries = list(data.queries.items())
    for _, text in queries[:WARM]:
        search(text)
    latencies, ndcg = [], []
    for qid, text in queries:
        t = time.perf_counter()
        ranking = search(text)
        latencies.append((time.perf_counter() - t) * 1000)
        ndcg.append(ndcg_at_10(ranking, data.qrels[qid]))
    return {"system": name, "index_s": index_s, "docs": len(data.docs), "queries": len(queries),
            "ndcg10": sum(ndcg) / len(ndcg) if ndcg else float("nan"), **latency_summary(latencies), **extra}


def run_txtai(data: SciFact, model_path: Path) -> dict:
    """Index the abstracts with txtai hybrid and score it; raises ImportError without txtai."""
    from txtai import Embeddings

    embeddings = Embeddings(path=str(model_path), method="sentence-transformers", hybrid=True, content=False)
    embeddings.model.encode(["warm up the model"])  # txtai loads the model in the constructor; warm it like qa's
    t0 = time.perf_counter()
    embeddings.index([(d.id, f"{d.title}\n{d.text}", None) for d in data.docs])
    index_s = time.perf_counter() - t0
    config = {k: embeddings.config.get(k) for k in ("method", "hybrid", "backend", "scoring") if k in embeddings.config}

    def search(text: str) -> list[str]:
        return [str(hit[0]) for hit in embeddings.search(text, 10)]

    result = score("txtai", data, search, index_s, config=str(config))
    embeddings.close()
    return result


def run_qa(data: SciFact, service, index_s: float, doc_of: Callable[[str], str]) -> dict:
    """qa's hybrid search over the ingested SciFact index; ``doc_of(source)`` maps a passage to its abstract."""
    retriever = service.retriever

    def search(text: str) -> list[str]:
        passages = retriever.search(text, DEPTH, mode="hybrid")
        return list(dict.fromkeys(doc_of(p.source) for p in passages))[:10]

    return score("qa", data, search, index_s, reranker=service.settings.reranker)
