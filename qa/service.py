"""Wires the pipeline steps together from one Settings object (used by the CLI and the web app)."""

from __future__ import annotations

from functools import cached_property

from qa.passages import LiveSnapshot, Retriever, make_reranker
from qa.settings import Settings
from qa.vectors import Embedder, make_embedder


class Service:
    """The embedder, the live snapshot, the retriever and the answerer, each made once on first use."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or make_embedder(self.settings.model, self.settings.batch_size)

    @cached_property
    def snapshots(self) -> LiveSnapshot:
        return LiveSnapshot(self.settings.index_dir, self.embedder.name)

    @cached_property
    def retriever(self) -> Retriever:
        s = self.settings
        return Retriever(self.embedder, self.snapshots, s.candidates, s.rrf_k, make_reranker(s.reranker, self.embedder))

    @cached_property
    def answerer(self):
        from qa.answerers.factory import make_answerer
        from qa.answerers.reading import ReadingAnswerer

        answerer = make_answerer(self.settings, self.embedder)
        for a in (answerer, getattr(answerer, "fallback", None)):
            if isinstance(a, ReadingAnswerer):
                a.release_text = self.release_body  # the checks read the whole release, not only its passages
        return answerer

    def release_body(self, release_id: str) -> str | None:
        release = self.snapshots.get().store.release(release_id)
        return release.body if release else None

    def ask(self, question: str, k: int | None = None, filters=None) -> "Answer":
        """Retrieve passages for ``question`` and answer from them; timings in ``timings_ms``."""
        import time

        from qa.answer import Answer  # noqa: F401  (the return type)

        k = k or self.settings.top_k
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        passages = self.retriever.search(question, k, filters, timings=timings)
        answer = self.answerer.answer(question, passages)
        answer.timings_ms = {**timings, **answer.timings_ms, "total": (time.perf_counter() - t0) * 1000}
        return answer
