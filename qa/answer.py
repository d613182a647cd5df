"""passages → answer: the Answer a user gets, whatever answerer wrote it.

Every sentence of ``answer`` ends in one or more ``[n]`` markers; ``citations[n-1]`` is
the passage that supports it, with the character span of the supporting sentence inside
the release body. ``short_answer`` is the answer span and where it is in its release.
When the releases don't support an answer, ``abstained`` is true, ``answer`` says so in
plain words and what they do say, ``reason`` says why, and ``citations`` lists the
nearest passages.

``as_of`` is the publication date of the release the answer comes from (None when it is
undated, or for a refusal). A question that speaks of time (``timeframe``, read by
:mod:`qa.timeframe`) gets it in the text too: "Priya Natarajan [1] (as of 13 May 2021).";
when an older release gave a different answer to it, ``earlier`` holds that one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from qa.timeframe import Timeframe
from qa.trace import Trace

ABSTAIN_TEXT = "The releases don't say."


class Citation(BaseModel):
    n: int = Field(description="the number used in the [n] markers")
    release_id: str
    title: str
    published: str | None = None
    date_source: str | None = Field(None, description="how the date was found: metadata, dateline (a date in the "
                                                      "release's opening) or weekday (a weekday and day in its text)")
    url: str | None = None
    source: str
    text: str = Field(description="the passage text")
    start: int = Field(description="start of the supporting sentence in the release body")
    end: int = Field(description="end of the supporting sentence in the release body")
    passage_start: int = Field(description="start of the passage in the release body")
    passage_end: int
    score: float


class ShortAnswer(BaseModel):
    text: str = Field(description="the answer span, e.g. '157 arrests'")
    n: int = Field(description="the citation it comes from")
    start: int = Field(description="start of the span in the release body")
    end: int = Field(description="end of the span in the release body")


class Earlier(BaseModel):
    text: str = Field(description="what an older release gave as the answer, e.g. 'Alex Morgan'")
    n: int = Field(description="the citation it comes from")
    published: str = Field(description="that release's date (ISO)")


Reason = Literal["no_evidence", "wrong_type", "constraint_missing", "below_threshold"]


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    short_answer: ShortAnswer | None = Field(None, description="the answer span, when a reader found one")
    reason: Reason | None = Field(None, description="why the answerer refused: no passage names the question's "
                                                    "things (no_evidence), no candidate of the asked-for type "
                                                    "(wrong_type), a qualifier the passages don't support "
                                                    "(constraint_missing), or too little confidence "
                                                    "(below_threshold)")
    confidence: float | None = Field(None, description="the reader's calibrated probability that it answers")
    answerer: str = "extractive"
    note: str | None = Field(None, description="e.g. why the generative answerer fell back")
    timings_ms: dict[str, float] = Field(default_factory=dict)
    rewritten: str | None = Field(None, description="a follow-up question as it was asked of the releases, made "
                                                    "stand-alone from the conversation's last turn")
    as_of: str | None = Field(None, description="the publication date (ISO) of the release the answer comes from; "
                                                "None when it is undated or the answerer refused")
    earlier: Earlier | None = Field(None, description="the answer an older release gave, when the question asked "
                                                      "for the latest and the releases disagree over time")
    timeframe: Timeframe | None = Field(None, description="the time the question speaks of (bounds on publication "
                                                          "dates, a wish for the latest), when it speaks of any")
    explain: Trace | None = Field(None, description="the trace of every stage, when asked for (`explain: true`)")
