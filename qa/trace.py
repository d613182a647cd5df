"""What ``--explain`` shows: the trace of one question through every stage (built by :mod:`qa.explain`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from qa.timeframe import Timeframe

Stage = Literal["question", "corpus", "retrieval", "reader", "checks", "threshold", "answered"]


class ConstraintTrace(BaseModel):
    kind: str
    text: str
    strict: bool = Field(description="must be supported near the answer (else: anywhere in its release)")


class QuestionTrace(BaseModel):
    expected: str = Field(description="the expected answer type")
    focus: str | None = None
    constraints: list[ConstraintTrace] = Field(default_factory=list)


class Hit(BaseModel):
    rank: int
    chunk_id: int
    release_id: str
    title: str
    score: float


class FusedHit(Hit):
    dense_rank: int | None = Field(None, description="rank in the dense ranking (None: not in its candidates)")
    bm25_rank: int | None = None
    read: bool = Field(description="among the passages given to the answerer")


class RetrievalTrace(BaseModel):
    dense: list[Hit] = Field(default_factory=list)
    bm25: list[Hit] = Field(default_factory=list)
    fused: list[FusedHit] = Field(default_factory=list)
    depth: int = Field(description="how deep each retriever ranked")
    read: int = Field(description="how many passages the answerer read")


class WordTrace(BaseModel):
    word: str
    passages: list[int] = Field(description="the [n] of each read passage holding the word")
    chunks_in_index: int = Field(description="chunks of the index holding it, within the request's filters (0: "
                                             "nowhere in those releases)")


class Check(BaseModel):
    name: str
    passed: bool
    detail: str = ""


class CandidateTrace(BaseModel):
    text: str
    passage: int = Field(description="the [n] of the passage it is in (1 = best retrieved)")
    release_id: str
    score: float
    checks: list[Check] = Field(default_factory=list)
    passed: bool
    chosen: bool = False


class AnswererTrace(BaseModel):
    name: str
    candidates: list[CandidateTrace] = Field(default_factory=list)
    probability: float | None = Field(None, description="the chosen candidate's calibrated probability (or score)")
    threshold: float | None = None
    margin: float | None = Field(None, description="probability − threshold: below 0 it was refused for it")
    reason: str | None = None
    note: str | None = None


class Verdict(BaseModel):
    stage: Stage
    text: str


class Trace(BaseModel):
    question: QuestionTrace
    time: Timeframe | None = Field(None, description="the time the question speaks of, as read (qa.timeframe)")
    retrieval: RetrievalTrace
    words: list[WordTrace]
    answerer: AnswererTrace
    expect: str | None = Field(None, description="the answer the verdict followed, when given")
    expect_refusal: bool = Field(False, description="the verdict was told the releases don't say")
    verdict: Verdict
