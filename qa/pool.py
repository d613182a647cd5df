"""chunks → vectors on every core: ``QA_EMBED_PROCESSES`` model processes for ``qa ingest``.

One torch process does not use many cores well on small batches of short chunks: it spends
part of each batch in Python and tokenizing, on one core. Above two cores, ingest embeds with
sentence-transformers' own multi-process pool (``start_multi_process_pool``, one model per
process, ``encode(..., pool=...)``), each process running torch on ``cores // processes``
threads.

Decided here:

* ``QA_EMBED_PROCESSES=0`` (the default) means *auto*: ``cores // 2`` processes on a CPU
  with more than two cores, else none (one process; on two cores a pool only adds the
  start-up of a second model, measured in docs/benchmarks.md). On a GPU the model runs in
  this process: one GPU is one device. ``QA_EMBED_PROCESSES=N`` asks for N (1: no pool).
* Only the chunks still to embed go to the pool, in pieces of ``PIECE`` texts, so each piece
  reaches the embedding cache as it is done: an ingest that stops half-way resumes from the
  cache. Questions are embedded in this process, by the same model.
* The processes start on the first piece and stop at the end of the ingest (or when this
  process exits); a worker that dies stops the ingest with a message, and nothing indexed
  is lost (the snapshot is published only after every vector is made).
* The vectors are the single-process ones up to float rounding: tests/test_pool.py checks
  a two-process ingest against a one-process ingest (same chunk ids, vectors within 1e-5).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

import numpy as np

from qa.errors import QaError
from qa.vectors import StreamingEmbedder

PIECE = 2_048


def auto_processes(requested: int, device: str, cores: int | None = None) -> int:
    """How many model processes an ingest uses: ``requested`` when set, else ``cores // 2`` above two CPU cores."""
    if requested:
        return requested
    cores = cores if cores is not None else (os.cpu_count() or 1)
    if device not in ("cpu", "auto") or cores <= 2:
        return 1
    if device == "auto":
        import torch

        if torch.cuda.is_available():
            return 1
    return cores // 2


class ProcessPoolEmbedder(StreamingEmbedder):
    """Embeds with ``processes`` copies of ``local``'s model, one per process; everything else is ``local``'s."""

    def __init__(self, local, processes: int, cores: int | None = None) -> None:
        if processes < 2:
            raise ValueError(f"a pool needs at least 2 processes, got {processes}")
        super().__init__(local)
        self.processes = processes
        self.threads = max(1, (cores or os.cpu_count() or 1) // processes)
        self._pool = None
        self.started = False  # whether any text went to the processes (an up-to-date ingest starts none)

    @property
    def batch_size(self) -> int:
        return self.local.batch_size

    def embed_stream(self, texts: Sequence[str]) -> Iterator[tuple[range, np.ndarray]]:
        """(positions in ``texts``, their vectors), ``PIECE`` texts at a time, each piece split over the processes."""
        if not texts:
            return
        model, pool = self.local.model, self._start()
        for lo in range(0, len(texts), PIECE):
            part = list(texts[lo:lo + PIECE])
            try:
                vectors = self.local.encode(model, part, pool=pool, show_progress_bar=False)
            except RuntimeError as exc:
                self.close()
                raise QaError(f"embedding with {self.processes} model processes failed: {exc}. Set "
                              f"QA_EMBED_PROCESSES=1 to embed in one process.") from None
            yield range(lo, lo + len(part)), vectors

    def _start(self):
        if self._pool is None:
            model = self.local.model
            # Each process reads OMP_NUM_THREADS when torch loads: give it its share of the cores.
            before = os.environ.get("OMP_NUM_THREADS")
            os.environ["OMP_NUM_THREADS"] = str(self.threads)
            try:
                self._pool = model.start_multi_process_pool(["cpu"] * self.processes)
                self.started = True
            finally:
                if before is None:
                    os.environ.pop("OMP_NUM_THREADS", None)
                else:
                    os.environ["OMP_NUM_THREADS"] = before
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            self.local.model.stop_multi_process_pool(pool)

    def __enter__(self) -> ProcessPoolEmbedder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
