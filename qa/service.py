"""Wires the pipeline steps together from one Settings object (used by the CLI and the web app)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import cached_property

from qa.answer import Answer
from qa.answerers import dating
from qa.answerers.reading import ReadingAnswerer
from qa.conversation import Rewriter, RuleRewriter, Turn
from qa.gate import Gate, GatedEmbedder, GatedReader
from qa.passages import LiveSnapshot, RetrievalRecord, Retriever, make_reranker
from qa.settings import Settings
from qa.timeframe import RuleTimeReader, TimeReader, narrow
from qa.vectors import Embedder, make_embedder


class Service:
    """The embedder, the live snapshot, the retriever and the answerer, each made once on first use."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, rewriter: Rewriter | None = None,
                 time_reader: TimeReader | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self.rewriter = rewriter or RuleRewriter()
        self.time_reader = time_reader or RuleTimeReader()
        self.gate = Gate(settings.model_workers)  # model calls of concurrent requests (qa.gate)

    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        return GatedEmbedder(self._embedder or make_embedder(s.model, s.batch_size, s.device), self.gate)

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

        answerer = make_answerer(self.settings, self.embedder)
        for a in (answerer, getattr(answerer, "fallback", None)):
            if isinstance(a, ReadingAnswerer):
                a.release_text = self.release_body  # the checks read the whole release, not only its passages
                a.reader = GatedReader(a.reader, self.gate)
        return answerer

    @cached_property
    def recorder(self):
        """The refusal log (``QA_RECORD_REFUSALS``), or None when nothing is recorded."""
        if self.settings.record_refusals is None:
            return None
        from qa.refusals import RefusalLog

        return RefusalLog(self.settings.record_refusals, self.settings.record_questions)

    def release_body(self, release_id: str) -> str | None:
        release = self.snapshots.get().store.release(release_id)
        return release.body if release else None

    def ask(self, question: str, k: int | None = None, filters=None, record: bool = False, explain: bool = False,
            expect: str | None = None, expect_refusal: bool = False, history: Sequence[Turn] = ()) -> Answer:
        """Retrieve passages for ``question`` and answer from them; timings in ``timings_ms``.

        With ``history`` (the conversation's earlier turns), a follow-up is first made stand-alone
        (:mod:`qa.conversation`) and ``rewritten`` says how it was asked. With ``explain``, ``explain``
        holds the trace of every stage (:mod:`qa.explain`); ``expect`` is the answer its verdict follows
        (``expect_refusal``: the releases don't say, so an answer is the fault).
        Without them nothing more is computed. The time the question speaks of (:mod:`qa.timeframe`) narrows
        ``filters`` (a request's own date filter wins where they conflict) or ranks recent releases first, and is
        kept in ``timeframe``; ``as_of`` is the date of the release the answer comes from, and a question that
        speaks of time gets it in the text. With ``record`` (the web API and page: what people ask, not
        the CLI, evaluations or the warm-up), a refusal goes to the refusal log when one is set."""
        k = k or self.settings.top_k
        explain = explain or bool(expect) or expect_refusal
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        records: list[RetrievalRecord] | None = [] if explain else None
        asked, passages, timeframe = self.passages(question, k, filters, history, timings, records)
        decision = None
        if isinstance(self.answerer, ReadingAnswerer):
            answer, decision = self.answerer.answer_decided(asked or question, passages, timeframe,
                                                            said=question if asked else None)
        else:
            answer = self.answerer.answer(asked or question, passages)
        answer.question, answer.rewritten, answer.timeframe = question, asked, timeframe
        answer.as_of = dating.as_of(answer)
        if answer.as_of and (bool(timeframe) or answer.earlier):  # a time asked for, or releases that disagree
            answer.answer = dating.say_as_of(answer.answer, answer.as_of)
        if explain:
            from qa.explain import explain as trace

            t1 = time.perf_counter()
            fell_back = decision is None and isinstance(self.answerer, ReadingAnswerer)
            answerer = self.answerer.fallback if fell_back else self.answerer
            answer.explain = trace(asked or question, answer, passages, records[0], records[0].store,
                                   answerer, max(self.retriever.candidates, k), decision, expect, expect_refusal,
                                   timeframe)
            timings["explain"] = (time.perf_counter() - t1) * 1000
        answer.timings_ms = {**timings, **answer.timings_ms, "total": (time.perf_counter() - t0) * 1000}
        if record and answer.abstained and self.recorder is not None:
            self.recorder.record(asked or question, answer)  # never raises: a log that cannot be written only warns
        return answer

    def passages(self, question: str, k: int, filters=None, history: Sequence[Turn] = (),
                 timings: dict[str, float] | None = None, records: list[RetrievalRecord] | None = None):
        """The passages a question is answered from: (the follow-up's stand-alone rewrite or None, the passages,
        the time it speaks of or None). The first half of :meth:`ask`, also what calibration asks through."""
        rewritten = self.rewriter.resolve(question, history, self.release_title) if history else None
        asked = rewritten.question if rewritten else None
        prefer = history[-1].answer_release_ids if rewritten and rewritten.leans_on_last else ()
        frame = self.time_reader.read(asked or question)
        if frame.bounded:
            filters, frame = narrow(frame, filters, self.snapshots.get().store.count_dated)
        passages = self.retriever.search(asked or question, k, filters, timings=timings, records=records,
                                         prefer=prefer, recent=frame.recent)
        return asked, passages, (frame if frame or frame.present else None)

    def release_title(self, release_id: str) -> str | None:
        release = self.snapshots.get().store.release(release_id)
        return release.title if release else None
