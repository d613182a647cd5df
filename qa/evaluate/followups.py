"""Two-turn conversations: is a follow-up answered from the right release?

Each record of ``corpus/followups.jsonl`` has a stand-alone ``first`` question and a
``followup`` that only makes sense after it, the releases that answer the follow-up
(``release_ids``) and gold strings (``answers``). The first question is asked as a user
would ask it; its answer's cited releases and short answer become the history of the
follow-up. A follow-up counts as answered from the right release when it is not refused
and its first cited release is one of ``release_ids``; ``top_release_right`` counts the first
citation's release even when the answerer refused (a refusal cites the nearest passages):
it measures the rewrite and retrieval apart from the reader. The same follow-ups asked with no
history are the baseline. ``part`` is the frozen tune/test split (a hash of the id).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from qa.conversation import Turn
from qa.errors import QaError
from qa.evaluate.metrics import contains_gold
from qa.evaluate.sample import cited_releases


class Conversation(BaseModel):
    id: str
    first: str
    first_release_ids: list[str] = []
    followup: str
    release_ids: list[str]
    answers: list[str] = []
    style: str = "other"
    part: str | None = None


def load_conversations(path: Path) -> list[Conversation]:
    if not path.exists():
        raise QaError(f"{path} does not exist: give a follow-ups file (JSONL: id, first, followup, release_ids)")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(Conversation.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as exc:
                raise QaError(f"{path}, line {n}: not a conversation record ({str(exc).splitlines()[0]})") from None
    if not out:
        raise QaError(f"{path} holds no conversations")
    return out


def run(service, conversations: Sequence[Conversation], progress: Callable[[int], None] | None = None,
        baseline: bool = True) -> dict:
    """Ask every conversation with history (and, with ``baseline``, without); the figures overall, per part and
    per style."""
    rows = []
    for c in conversations:
        first = service.ask(c.first)
        history = [Turn.of(c.first, first)]
        with_history = service.ask(c.followup, history=history)
        alone = service.ask(c.followup) if baseline else None
        rows.append({"id": c.id, "part": c.part, "style": c.style, "followup": c.followup,
                     "rewritten": with_history.rewritten, **_scores(c, with_history, "with_history"),
                     **(_scores(c, alone, "without_history") if alone else {})})
        if progress:
            progress(1)
    groups = {"all": rows, **{f"part:{p}": [r for r in rows if r["part"] == p] for p in ("tune", "test")},
              **{f"style:{s}": [r for r in rows if r["style"] == s] for s in sorted({r["style"] for r in rows})}}
    return {"metrics": {name: _summary(group) for name, group in groups.items() if group}, "conversations": rows}


def _scores(c: Conversation, answer, prefix: str) -> dict:
    releases = cited_releases(answer) or [x.release_id for x in answer.citations]
    right = not answer.abstained and bool(releases) and releases[0] in c.release_ids
    top = [x.release_id for x in answer.citations[:1]]  # a refusal cites the nearest passages, best first
    return {f"{prefix}_right_release": right, f"{prefix}_top_release_right": bool(top) and top[0] in c.release_ids, f"{prefix}_contains": not answer.abstained and
            contains_gold(answer.answer, c.answers), f"{prefix}_abstained": answer.abstained,
            f"{prefix}_release": releases[0] if releases else None}


def _summary(rows: list[dict]) -> dict:
    n = len(rows)
    keys = ("with_history_right_release", "with_history_top_release_right", "with_history_contains",
            "with_history_abstained", "without_history_right_release", "without_history_top_release_right",
            "without_history_contains")
    return {"n": n, **{key: round(sum(r[key] for r in rows) / n, 3) for key in keys if key in rows[0]}}
