"""index → passages: hybrid retrieval (dense FAISS + BM25 from the keyword index, fused by RRF), then reranking.

The BM25 ranking comes from the snapshot's keyword index (:mod:`qa.keywords`: tantivy, or
SQLite FTS5), filtered by the same allowed chunk ids as the dense search.

Reciprocal rank fusion scores a chunk ``Σ 1 / (rrf_k + rank)`` over the dense and BM25
rankings (``rrf_k`` = 60, the value of Cormack et al.), each ranking ``candidates`` deep.
Reranking is a pluggable step (``QA_RERANKER``): ``none`` (the default: see the README
for the measurements behind it), ``sentence`` (a passage scores as its best-matching
sentence under the same embedding model), or ``cross-encoder:PATH`` for a local
sentence-transformers cross-encoder.

Two more rankings can join the fusion, each only when asked for: a follow-up's last answer
(``prefer``: those releases' chunks in their fused order) and recency (``recent``: the
candidates' releases newest first, undated ones last; the question asked for what holds now,
:mod:`qa.timeframe`). The scores say which ranking added what (``prior``, ``recency``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from pydantic import BaseModel, Field

from qa.chunks import sentences
from qa.errors import ConfigError
from qa.snapshot import Snapshot, current_dir
from qa.store import Filters, Store
from qa.vectors import Embedder

Mode = Literal["hybrid", "dense", "bm25"]


class Passage(BaseModel):
    """A retrieved chunk, with where it comes from and the scores that ranked it."""

    chunk_id: int
    release_id: str
    title: str
    published: str | None = None
    date_source: str | None = Field(None, description="how the date was found: metadata, dateline or weekday")
    url: str | None = None
    source: str
    area: str | None = None
    text: str
    start: int = Field(description="character offset of the passage in the release body")
    end: int
    score: float = Field(description="the score the final ranking used")
    scores: dict[str, float] = Field(default_factory=dict, description="dense, bm25, rrf, rerank")


@dataclass
class RetrievalRecord:
    """What retrieval saw for one question (kept only when ``--explain`` asks for it): each retriever's
    (chunk id, score) ranking and the fused one (chunk id, its scores), best first."""

    dense: list[tuple[int, float]]
    bm25: list[tuple[int, float]]
    fused: list[tuple[int, dict[str, float]]]
    store: Store  # the snapshot's store these chunk ids belong to (a reload may publish another)
    filters: Filters | None = None  # the filters retrieval ran under


class Reranker(Protocol):
    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]: ...


class SentenceReranker:
    """Scores each passage by the cosine of its best-matching sentence to the question."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]:
        if not passages:
            return passages
        texts, owner = [question], []
        for i, p in enumerate(passages):
            for s in sentences(p.text):
                texts.append(f"{p.title}\n{p.text[s.start:s.end]}")
                owner.append(i)
        vectors = self.embedder.embed_batch(texts)
        sims = vectors[1:] @ vectors[0]
        best = np.full(len(passages), -1.0)
        for i, s in zip(owner, sims):
            best[i] = max(best[i], float(s))
        for p, b in zip(passages, best):
            p.scores["rerank"] = b
            p.score = b
        return sorted(passages, key=lambda p: -p.score)


class CrossEncoderReranker:
    def __init__(self, path: str) -> None:
        from sentence_transformers import CrossEncoder

        if not Path(path).exists():
            raise ConfigError(f"QA_RERANKER cross-encoder path {path!r} does not exist")
        self.model = CrossEncoder(path, device="cpu")

    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]:
        scores = self.model.predict([(question, f"{p.title}\n{p.text}") for p in passages]) if passages else []
        for p, s in zip(passages, scores):
            p.scores["rerank"] = p.score = float(s)
        return sorted(passages, key=lambda p: -p.score)


def make_reranker(name: str, embedder: Embedder) -> Reranker | None:
    if name in ("", "none"):
        return None
    if name == "sentence":
        return SentenceReranker(embedder)
    if name.startswith("cross-encoder:"):
        return CrossEncoderReranker(name.split(":", 1)[1])
    raise ConfigError(f"QA_RERANKER={name!r} is not one of: none, sentence, cross-encoder:PATH")


class LiveSnapshot:
    """The current snapshot, reloaded when an ingest publishes a new one (checked every ``check_s``).

    A request may still be reading the snapshot a reload replaces, so that one is not
    closed at once: the snapshot just replaced stays open, and older ones are closed once
    they have been out of use for ``grace_s`` seconds (a request reads the snapshot for
    well under a second). At most the current, the previous and those replaced within
    the last ``grace_s`` are open; ``qa.snapshot.publish`` keeps the previous one on disk.
    """

    def __init__(self, index_dir: Path, model: str | None = None, check_s: float = 1.0, grace_s: float = 30.0) -> None:
        if check_s < 0 or grace_s < 0:
            raise ValueError(f"check_s and grace_s must be 0 or more, got {check_s} and {grace_s}")
        self.index_dir = index_dir
        self.model = model
        self.check_s = check_s
        self.grace_s = grace_s
        self._snapshot: Snapshot | None = None
        self._retired: list[tuple[float, Snapshot]] = []  # (when it was replaced, snapshot), oldest first
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self) -> Snapshot:
        now = time.monotonic()
        with self._lock:
            if self._snapshot is None or now - self._checked >= self.check_s:
                self._checked = now
                path = current_dir(self.index_dir)
                if self._snapshot is None or path != self._snapshot.path:
                    fresh = Snapshot.open(self.index_dir, self.model)
                    if self._snapshot is not None:
                        self._retired.append((now, self._snapshot))
                    self._snapshot = fresh
                while len(self._retired) > 1 and now - self._retired[0][0] >= self.grace_s:
                    self._retired.pop(0)[1].close()
            return self._snapshot

    def close(self) -> None:
        """Close every snapshot this has opened (the next ``get`` opens the current one again)."""
        with self._lock:
            for _, snap in self._retired:
                snap.close()
            if self._snapshot is not None:
                self._snapshot.close()
            self._snapshot, self._retired = None, []


class Retriever:
    """Hybrid retrieval over the live snapshot."""

    def __init__(self, embedder: Embedder, snapshots: LiveSnapshot, candidates: int = 50, rrf_k: int = 60,
                 reranker: Reranker | None = None) -> None:
        if candidates <= 0:
            raise ValueError(f"candidates must be greater than 0, got {candidates}")
        self.embedder = embedder
        self.snapshots = snapshots
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.reranker = reranker

    def search(self, question: str, k: int = 5, filters: Filters | None = None, mode: Mode = "hybrid",
               rerank: bool = True, timings: dict | None = None,
               records: list[RetrievalRecord] | None = None, prefer: Sequence[str] = (),
               recent: bool = False) -> list[Passage]:
        """The ``k`` best passages for ``question``. ``prefer``: release ids (a follow-up's last answer) whose
        chunks get a third ranking in the fusion, their own order among the fused candidates: a passage of
        those releases that ranks fairly well comes before an equal one from elsewhere. ``recent`` (the question
        asks for what holds now, :mod:`qa.timeframe`): another ranking, the candidates' releases newest first
        (one rank per publication date; every undated release one rank after the oldest dated one)."""
        return self.search_batch([question], k, filters, mode, rerank, timings, records, [prefer], [recent])[0]

    def search_batch(self, questions: Sequence[str], k: int = 5, filters: Filters | None = None,
                     mode: Mode = "hybrid", rerank: bool = True, timings: dict | None = None,
                     records: list[RetrievalRecord] | None = None,
                     prefer: Sequence[Sequence[str]] = (), recent: Sequence[bool] = ()) -> list[list[Passage]]:
        """The ``k`` best passages for each question; with ``records``, what each retriever ranked is appended
        to it (one ``RetrievalRecord`` per question)."""
        if k <= 0:
            raise ValueError(f"k must be greater than 0, got {k}")
        t0 = time.perf_counter()
        snap = self.snapshots.get()
        depth = max(self.candidates, k)
        allowed = snap.store.allowed_ids(filters) if filters else None
        dense_hits: list[list[tuple[int, float]]] = [[] for _ in questions]
        if mode in ("hybrid", "dense") and snap.index.ntotal and (allowed is None or len(allowed)):
            qv = self.embedder.embed_batch(list(questions))
            scores, ids = snap.index.search(qv, depth, allowed)
            dense_hits = [[(int(i), float(s)) for i, s in zip(row_i, row_s) if i >= 0]
                          for row_i, row_s in zip(ids, scores)]
        sparse_hits: list[list[tuple[int, float]]] = [[] for _ in questions]
        if mode in ("hybrid", "bm25"):
            sparse_hits = snap.keywords.search_batch(list(questions), depth, allowed)
        results = []
        for n, (q, dense, sparse) in enumerate(zip(questions, dense_hits, sparse_hits)):
            fused: dict[int, dict[str, float]] = {}
            for name, hits in (("dense", dense), ("bm25", sparse)):
                for rank, (cid, s) in enumerate(hits):
                    entry = fused.setdefault(cid, {"rrf": 0.0})
                    entry[name] = s
                    entry["rrf"] += 1.0 / (self.rrf_k + rank + 1)
            order = sorted(fused, key=lambda c: -fused[c]["rrf"])
            preferred = set(prefer[n]) if n < len(prefer) else set()
            newest = n < len(recent) and recent[n]
            rows = None
            if preferred or newest:
                rows = snap.store.chunks(order)  # kept: the passages below are read from them
            if preferred:
                mine = [c for c in order if c in rows and rows[c]["release_id"] in preferred]
                for rank, cid in enumerate(mine):
                    fused[cid]["prior"] = 1.0 / (self.rrf_k + rank + 1)
                    fused[cid]["rrf"] += fused[cid]["prior"]
            if newest:
                _rank_by_recency(order, fused, rows, self.rrf_k)
            if preferred or newest:
                order = sorted(fused, key=lambda c: -fused[c]["rrf"])
            results.append((order, fused, rows))
            if records is not None:
                records.append(RetrievalRecord(dense, sparse, [(c, fused[c]) for c in order], snap.store, filters))
        if timings is not None:
            timings["retrieve"] = (time.perf_counter() - t0) * 1000
        t1 = time.perf_counter()
        out = []
        for q, (order, fused, known) in zip(questions, results):
            depth_rerank = k * 4 if (rerank and self.reranker) else k
            top = order[:depth_rerank]
            rows = known if known is not None else snap.store.chunks(top)
            passages = [_passage(rows[c], fused[c]) for c in top if c in rows]
            if rerank and self.reranker:
                passages = self.reranker.rerank(q, passages)
            out.append(passages[:k])
        if timings is not None:
            timings["rerank"] = (time.perf_counter() - t1) * 1000
        return out


def _rank_by_recency(order: list[int], fused: dict[int, dict[str, float]], rows, rrf_k: int) -> None:
    """Fuse a ranking of the candidates' releases, newest first: one rank per publication date, and one more for
    every undated release (a fixed age, older than any dated candidate: see :mod:`qa.timeframe`)."""
    dates = sorted({rows[c]["published"] for c in order if c in rows and rows[c]["published"]}, reverse=True)
    rank = {d: r for r, d in enumerate(dates, 1)}
    for cid in order:
        if cid in rows:
            fused[cid]["recency"] = 1.0 / (rrf_k + rank.get(rows[cid]["published"], len(dates) + 1))
            fused[cid]["rrf"] += fused[cid]["recency"]


def _passage(row, scores: dict[str, float]) -> Passage:
    return Passage(chunk_id=row["id"], release_id=row["release_id"], title=row["title"], published=row["published"],
                   date_source=row["date_source"],
                   url=row["url"], source=row["source"], area=row["area"], text=row["text"], start=row["start"],
                   end=row["end"], score=scores["rrf"], scores=dict(scores))
