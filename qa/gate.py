"""A bounded pool for model calls: at most ``QA_MODEL_WORKERS`` run at once, each on its share of the cores.

The web server runs each request in a thread of its own. Letting every thread run the model
with every core oversubscribes the CPU (on 2 cores, 32 clients made /api/search 20 times
slower); giving every request one thread (the old ``OMP_NUM_THREADS=1``) wastes the other
cores when one person asks, so one client's /api/ask took 1.7 times its in-process time.
The gate does what a worker pool would without moving work between threads: a model call
(the embedder's ``embed_batch``, the reader's ``read_batch``) waits for one of ``workers``
places, and torch runs each with ``cores // workers`` threads (:func:`model_threads`, set by
``qa serve`` before the model loads). Everything else in a request (SQLite, the checks,
rendering) runs outside it, in parallel. Requests beyond ``workers`` queue; none fails for
it (the server's clients see latency, not errors).
"""

from __future__ import annotations

import os
import threading


def model_threads(workers: int) -> int:
    """Torch threads per model call when ``workers`` calls may run at once on this machine's cores."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


class Gate:
    """At most ``workers`` model calls at once (a bounded semaphore); uncontended it costs about a microsecond."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self._places = threading.BoundedSemaphore(workers)

    def __enter__(self) -> Gate:
        self._places.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self._places.release()


class GatedEmbedder:
    """An embedder whose model calls pass the gate; everything else is the inner embedder's."""

    def __init__(self, inner, gate: Gate) -> None:
        self.inner, self.gate = inner, gate
        self.name, self.dim = inner.name, inner.dim

    def embed_batch(self, texts):
        with self.gate:
            return self.inner.embed_batch(texts)

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)  # the tokenizer: Rust, fast, no torch

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


class GatedReader:
    """A reader whose ``read_batch`` passes the gate."""

    def __init__(self, inner, gate: Gate) -> None:
        self.inner, self.gate = inner, gate

    def read_batch(self, *args, **kwargs):
        with self.gate:
            return self.inner.read_batch(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)
