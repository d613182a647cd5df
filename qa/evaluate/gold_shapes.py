"""How often the answer checks pass over a right answer: ``qa eval gold-shapes``.

Every rule in :mod:`qa.answerers.checks` that refuses a wrong answer may refuse a right one too, and the few
questions a rule is written from cannot say how often. So each SQuAD question is read as the reader answerer
reads a candidate, with its *gold* span: its sentence's text before the span and the paragraph after it
(:func:`qa.answerers.checks.shaped`). A gold span of the asked-for written type (:func:`~qa.answerers.checks.type_ok`)
that the checks still reject is a right answer the reader answerer could never give. Questions for a
description or a list are left out (no shape is checked for them).

Run on training data (SQuAD 1.1 train, ``../shared/eval/squad-train``), never on a report half: it is how a new
rule is measured on tens of thousands of wordings before it lands (docs/benchmarks.md), and a CI ceiling
(tests/eval_floor.json, ``gold_shapes``) keeps later rules from rejecting more.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qa.answerers import checks
from qa.chunks import sentences
from qa.questions import analyze


@dataclass
class GoldShapes:
    articles: int
    questions: int = 0  # questions of a checked type
    typed: int = 0  # of those, gold spans of the asked-for written type
    rejected: int = 0  # of those, gold spans the shape checks reject
    by_type: Counter = field(default_factory=Counter)  # rejected, by expected type
    examples: list[dict] = field(default_factory=list)

    @property
    def rejected_share(self) -> float:
        return self.rejected / self.typed if self.typed else 0.0

    def as_dict(self, examples: int = 20) -> dict:
        return {"articles": self.articles, "questions": self.questions, "typed": self.typed,
                "rejected": self.rejected, "rejected_share": round(self.rejected_share, 5),
                "by_type": dict(self.by_type.most_common()), "examples": self.examples[:examples]}


def measure(path: Path, articles: int = 200) -> GoldShapes:
    """The shape checks on the gold answers of the first ``articles`` articles of a SQuAD file."""
    try:
        data = json.loads(Path(path).read_text())["data"][:articles]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a SQuAD file qa can read ({exc})") from None
    result = GoldShapes(len(data))
    for article in data:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            starts = [s.start for s in sentences(context)] or [0]
            for qa in paragraph["qas"]:
                analysis = analyze(qa["question"])
                if analysis.expected in ("description", "list") or not qa.get("answers"):
                    continue
                result.questions += 1
                gold = qa["answers"][0]
                start, text = gold["answer_start"], gold["text"]
                if not checks.type_ok(analysis.expected, text):
                    continue
                result.typed += 1
                first = max((s for s in starts if s <= start), default=0)
                if not checks.shaped(analysis, text, context[first:start], context[start + len(text):]):
                    result.rejected += 1
                    result.by_type[analysis.expected] += 1
                    result.examples.append({"question": qa["question"], "gold": text, "type": analysis.expected,
                                            "said": context[max(first, start - 60):start + len(text) + 40]})
    return result
