"""question + history → a stand-alone question: follow-ups made readable without the conversation.

The page and the API accept the conversation's earlier turns (``history``: each turn's
question, the releases its answer cited and, when known, its short answer). A follow-up
such as "and how many arrests did it make?" is rewritten from the last turn before
retrieval, and the answer says how it was asked (``rewritten``). The rules, in order:

1. **Substitution** — "what about Stevenage?", "and in 2019?", "how about for rape
   offences?": the last question is asked again with the new thing in place of its
   narrowing name or year (or added to it when it had none). A longer "what about …"
   with no pronoun ("what about modern slavery — which detective spoke on that?") is a
   new topic, asked in full without the opener.
2. **Pronouns** — "it", "its", "they", "their", "them", "this", "there" stand for the
   last question's subject (its first named thing that is not a narrowing place, else the
   title of the release its answer cited) — but "it" never stands for a person or a role,
   nor "there" for anything but another place the question named: such a pronoun stays,
   and the last question's words are added for context; "he", "she", "him", "her", "his" for the person the last turn was about
   (its short answer when it asked "who", else a person it named, else its subject).
3. **Elided subject** — a follow-up that names nothing of its own gets the last subject
   added ("any figures on knife crime (Operation Hotspot)?"); a bare one ("why?", "since
   when?") the last question's words ("why (David Lloyd say about the strategy)?").

A follow-up that names nothing of its own (rules 2 and 3) is still about the last turn's
releases, so retrieval prefers them (``leans_on``): their passages get a third ranking in
the fusion. A question that names its own subject and holds no pronoun is left as it is (None), so
starting a new topic mid-conversation works, and without history nothing changes. The
rules read the words of the two questions only; no rule knows any release. Only the last
turn is used: a follow-up of a follow-up is resolved against the rewritten question,
which the client sends back as that turn's question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from qa.questions import NAME_HEADS, ORGANISATION_NOUNS, PERSON_NOUNS, PLACE_NOUNS, PREPOSITIONS, QUESTION_WORDS, analyze

NEUTER = {"it": "{s}", "its": "{s}'s", "they": "{s}", "them": "{s}", "their": "{s}'s", "theirs": "{s}'s",
          "this": "{s}", "there": "in {s}"}
PERSONAL = {"he": "{p}", "she": "{p}", "him": "{p}", "her": "{p}", "his": "{p}'s", "hers": "{p}'s"}
OPENERS = re.compile(r"^\s*(?:and|but|so|also|ok(?:ay)?|then)\b[\s,]*|^\s*(?:what|how)\s+about\b\s*", re.IGNORECASE)
SUBSTITUTION = re.compile(r"^\s*(?:and|but|what\s+about|how\s+about|same\s+for|what\s+of)\b\s*(?P<rest>.*)$",
                          re.IGNORECASE)
NAME_WORDS = NAME_HEADS | ORGANISATION_NOUNS | PLACE_NOUNS | {"services", "hospital", "crime", "police", "constabulary"}
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
VERBS = re.compile(r"\b(?:is|are|was|were|did|does|do|has|have|had|will|can|could|would|should|made|make|said)\b",
                   re.IGNORECASE)


class Turn(BaseModel):
    """One earlier turn of the conversation."""

    question: str = Field(min_length=1, max_length=1000, description="the question as it was answered")
    answer_release_ids: list[str] = Field(default_factory=list, max_length=20,
                                          description="the releases its answer cited, first first")
    answer: str | None = Field(None, max_length=1000, description="its short answer, if it had one (resolves "
                                                                    "'he'/'she' after a 'who' question)")


class Rewriter(Protocol):
    def rewrite(self, question: str, history: Sequence[Turn], title_of: Callable[[str], str | None]) -> str | None: ...


class RuleRewriter:
    def rewrite(self, question: str, history: Sequence[Turn], title_of: Callable[[str], str | None]) -> str | None:
        return rewrite(question, history, title_of)


def subject(turn: Turn, title_of: Callable[[str], str | None]) -> str | None:
    """What the turn was about: its question's first topic name (not a narrowing one: "in Hertfordshire" says
    where, not what), else its first release's title."""
    topic = [c.text for c in analyze(turn.question).constraints if c.kind == "name" and not c.strict]
    if topic:
        the = re.search(rf"\bthe\s+{re.escape(topic[0])}", turn.question, re.IGNORECASE)
        return f"the {topic[0]}" if the else topic[0]
    for rid in turn.answer_release_ids[:1]:
        title = (title_of(rid) or "").rstrip("….").strip()
        if title:
            return title
    return None


def person(turn: Turn, fallback: str | None) -> str | None:
    """Who the turn was about: its short answer to a "who" question, else a name it holds that reads like a
    person's (two or three capitalised words), else a role it asked about ("the commissioner")."""
    a = analyze(turn.question)
    if a.expected == "person" and turn.answer and re.fullmatch(r"[A-Z][\w'’\-]+(?: [A-Z][\w'’\-.]+){0,5}", turn.answer):
        return turn.answer
    for c in a.constraints:
        if c.kind == "name" and re.fullmatch(r"[A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+){1,2}", c.text):
            return c.text
    role = next((w for w in re.findall(r"[A-Za-z]+", turn.question) if w.lower() in PERSON_NOUNS
                 and w.lower() not in ("people", "person", "name")), None)
    if role and not any(role in c.text for c in a.constraints):
        return f"the {role.lower()}"
    return fallback


def rewrite(question: str, history: Sequence[Turn], title_of: Callable[[str], str | None] = lambda _: None
            ) -> str | None:
    """The stand-alone form of ``question`` after ``history``, or None when it needs none."""
    if not history:
        return None
    last = history[-1]
    about = subject(last, title_of)
    swapped = _substitute(question, last.question)
    if swapped:
        return swapped
    words = re.findall(r"[A-Za-z']+", question)
    lowered = [w.lower() for w in words]
    pronouns = [w for w in lowered if w in NEUTER or w in PERSONAL]
    own_names = [c for c in analyze(question).constraints if c.kind == "name"]
    if own_names and not pronouns and not OPENERS.match(question):
        return None  # a new question of its own
    switch = re.match(r"^\s*(?:what|how)\s+about\b\s*", question, re.IGNORECASE)
    if switch and not pronouns:  # "what about modern slavery: who spoke on that?": a new topic, asked in full
        rest = question[switch.end():].strip()
        return rest[:1].upper() + rest[1:]
    text = OPENERS.sub("", question).strip()
    text = text[:1].upper() + text[1:] if text else question
    changed = unresolved = False
    if about:
        who = person(last, about)

        # "it" cannot stand for a person or a role ("the PCC"), nor "there" for the subject: such a pronoun is
        # left as it is and the last question's words are added for context instead.
        thing = None if _personal(about) else about
        place = next((c.text for c in analyze(last.question).constraints
                      if c.kind == "name" and c.text not in about and not _personal(c.text)), None)

        def swap(m: re.Match) -> str:
            nonlocal changed, unresolved
            w = m.group(0)
            table = NEUTER if w.lower() in NEUTER else PERSONAL
            referent = (place if w.lower() == "there" else thing) if table is NEUTER else (who or about)
            if w.lower() in ("they", "them", "their") and _personal(about):
                referent = about  # "they" may be people: "the Special Constables"
            if w.lower() == "this" and _before_noun(text, m.end()):
                return w  # "this scheme": a determiner, not a pronoun
            if w.lower() == "her" and _before_noun(text, m.end()) and who:
                changed = True
                return who + "'s"  # "her role": possessive
            if w.lower() == "there" and (re.match(r"\s+(?:is|are|was|were|have|has)\b", text[m.end():], re.IGNORECASE)
                                         or re.search(r"\b(?:is|are|was|were)\s*$", text[:m.start()], re.IGNORECASE)):
                return w  # "there were", "how many are there": not a place
            if referent is None:
                unresolved = True
                return w
            changed = True
            return table[w.lower()].format(s=referent, p=referent)

        text = re.sub(r"\b(?:" + "|".join(sorted({*NEUTER, *PERSONAL}, key=len, reverse=True)) + r")\b", swap, text,
                      flags=re.IGNORECASE)
        if unresolved or (not changed and not own_names):
            bare = len(words) <= 3 or unresolved  # "why?", "since when?": the whole last question is the context
            text = f"{text.rstrip(' ?')} ({_gist(last.question) if bare else about})?"
            changed = True
    if not changed:
        return None if text == question else text
    return text


def leans_on(question: str) -> bool:
    """Whether a rewritten follow-up is still about the last turn's releases: it names nothing of its own ("who
    runs it?", "why?"), unlike "what about Stevenage?" or "and the hate crime strategy?". Retrieval then prefers
    the releases the last answer cited (:meth:`qa.passages.Retriever.search`'s ``prefer``)."""
    if re.match(r"^\s*(?:what|how)\s+about\b", question, re.IGNORECASE):
        return False
    return not any(c.kind == "name" for c in analyze(question).constraints)


def _substitute(question: str, previous: str) -> str | None:
    """ "what about Stevenage?" after "how many arrests … in Watford?" → "how many arrests … in Stevenage?"."""
    m = SUBSTITUTION.match(question.strip())
    if not m:
        return None
    rest = m.group("rest").strip().rstrip("?").strip()
    if (not rest or VERBS.search(rest) or rest.split()[0].lower() in QUESTION_WORDS or len(rest.split()) > 6
            or any(w.lower() in NEUTER or w.lower() in PERSONAL for w in re.findall(r"[A-Za-z']+", rest))):
        return None  # "and how many arrests did it make?" is a question of its own
    year = YEAR.search(rest)
    if year and YEAR.search(previous):
        return YEAR.sub(year.group(0), previous, count=1)
    prep = rest.split()[0].lower() if rest.split()[0].lower() in PREPOSITIONS else None
    body = previous.rstrip().rstrip("?")
    thing = rest.split(None, 1)[1] if prep and len(rest.split()) > 1 else rest
    names = [c for c in analyze(previous).constraints if c.kind in ("name", "year")]
    strict = [c for c in names if c.strict]
    target = (strict or names[1:] or [None])[-1]
    if target is not None and target.text in body:
        return body.replace(target.text, thing, 1) + "?"
    return f"{body} {prep + ' ' if prep else ''}{thing}?"


def _personal(name: str) -> bool:
    """Whether a name reads like a person's or a role's ("David Lloyd", "the Police and Crime Commissioner")."""
    words = re.findall(r"[A-Za-z]+", name)
    if any(w.lower() in PERSON_NOUNS or w.lower() in ("pcc", "dci", "ds", "mp") for w in words):
        return True
    return bool(re.fullmatch(r"(?:the )?[A-Z][a-z'’\-]+(?: [A-Z]\.?)?(?: [A-Z][a-z'’\-]+){1,2}", name)) and \
        not any(w.lower() in NAME_WORDS for w in words)


def _gist(question: str) -> str:
    """A question's words without its wh-word and auxiliaries: "what did David Lloyd say about the strategy?" →
    "David Lloyd say about the strategy"."""
    words = question.strip().rstrip("?").split()
    while words and (words[0].lower() in QUESTION_WORDS or VERBS.fullmatch(words[0]) or words[0].lower() in
                     ("many", "much", "long", "often")):
        words = words[1:]
    return " ".join(words) or question.rstrip("?")


def _before_noun(text: str, end: int) -> bool:
    """Whether the word after ``end`` reads like a noun the word before it determines ("this scheme", "her role")."""
    m = re.match(r"\s+([A-Za-z]+)", text[end:])
    return bool(m) and not VERBS.fullmatch(m.group(1)) and m.group(1).lower() not in QUESTION_WORDS | {"to", "and", "or",
                                                                                                          "for", "in"}
