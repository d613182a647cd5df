"""passages → answer: the Answer a user gets, whatever answerer wrote it.

Every sentence of ``answer`` ends in one or more ``[n]`` markers; ``citations[n-1]`` is
the passage that supports it, with the character span of the supporting sentence inside
the release body. When the releases don't support an answer, ``abstained`` is true,
``answer`` says so in plain words and ``citations`` lists the nearest passages.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

ABSTAIN_TEXT = "The releases don't say."


class Citation(BaseModel):
    n: int = Field(description="the number used in the [n] markers")
    release_id: str
    title: str
    published: str | None = None
    url: str | None = None
    source: str
    text: str = Field(description="the passage text")
    start: int = Field(description="start of the supporting sentence in the release body")
    end: int = Field(description="end of the supporting sentence in the release body")
    passage_start: int = Field(description="start of the passage in the release body")
    passage_end: int
    score: float


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    answerer: str = "extractive"
    note: str | None = Field(None, description="e.g. why the generative answerer fell back")
    timings_ms: dict[str, float] = Field(default_factory=dict)
