"""passages → spans: the reader finds the answer span inside retrieved passages.

A ``Reader`` reads a question against passages and returns, for each passage, its best
candidate spans with scores and the passage's no-answer score. The answerer
(:mod:`qa.answerers.reading`) decides from those, the question analysis and its checks
whether to answer. ``TransformerReader`` (:mod:`qa.reader.model`) is the trained one;
tests use small fakes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Span:
    """A candidate answer: characters ``start:end`` of passage ``passage``'s text."""

    passage: int
    start: int
    end: int
    text: str
    score: float  # start + end logit
    null: float  # the no-answer (start + end at [CLS]) logit of the window it was read in

    @property
    def margin(self) -> float:
        """How far the span's score is above the no-answer score (> 0: the reader would answer)."""
        return self.score - self.null


@dataclass
class Reading:
    """What the reader found in one passage: its best spans (best first) and its no-answer score."""

    passage: int
    spans: list[Span] = field(default_factory=list)
    null: float = 0.0


class Reader(Protocol):
    name: str

    def read_batch(self, questions: list[str], passages: list[list[str]], top_n: int = 5) -> list[list[Reading]]:
        """For each question, one Reading per passage text (in order)."""
        ...
