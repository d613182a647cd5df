"""passages → answer: the answerers. ``make_answerer`` picks one from ``QA_ANSWERER``."""

from __future__ import annotations

from typing import Protocol

from qa.answer import Answer
from qa.passages import Passage


class Answerer(Protocol):
    name: str

    def answer(self, question: str, passages: list[Passage]) -> Answer: ...
