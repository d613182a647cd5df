"""vectors → index: the vector index behind a ``VectorIndex`` protocol, FAISS today.

Which FAISS index is built depends on the number of vectors ``n`` (overridable):

* ``n <= exact_max`` (default 100,000): ``IndexFlatIP``, exact inner product. On two
  cores a flat search over 100k × 384 floats takes a few milliseconds.
* above it: ``IndexIVFFlat`` with ``nlist = 4·√n`` lists (clamped to 16…65,536), trained
  on at most ``64·nlist`` vectors, searched with ``nprobe = max(16, nlist / 8)``
  lists. ``tests/test_index.py`` checks recall@10 against the exact index ≥ 0.95.
* ``n >= pq_min`` (``QA_PQ_INDEX_MIN``, default 2,000,000, where IVF-Flat's 1.5 KB per
  384-dim vector passes 3 GB): ``OPQ{m},IVF{nlist},PQ{m}`` (:func:`pq_params`): an OPQ
  rotation (10 training rounds), ``nlist = 2^round(log2 √n)`` lists (clamped to 256…65,536), each vector kept
  as ``m = dim / 8`` one-byte codes (48 bytes for 384 dims; 10M vectors ≈ 0.5 GB of codes
  and 80 MB of ids), trained on ``40·nlist`` vectors, searched with ``nprobe = max(32,
  nlist / 16)``. The exact vectors are kept beside it on disk as float16
  (``vectors.exact.npy``, memory-mapped, never read whole) and the search re-ranks the
  ``max(500, 20·k)`` best code matches by their exact inner product, so the scores a caller
  sees are exact (at 10M the re-rank depth, not nprobe, limits recall: 200 gave recall@10
  0.867, 500 gave 0.962, 1,000 0.987; doubling nprobe changed nothing). ``qa.bench.pq_bench`` measures recall@10 against exact search at 10M.

Vector ids are row numbers, equal to the chunk ids in the SQLite store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
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


EXACT_SUFFIX = ".exact.npy"
EXACT_MAX = 100_000  # up to this many vectors an index is exact (flat); the QA_EXACT_INDEX_MAX default
PQ_STEP = 100_000  # vectors an IVF-PQ index adds (and an ingest reads from its scratch file) at a time
OPQ_ITERATIONS = 10


@dataclass(frozen=True)
class PqParams:
    nlist: int
    m: int
    nprobe: int
    train: int

    @property
    def factory(self) -> str:
        return f"OPQ{self.m},IVF{self.nlist},PQ{self.m}"


def pq_params(n: int, dim: int) -> PqParams:
    """The IVF-PQ index's parameters for ``n`` vectors of ``dim`` dimensions: the documented formula."""
    nlist = min(65_536, max(256, 2 ** round(math.log2(max(1.0, math.sqrt(n))))))
    m = max(d for d in range(1, max(1, dim // 8) + 1) if dim % d == 0)  # 8 dimensions per one-byte code
    return PqParams(nlist=nlist, m=m, nprobe=min(nlist, max(32, nlist // 16)), train=min(n, 40 * nlist))


def _training_rows(n: int, dim: int, seed: int) -> np.ndarray:
    """The rows an IVF-PQ index over ``n`` vectors trains on: a seeded sample, in file order."""
    return np.sort(np.random.default_rng(seed).choice(n, size=pq_params(n, dim).train, replace=False))


def rerank_depth(k: int) -> int:
    """How many code matches the IVF-PQ search re-ranks by their exact vectors for a top ``k``."""
    return max(500, 20 * k)


def ivf_params(n: int) -> tuple[int, int]:
    """(nlist, nprobe) for an IVF index over ``n`` vectors: the documented formula."""
    nlist = min(65_536, max(16, int(4 * math.sqrt(n))))
    return nlist, min(nlist, max(16, nlist // 8))


class FaissIndex:
    """A FAISS index over normalised vectors; inner product is cosine similarity."""

    def __init__(self, index, nprobe: int | None = None, exact: np.ndarray | None = None) -> None:
        self.index = index
        self.nprobe = nprobe
        self.exact = exact  # IVF-PQ only: the float16 vectors, memory-mapped, for re-ranking
        self.kind = "ivfpq" if exact is not None else "ivf" if nprobe else "flat"

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def set_nprobe(self, nprobe: int) -> None:
        _faiss().extract_index_ivf(self.index).nprobe = self.nprobe = nprobe

    @classmethod
    def build(cls, vectors: np.ndarray, exact_max: int = EXACT_MAX, seed: int = 0,
              pq_min: int | None = None) -> FaissIndex:
        faiss = _faiss()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        if pq_min is not None and n >= pq_min and n > exact_max:
            sample = vectors[_training_rows(n, dim, seed)]
            return cls.build_pq(sample, (vectors[i:i + PQ_STEP] for i in range(0, n, PQ_STEP)), n, seed=seed)
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

    @classmethod
    def build_from_file(cls, path: Path, n: int, dim: int, exact_max: int = EXACT_MAX, seed: int = 0,
                        pq_min: int | None = None, exact_path: Path | None = None,
                        step: int = PQ_STEP) -> FaissIndex:
        """:meth:`build` from ``n`` float32 vectors written one after another (raw, row by row) to ``path``,
        as an ingest writes them. An IVF-PQ index (``n`` from ``pq_min``) reads them ``step`` rows at a time
        and writes its exact vectors to ``exact_path`` as it goes, so neither copy is ever all in memory; a
        flat or IVF index holds every vector in memory anyway, so it reads them all."""
        if n * dim * 4 != path.stat().st_size:
            raise ValueError(f"{path} holds {path.stat().st_size:,} bytes, not {n:,} vectors of {dim} floats")
        if not (pq_min is not None and n >= pq_min and n > exact_max):
            return cls.build(np.fromfile(path, np.float32).reshape(n, dim), exact_max, seed)
        mapped = np.memmap(path, np.float32, "r", shape=(n, dim))
        sample = np.array(mapped[_training_rows(n, dim, seed)])
        del mapped  # unmapped: the pages the sample touched stop counting as this process's memory

        def batches() -> Iterable[np.ndarray]:
            with open(path, "rb") as f:
                for lo in range(0, n, step):
                    yield np.fromfile(f, np.float32, count=min(step, n - lo) * dim).reshape(-1, dim)

        return cls.build_pq(sample, batches(), n, exact_path, seed)

    @classmethod
    def build_pq(cls, sample: np.ndarray, batches: Iterable[np.ndarray], n: int, exact_path: Path | None = None,
                 seed: int = 0) -> FaissIndex:
        """An IVF-PQ index over ``n`` vectors given in ``batches`` (never all in memory at once), trained on
        ``sample``. The exact float16 vectors are written to ``exact_path`` as they are added (then read back
        as a memory map), or stay in memory until :meth:`save` writes them beside the index."""
        faiss = _faiss()
        dim = sample.shape[1]
        params = pq_params(n, dim)
        index = faiss.index_factory(dim, params.factory, faiss.METRIC_INNER_PRODUCT)
        ivf = faiss.downcast_index(faiss.extract_index_ivf(index))
        ivf.cp.seed = seed
        ivf.do_polysemous_training = False  # the factory's default; it is for Hamming filtering, which is not used
        opq = faiss.downcast_VectorTransform(index.chain.at(0))
        opq.niter = OPQ_ITERATIONS  # FAISS's default 50 costs minutes for a rotation that settles in a few
        index.train(np.ascontiguousarray(sample, dtype=np.float32))
        out = open(exact_path, "wb") if exact_path is not None else None
        exact = np.empty((n, dim), np.float16) if out is None else None
        try:
            if out is not None:  # an .npy file written as it goes, not a writable memory map (whose pages count)
                np.lib.format.write_array_header_1_0(out, {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float16)),
                                                          "fortran_order": False, "shape": (n, dim)})
            at = 0
            for batch in batches:
                batch = np.ascontiguousarray(batch, dtype=np.float32)
                index.add(batch)
                if out is not None:
                    batch.astype(np.float16).tofile(out)
                elif at + len(batch) <= n:
                    exact[at:at + len(batch)] = batch
                at += len(batch)
        finally:
            if out is not None:
                out.close()
        if at != n:
            raise ValueError(f"build_pq was promised {n:,} vectors but got {at:,}")
        if exact is None:
            exact = np.load(exact_path, mmap_mode="r")
        built = cls(index, exact=exact)
        built.set_nprobe(params.nprobe)
        return built

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the ``k`` nearest vectors, optionally among ``allowed`` ids only; -1 pads."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, min(k, self.ntotal)) if self.ntotal else 1
        if self.exact is None:
            return self._search(queries, k, allowed)
        _, found = self._search(queries, min(self.ntotal, rerank_depth(k)), allowed)
        scores = np.full((len(queries), k), -np.inf, np.float32)
        ids = np.full((len(queries), k), -1, np.int64)
        for row, (q, cand) in enumerate(zip(queries, found)):
            cand = np.unique(cand[cand >= 0])  # sorted: the memory map is read in file order
            if not len(cand):
                continue
            exact = np.asarray(self.exact[cand], dtype=np.float32) @ q
            top = np.argsort(-exact, kind="stable")[:k]
            scores[row, :len(top)], ids[row, :len(top)] = exact[top], cand[top]
        return scores, ids

    def _search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        faiss = _faiss()
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe) if self.nprobe
                      else faiss.SearchParameters(sel=selector))
            if self.nprobe:  # a filter can leave few vectors per list: look in every list
                params.nprobe = faiss.extract_index_ivf(self.index).nlist
            if isinstance(self.index, faiss.IndexPreTransform):  # the OPQ rotation before IVF-PQ
                wrapped, params = params, faiss.SearchParametersPreTransform()
                params.index_params = wrapped
                params.sel = wrapped.sel  # the wrapper checks its own selector too
        if self.ntotal == 0:
            return np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
        scores, ids = self.index.search(queries, k, params=params)
        return scores, ids

    def save(self, path: Path) -> None:
        """Write the index to ``path``; an IVF-PQ index's exact vectors go beside it (``vectors.exact.npy``)."""
        _faiss().write_index(self.index, str(path))
        if self.exact is not None:
            target = exact_path(path)
            if not (isinstance(self.exact, np.memmap) and Path(self.exact.filename).resolve() == target.resolve()):
                np.save(target, self.exact)

    @classmethod
    def load(cls, path: Path) -> FaissIndex:
        faiss = _faiss()
        try:
            index = faiss.read_index(str(path))
        except RuntimeError:
            what = "missing" if not path.exists() else "damaged"
            raise IndexIncompatible(f"the vector index {path} is {what}: run `qa ingest` to rebuild it") from None
        try:
            ivf = faiss.downcast_index(faiss.extract_index_ivf(index))
        except RuntimeError:  # not an IVF index
            ivf = None
        nprobe = int(ivf.nprobe) if ivf is not None else None
        exact = None
        if isinstance(ivf, faiss.IndexIVFPQ):
            try:
                exact = np.load(exact_path(path), mmap_mode="r")
            except (OSError, ValueError):
                raise IndexIncompatible(f"the exact vectors beside {path} are missing or damaged: run `qa ingest` "
                                        f"to rebuild the index") from None
            if exact.shape != (index.ntotal, index.d):
                raise IndexIncompatible(f"the exact vectors beside {path} hold {exact.shape[0]:,} vectors but the "
                                        f"index has {index.ntotal:,}: run `qa ingest` to rebuild it")
        return cls(index, nprobe, exact)


def exact_path(index_path: Path) -> Path:
    """Where an IVF-PQ index's exact float16 vectors lie: ``vectors.faiss`` → ``vectors.exact.npy``."""
    return index_path.with_suffix(EXACT_SUFFIX)


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - faiss-cpu is a dependency
        raise ImportError("FAISS is not available: install faiss-cpu") from exc
    return faiss
