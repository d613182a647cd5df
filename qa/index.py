"""vectors → index: the vector index behind a ``VectorIndex`` protocol, FAISS today.

Which FAISS index is built depends on the number of vectors ``n`` (overridable):

* ``n <= exact_max`` (default 100,000): ``IndexFlatIP``, exact inner product. On two
  cores a flat search over 100k × 384 floats takes a few milliseconds.
* above it: ``IndexIVFFlat`` with ``nlist = 4·√n`` lists (clamped to 16…65,536), trained
  on at most ``64·nlist`` vectors, searched with ``nprobe = max(16, nlist / 8)``
  lists. ``tests/test_index.py`` checks recall@10 against the exact index ≥ 0.95.

Vector ids are row numbers, equal to the chunk ids in the SQLite store.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import IndexIncompatible


class VectorIndex(Protocol):
    kind: str
    ntotal: int
    dim: int

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...

    def save(self, path: Path) -> None: ...


def ivf_params(n: int) -> tuple[int, int]:
    """(nlist, nprobe) for an IVF index over ``n`` vectors: the documented formula."""
    nlist = min(65_536, max(16, int(4 * math.sqrt(n))))
    return nlist, min(nlist, max(16, nlist // 8))


class FaissIndex:
    """A FAISS index over normalised vectors; inner product is cosine similarity."""

    def __init__(self, index, nprobe: int | None = None) -> None:
        self.index = index
        self.nprobe = nprobe
        self.kind = "ivf" if nprobe else "flat"

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    @classmethod
    def build(cls, vectors: np.ndarray, exact_max: int = 100_000, seed: int = 0) -> FaissIndex:
        faiss = _faiss()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        if n <= exact_max:
            index = faiss.IndexFlatIP(dim)
            index.add(vectors)
            return cls(index)
        nlist, nprobe = ivf_params(n)
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(seed)
        sample = vectors[rng.choice(n, size=min(n, 64 * nlist), replace=False)]
        index.train(sample)
        index.add(vectors)
        index.nprobe = nprobe
        return cls(index, nprobe)

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the ``k`` nearest vectors, optionally among ``allowed`` ids only; -1 pads."""
        faiss = _faiss()
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, min(k, self.ntotal)) if self.ntotal else 1
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe) if self.nprobe
                      else faiss.SearchParameters(sel=selector))
            if self.nprobe:  # a filter can leave few vectors per list: look in every list
                params.nprobe = self.index.nlist
        if self.ntotal == 0:
            return np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
        scores, ids = self.index.search(queries, k, params=params)
        return scores, ids

    def save(self, path: Path) -> None:
        _faiss().write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> FaissIndex:
        faiss = _faiss()
        try:
            index = faiss.read_index(str(path))
        except RuntimeError:
            what = "missing" if not path.exists() else "damaged"
            raise IndexIncompatible(f"the vector index {path} is {what}: run `qa ingest` to rebuild it") from None
        nprobe = int(faiss.extract_index_ivf(index).nprobe) if "IVF" in type(index).__name__ else None
        return cls(index, nprobe)


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - faiss-cpu is a dependency
        raise ImportError("FAISS is not available: install faiss-cpu") from exc
    return faiss
