"""``qa eval beir``: a BEIR data set (SciFact) through qa's own retrieval.

Each corpus document is a release (title + text); its chunks are made, embedded and
indexed exactly as ``qa ingest`` would. A document scores as its best chunk, so the
document ranking is the chunk ranking with repeats dropped. Four systems:

* ``bm25``, ``dense``, ``hybrid``: ``Retriever.search_batch`` in that mode, ``candidates``
  chunks deep (the depth the user path fuses);
* ``hybrid+rerank``: the hybrid ranking with its top ``4·10`` chunks reordered by
  ``SentenceReranker`` — what ``QA_RERANKER=sentence`` does for a 10-result search.

nDCG@10 (linear gains, as trec_eval/BEIR) and recall@10 per query, averaged over the
split's judged queries. ``--docs N`` restricts the corpus to every document judged for
the split plus a fixed random sample (seed 0) up to N documents, for slow models.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import QaError
from qa.evaluate import metrics
from qa.evaluate.corpus_index import CachedEmbedder
from qa.passages import LiveSnapshot, Retriever, SentenceReranker
from qa.releases import Release
from qa.vectors import EmbeddingCache, Embedder

MODES = ("bm25", "dense", "hybrid", "hybrid+rerank")
RERANK_POOL = 40  # QA_RERANKER reorders 4·k passages; k = 10 here
# Published nDCG@10 on the SciFact test split (see ../shared/eval/README.md).
PUBLISHED = {
    "bm25": ("BM25, BEIR paper (Thakur et al. 2021)", 0.665, None),
    "dense": ("all-MiniLM-L6-v2 dense, MTEB", 0.645, 0.783),
}


@dataclass
class BeirData:
    corpus: list[Release]
    queries: dict[str, str]
    qrels: dict[str, dict[str, float]]
    note: str = "full corpus"


@dataclass
class ModeResult:
    mode: str
    ndcg10: float
    recall10: float
    seconds: float
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def qps(self) -> float:
        return len(self.per_query) / self.seconds if self.seconds else float("nan")


def load_beir(folder: Path, split: str) -> BeirData:
    corpus_file, queries_file, qrels_file = folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels" / f"{split}.tsv"
    for f in (corpus_file, queries_file, qrels_file):
        if not f.exists():
            raise QaError(f"{f} does not exist: give a BEIR folder with corpus.jsonl, queries.jsonl and "
                          f"qrels/{split}.tsv")
    qrels: dict[str, dict[str, float]] = {}
    for n, line in enumerate(qrels_file.read_text().splitlines()):
        parts = line.split("\t")
        if n == 0 and not parts[-1].strip().lstrip("-").isdigit():
            continue  # header
        if len(parts) >= 3 and float(parts[2]) > 0:
            qrels.setdefault(parts[0], {})[parts[1]] = float(parts[2])
    queries = {}
    for line in queries_file.open(encoding="utf-8"):
        q = json.loads(line)
        if q["_id"] in qrels:
            queries[q["_id"]] = q["text"]
    corpus = []
    for line in corpus_file.open(encoding="utf-8"):
        d = json.loads(line)
        corpus.append(Release(id=str(d["_id"]), title=d.get("title") or "", body=d.get("text") or "",
                              source=f"{folder.name}/corpus.jsonl"))
    missing = set(qrels) - set(queries)
    if missing:
        raise QaError(f"{len(missing)} judged queries of {qrels_file} are not in {queries_file}")
    return BeirData(corpus, queries, qrels)


def subset(data: BeirData, size: int, seed: int = 0) -> BeirData:
    """Every judged document plus a fixed random sample of the others, ``size`` in all."""
    judged = {d for rel in data.qrels.values() for d in rel}
    others = sorted(r.id for r in data.corpus if r.id not in judged)
    extra = set(random.Random(seed).sample(others, max(0, min(len(others), size - len(judged)))))
    kept = [r for r in data.corpus if r.id in judged or r.id in extra]
    note = f"subset: {len(judged & {r.id for r in kept})} judged + {len(extra)} random (seed {seed}) documents"
    return BeirData(kept, data.queries, data.qrels, note)


class BeirEval:
    """Scores retrieval modes over one built index."""

    def __init__(self, data: BeirData, embedder: Embedder, index_dir: Path, cache: EmbeddingCache,
                 candidates: int = 50, rrf_k: int = 60, batch: int = 64) -> None:
        if candidates < 10:
            raise ValueError(f"candidates must be at least 10 to score nDCG@10, got {candidates}")
        self.data = data
        self.retriever = Retriever(embedder, LiveSnapshot(index_dir, embedder.name), candidates, rrf_k)
        self.reranker = SentenceReranker(CachedEmbedder(embedder, cache))
        self.candidates = candidates
        self.batch = batch

    def run(self, mode: str, progress: Callable[[int], None] | None = None) -> ModeResult:
        if mode not in MODES:
            raise QaError(f"unknown mode {mode!r}: choose from {', '.join(MODES)}")
        ids, texts = list(self.data.queries), list(self.data.queries.values())
        base = "hybrid" if mode == "hybrid+rerank" else mode
        t0 = time.perf_counter()
        per_query = {}
        for lo in range(0, len(ids), self.batch):
            rankings = self.retriever.search_batch(texts[lo:lo + self.batch], self.candidates, mode=base,
                                                   rerank=False)
            for qid, question, passages in zip(ids[lo:lo + self.batch], texts[lo:lo + self.batch], rankings):
                if mode == "hybrid+rerank":
                    passages = self.reranker.rerank(question, passages[:RERANK_POOL]) + passages[RERANK_POOL:]
                docs = metrics.dedupe(p.release_id for p in passages)
                rel = self.data.qrels[qid]
                per_query[qid] = {"ndcg10": metrics.ndcg_at(docs, rel, 10),
                                  "recall10": metrics.recall_at(docs, rel, 10)}
                if progress:
                    progress(1)
        seconds = time.perf_counter() - t0
        return ModeResult(mode, metrics.mean(v["ndcg10"] for v in per_query.values()),
                          metrics.mean(v["recall10"] for v in per_query.values()), seconds, per_query)
