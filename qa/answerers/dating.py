"""spans → dated answer: the latest of competing answers, the date it holds "as of", and the earlier one.

Used when the question speaks of time (:mod:`qa.timeframe`).

* :func:`latest` — when the question asks for what holds now, the reading answerer's
  candidates that passed every check *compete* when the reader would answer from each
  (its span beats its passage's no-answer score) and each scores within ``margin`` (3.0
  start+end logits, about 5% of the best one's odds: a judgement, not fitted) of the best
  one. Among competitors from dated releases, the newest release wins; within it, the
  best-scoring candidate that no older release also gives ("Priya Natarajan … succeeding
  Alex Morgan": a newer release names the fact it replaces, and the older release gave
  that one), else its best. The *earlier* answer is the best competitor from an older
  release that gives a different text.

  How far to trust ``earlier``: it is an answer of the asked-for type that passed the same
  checks in an older release and scored close to the best, not a proof that it answers the
  same question. When the older release is about something next to it (an earlier appeal,
  another year's figure) it is still what that release says, with its date, so it is shown
  as "earlier" and cited, never as the answer. Without competing dated candidates there is
  none.
* :func:`as_of` — the publication date of the citation the answer comes from (its short
  answer's, else the first), for any answerer; :func:`say_as_of` puts "(as of 13 May 2021)"
  after the first sentence's markers.
"""

from __future__ import annotations

import re
from datetime import date

from qa.answer import Answer

RECENCY_MARGIN = 3.0


def _key(text: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in ("the", "a", "an")]
    return " " + " ".join(words) + " "


def _same(a: str, b: str) -> bool:
    """Whether two answer texts give the same thing: one's words are a run of the other's ("Alex Morgan",
    "Commissioner Alex Morgan")."""
    ka, kb = _key(a), _key(b)
    return ka in kb or kb in ka


def latest(valid: list, margin: float = RECENCY_MARGIN, text=lambda c: c.span.text):
    """(chosen, earlier) among ``valid`` (candidates that passed every check, best first): see the module
    docstring. ``text(candidate)`` is the answer a candidate gives."""
    if margin < 0:
        raise ValueError(f"margin must be 0 or more, got {margin}")
    best = valid[0]
    rivals = [best] + [c for c in valid[1:] if c.span.score >= best.span.score - margin and c.span.margin > 0]
    dated = [c for c in rivals if c.passage.published]
    if not dated:
        return best, None
    newest = max(c.passage.published for c in dated)
    older = [c for c in dated if c.passage.published < newest]
    mine = [c for c in dated if c.passage.published == newest]
    chosen = next((c for c in mine if not any(_same(text(c), text(o)) for o in older)), mine[0])
    earlier = next((o for o in older if not _same(text(o), text(chosen))), None)
    return chosen, earlier


def as_of(answer: Answer) -> str | None:
    """The ISO publication date of the citation the answer comes from; None for a refusal or an undated release."""
    if answer.abstained or not answer.citations:
        return None
    n = answer.short_answer.n if answer.short_answer else answer.citations[0].n
    cite = next((c for c in answer.citations if c.n == n), answer.citations[0])
    return cite.published[:10] if cite.published else None


def long_date(iso: str | None) -> str:
    """"2021-05-13" → "13 May 2021" (the text as given when it is not an ISO date)."""
    if not iso:
        return ""
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day} {d:%B %Y}"


_FIRST_MARKERS = re.compile(r"^(.*?(?:\[\d+\])+)")


def say_as_of(text: str, iso: str) -> str:
    """``text`` with "(as of <date>)" after its first run of [n] markers: "Priya Natarajan [1] (as of 13 May
    2021). …"; unchanged when it already says so or has no marker."""
    if "(as of " in text:
        return text
    m = _FIRST_MARKERS.match(text)
    if not m:
        return text
    return f"{m.group(1)} (as of {long_date(iso)}){text[m.end():]}"
