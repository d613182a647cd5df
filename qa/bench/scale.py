"""Indexes of 10k to 1M chunks from one real, embedded base set.

Embedding a million chunks takes hours on two cores, so the base set is embedded once
(the chunks the ingest benchmark produced) and grown: copy ``k`` of a release keeps its
text (so BM25 has real words to index) and its chunks, and each chunk vector becomes
``normalise(v + e)``, ``e`` Gaussian noise of norm ``sigma`` (0.5: cosine about 0.89 to
the original). The snapshot is written with the same ``Store``, ``FaissIndex``, keyword
index (:mod:`qa.keywords`), ``Manifest`` and ``publish`` as ``qa ingest``, so the index type (flat or IVF) follows
``exact_index_max`` as it would for a real corpus of that size.

Copies make the growth conservative for BM25 (a query's words match every copy, so posting
lists grow with the index) and realistic for the vector index (clusters of near neighbours).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa import keywords
from qa.chunks import Chunk
from qa.index import FaissIndex, ivf_params
from qa.releases import Release
from qa.snapshot import Manifest, current_dir, new_build_dir, publish
from qa.store import Store


@dataclass
class BaseSet:
    releases: list[Release]
    chunks: list[Chunk]
    vectors: np.ndarray
    model: str
    chunk_tokens: int

    def __len__(self) -> int:
        return len(self.chunks)


@dataclass
class Built:
    index_dir: Path
    chunks: int
    releases: int
    real_chunks: int
    kind: str
    nprobe: int | None
    nlist: int | None
    build_s: float
    disk_mb: float


def load_base(index_dirs: list[Path]) -> BaseSet:
    """Releases, chunks and vectors of the live snapshots in ``index_dirs``, concatenated."""
    releases: list[Release] = []
    chunks: list[Chunk] = []
    vectors = []
    model, tokens = "", 0
    for index_dir in index_dirs:
        path = current_dir(index_dir)
        if path is None:
            continue
        manifest = Manifest.read(path / "manifest.json")
        model, tokens = manifest.model, manifest.chunk_tokens
        db = sqlite3.connect(f"file:{path / 'qa.sqlite'}?mode=ro", uri=True)
        try:
            releases += [Release(id=r[0], title=r[1], body=r[2], source=r[3], published=r[4], url=r[5], area=r[6])
                         for r in db.execute("SELECT id, title, body, source, published, url, area FROM releases")]
            chunks += [Chunk(*row) for row in db.execute(
                'SELECT release_id, seq, start, "end", text, title FROM chunks ORDER BY id')]
        finally:
            db.close()
        index = FaissIndex.load(path / "vectors.faiss")
        vectors.append(index.index.reconstruct_n(0, index.ntotal))
    if not chunks:
        raise ValueError("no snapshot to take a base set from")
    return BaseSet(releases, chunks, np.vstack(vectors).astype(np.float32), model, tokens)


def grow(base: BaseSet, n: int, sigma: float = 0.5, seed: int = 0) -> tuple[list[Release], list[Chunk], np.ndarray]:
    """Exactly ``n`` chunks: the real ones first, then perturbed copies of whole releases."""
    by_release: dict[str, list[int]] = {}
    for i, c in enumerate(base.chunks):
        by_release.setdefault(c.release_id, []).append(i)
    rng = np.random.default_rng(seed)
    dim = base.vectors.shape[1]
    releases: list[Release] = []
    chunks: list[Chunk] = []
    rows: list[int] = []
    copy = 0
    while len(chunks) < n:
        for r in base.releases:
            ids = by_release.get(r.id, [])[:n - len(chunks)]
            if not ids:
                continue
            rid = r.id if copy == 0 else f"{r.id}~{copy}"
            releases.append(r if copy == 0 else Release(rid, r.title, r.body, r.source, r.published, r.url, r.area))
            chunks += [c if copy == 0 else Chunk(rid, c.seq, c.start, c.end, c.text, c.title)
                       for c in (base.chunks[i] for i in ids)]
            rows += ids
            if len(chunks) >= n:
                break
        copy += 1
    vectors = np.empty((n, dim), dtype=np.float32)
    real = min(n, len(base))
    vectors[:real] = base.vectors[rows[:real]]
    for lo in range(real, n, 65_536):  # in blocks: no n×dim float64 temporaries
        hi = min(n, lo + 65_536)
        noisy = base.vectors[rows[lo:hi]] + rng.normal(0, sigma / np.sqrt(dim), (hi - lo, dim)).astype(np.float32)
        vectors[lo:hi] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
    return releases, chunks, vectors


def build(index_dir: Path, base: BaseSet, n: int, exact_max: int, sigma: float = 0.5, seed: int = 0,
          keyword_index: str = "tantivy") -> tuple[Built, np.ndarray]:
    """Publish a snapshot of ``n`` chunks in ``index_dir``; (what was built, its vectors)."""
    t0 = time.perf_counter()
    releases, chunks, vectors = grow(base, n, sigma, seed)
    index_dir.mkdir(parents=True, exist_ok=True)
    folder = new_build_dir(index_dir)
    store = Store.create(folder / "qa.sqlite")
    try:
        store.add(releases, chunks)
        store.index_words()
    finally:
        store.close()
    index = FaissIndex.build(vectors, exact_max, seed)
    index.save(folder / "vectors.faiss")
    keywords.build(keyword_index, folder, ((i, c.title, c.text) for i, c in enumerate(chunks)))
    Manifest(model=base.model, dim=vectors.shape[1], index_type=index.kind, nprobe=index.nprobe,
             keyword_index=keyword_index,
             releases=len(releases), chunks=n, corpus_fingerprint=f"bench-{n}-{sigma}-{seed}",
             built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), chunk_tokens=base.chunk_tokens,
             ).write(folder / "manifest.json")
    final = publish(index_dir, folder)
    disk = sum(p.stat().st_size for p in final.rglob("*") if p.is_file()) / 1e6
    built = Built(index_dir, n, len(releases), min(n, len(base)), index.kind, index.nprobe,
                  ivf_params(n)[0] if index.nprobe else None, time.perf_counter() - t0, disk)
    return built, vectors


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Ids of the exact top 10 (flat inner product) for each query: the ground truth."""
    import faiss

    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    return exact.search(queries, 10)[1]


def recall_at_10(truth: np.ndarray, queries: np.ndarray, index: FaissIndex) -> float:
    """Mean share of the exact top 10 that ``index`` also returns."""
    _, found = index.search(queries, 10)
    return float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found)]))


def ivf_recall(vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray, seed: int = 0) -> dict:
    """Recall@10, build and search time of the IVF index the documented formula gives at this size."""
    t0 = time.perf_counter()
    index = FaissIndex.build(vectors, exact_max=0, seed=seed)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    recall = recall_at_10(truth, queries, index)
    search_ms = (time.perf_counter() - t1) * 1000 / max(1, len(queries))
    return {"recall10": recall, "nlist": int(index.index.nlist), "nprobe": index.nprobe, "build_s": build_s,
            "search_ms_per_query": search_ms}
