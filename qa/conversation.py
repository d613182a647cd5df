"""question + history → a stand-alone question: follow-ups made readable without the conversation.

The page and the API accept the conversation's earlier turns (``history``: each turn's
question, the releases its answer cited and, when known, its short answer). A follow-up
such as "and how many arrests did it make?" is rewritten from the last turn before
retrieval, and the answer says how it was asked (``rewritten``). The rules, in order:

1. **Substitution** — "what about Stevenage?", "and in 2019?", "how about for rape
   offences?": the last question is asked again with the new thing in place of its
   narrowing name or year (a year also in place of the period it said: "and in the whole of 2025?" after
   "… since January?"; or added to it when it had none), and "and on-call firefighters?"
   after "how many special constables …?" in place of the things it counted. A police force area
   ("what about Cambridgeshire?") takes the place of the last force area the last
   question named, narrowing or not ("how many Hertfordshire cases …"), or is added
   ("… in Cambridgeshire?") when it named none. A longer "what about …"
   with no pronoun ("what about modern slavery — which detective spoke on that?") is a
   new topic, asked in full without the opener.
2. **Correction** — "sorry, I meant the police number", "no, I mean the total cost": the
   last question is asked again with the phrase that ends in the same noun ("the national
   modern slavery helpline number") replaced by the one meant, or else the noun the last
   question counted ("no, I meant burglaries" after "how many robberies …"), with the last
   subject as context when the new question does not hold it ("What's the police number
   (Modern slavery campaign launched)?"). It is still about the last turn's releases. When
   the last question has no such noun, the other rules read it.
3. **Pronouns** — "it", "its", "they", "their", "them", "this", "there" stand for the
   last question's subject (its first named thing that is not a narrowing place; when it
   named no thing but asked which one, "which plan …?", the thing its answer named, and the
   follow-up is then a question of its own, not leaning on the last releases; never the
   title of the release its answer cited, which it was until 2026-12-07: "When were Appeal
   after 86 breeding ewes stolen from farm near Hawes taken?") — but "it" never stands for a person or a role,
   nor "there" for anything but another place the question named ("in Watford"; "to Watford"
   after a verb of going, "at Watford" after "arrive"): such a pronoun stays,
   and the last question's words are added for context; "he", "she", "him", "her", "his" for the person the last turn was about
   (its short answer when it asked "who", else a person it named, else its subject when that is a person or a
   role). With no person to stand for, "he" stays as it is, still about the last turn's releases: until
   2026-12-07 it took the subject whatever it was, and showed "How old was the Croydon?" or "Which hospital was
   Police thank public after missing kayaker found off Cornish coast taken to?" (a release title).
4. **Elided subject** — a follow-up that names nothing of its own gets the last question's
   words added, without its wh-word and auxiliaries ("any change in the results (forensic
   samples have been re-tested after the Randox problem)?", "why (David Lloyd say about the
   strategy)?"). Until 2026-12-06 a longer one got only the last subject ("(the Randox)"):
   the last question's words answered two more of the 26 tune follow-ups and lost none.

A follow-up that names nothing of its own (rules 3 and 4) is still about the last turn's
releases, as is a correction (rule 2), so retrieval prefers them (``Rewrite.leans_on_last``): their passages get a third
ranking in the fusion. A question that names its own subject and holds no pronoun is left as it is (None), so
starting a new topic mid-conversation works, and without history nothing changes. The
rules read the words of the two questions only; no rule knows any release. Only the last
turn is used: a follow-up of a follow-up is resolved against the rewritten question,
which the client sends back as that turn's question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, Field

from qa.dates import MONTHS, YEAR_OR_FINANCIAL
from qa.pages import area_mentions, is_area
from qa.questions import (NAME_HEADS, ORGANISATION_NOUNS, PERSON_NOUNS, PLACE_ENDINGS, PLACE_NOUNS, PLURALS,
                          PREPOSITIONS, QUESTION_WORDS, analyze)

NEUTER = {"it": "{s}", "its": "{s}'s", "they": "{s}", "them": "{s}", "their": "{s}'s", "theirs": "{s}'s",
          "this": "{s}", "there": "in {s}"}
PERSONAL = {"he": "{p}", "she": "{p}", "him": "{p}", "her": "{p}", "his": "{p}'s", "hers": "{p}'s"}
OPENERS = re.compile(r"^\s*(?:and|but|so|also|ok(?:ay)?|then)\b[\s,]*|^\s*(?:what|how)\s+about\b\s*", re.IGNORECASE)
SUBSTITUTION = re.compile(r"^\s*(?:and|but|what\s+about|how\s+about|same\s+for|what\s+of)\b\s*(?P<rest>.*)$",
                          re.IGNORECASE)
# A name holding one of these is a thing, not a person ("Operation Sceptre", "Lister Hospital", "Durham
# Constabulary"): the heads of qa.questions and the words a police body's name is made of.
NAME_WORDS = NAME_HEADS | ORGANISATION_NOUNS | PLACE_NOUNS | {"police", "constabulary", "crime", "policing"}
# The head nouns of a thing or a body's name: a narrowing name holding one can still be what a turn was about.
THINGS = NAME_HEADS | ORGANISATION_NOUNS
# Police roles written as initials: "the PCC", "the DCI".
ROLE_INITIALS = frozenset({"pcc", "pfcc", "dci", "dcs", "ds", "di", "mp", "acc", "dcc"})
PLACE_PREPOSITIONS = ("in", "at", "across", "within", "near", "outside", "inside")
# When a question's count or sum holds: "since January", "so far this year", "during March", "last year"
PERIOD = re.compile(r"\b(?:(?:since|from|during|in|so far (?:in|this))\s+"
                    r"(?:(?:the\s+)?(?:start|end|beginning)\s+of\s+)?"
                    rf"(?:{'|'.join(m.title() for m in MONTHS)})|"
                    r"(?:so far\s+)?(?:this|last)\s+(?:year|month|week))\b")
CORRECTION = re.compile(r"^\s*(?:(?:sorry|no|oops|actually|ah|oh)\b[\s,.!]*)*i\s+mean[t]?\s+(?P<meant>.*?)[\s.?!]*$",
                        re.IGNORECASE)
DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "this", "that", "these", "those", "your", "our"})
# "get there" is "get to Watford", "arrive there" is "arrive at Watford"; elsewhere "there" is "in Watford".
TOWARDS = re.compile(r"\b(?:get|gets|got|getting|go|goes|went|going|come|comes|came|travel\w*|drive|drove|driven|"
                     r"walk\w*|run|ran|rush\w*|sent|send\w*|take|took|taken|move[ds]?|head(?:ed|ing)?|return\w*)\s*$",
                     re.IGNORECASE)
ARRIVE = re.compile(r"\barriv(?:e|es|ed|ing)\s*$", re.IGNORECASE)
VERBS = re.compile(r"\b(?:is|are|was|were|did|does|do|has|have|had|will|can|could|would|should|made|make|said)\b",
                   re.IGNORECASE)


class Turn(BaseModel):
    """One earlier turn of the conversation."""

    question: str = Field(min_length=1, max_length=2000, description="the question as it was answered (a "
                                                                      "rewritten follow-up may be longer than a question)")
    answer_release_ids: list[str] = Field(default_factory=list, max_length=20,
                                          description="the releases its answer cited, first first")
    answer: str | None = Field(None, max_length=1000, description="its short answer, if it had one (resolves "
                                                                    "'he'/'she' after a 'who' question)")

    @classmethod
    def of(cls, question: str, answer) -> Turn:
        """The turn an :class:`qa.answer.Answer` to ``question`` makes: the releases it cited and its short answer."""
        return cls(question=question, answer_release_ids=[c.release_id for c in answer.citations],
                   answer=answer.short_answer.text if answer.short_answer else None)


class Rewriter(Protocol):
    def resolve(self, question: str, history: Sequence[Turn],
                title_of: Callable[[str], str | None]) -> Rewrite | None: ...


class RuleRewriter:
    """The rules of this module's docstring."""

    def resolve(self, question: str, history: Sequence[Turn],
                title_of: Callable[[str], str | None]) -> Rewrite | None:
        return resolve(question, history, title_of)


def subject(turn: Turn, title_of: Callable[[str], str | None], things: bool = False) -> str | None:
    """What the turn was about: its question's first topic name (not a narrowing one: "in Hertfordshire" says
    where, not what), else (with ``things``, for "it") its first narrowing name that names a thing or a body
    ("under Operation Hotspot", "by the Modern Slavery Partnership": a head noun of :data:`THINGS`), else its
    first release's title."""
    names = [c for c in analyze(turn.question).constraints if c.kind == "name"]
    topic = [c.text for c in names if not c.strict] or [c.text for c in names if things and _thing(c.text)]
    if topic:
        the = re.search(rf"\bthe\s+{re.escape(topic[0])}", turn.question, re.IGNORECASE)
        return f"the {topic[0]}" if the else topic[0]
    return release_title(turn, title_of)


def release_title(turn: Turn, title_of: Callable[[str], str | None]) -> str | None:
    """The title of the first release the turn's answer cited."""
    for rid in turn.answer_release_ids[:1]:
        title = (title_of(rid) or "").rstrip("….").strip()
        if title:
            return title
    return None


def answered_thing(turn: Turn) -> str | None:
    """The thing a turn's short answer named when its question asked which thing or body ("which plan is it set
    in?" → "Community Safety and Criminal Justice Plan"): what "it" stands for next, when the question itself
    named no thing. None for any other question or an answer that is not a name."""
    if not turn.answer or analyze(turn.question).expected != "organisation":
        return None
    name = turn.answer.strip().rstrip(".")
    if not re.fullmatch(r"(?:the )?[A-Z][\w'’\-]*(?: (?:[A-Z][\w'’\-.]*|and|of|for|the|&)){0,7}", name):
        return None
    return None if _personal(name) else name


def _place(name: str) -> bool:
    """Whether a name is only a police force area ("Norfolk", "the Thames Valley"): a where, never an "it"."""
    return is_area(re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE))


def _counted(question: str) -> str | None:
    """The things a "how many" question counted, as the question said them ("the video doorbells" of "how many
    video doorbells is the Commissioner funding?"): what "they" and "them" stand for next."""
    analysis = analyze(question)
    if analysis.expected != "count" or not analysis.focus or not analysis.focus.endswith("s") \
            or analysis.focus in ("people", "times"):
        return None
    said = re.search(rf"\b{re.escape(analysis.focus)}\b", question, re.IGNORECASE)
    return f"the {said.group()}" if said else None


def _thing(name: str) -> bool:
    """Whether a name is a thing or a body ("Operation Hotspot", "Victims Strategy", "Beacon Partnership"), not
    a place or a person, by its words."""
    return any(w.lower() in THINGS for w in name.split())


def person(turn: Turn, fallback: str | None) -> str | None:
    """Who the turn was about: its short answer to a "who" question, else a name it holds that reads like a
    person's (two or three capitalised words), else a role it asked about ("the commissioner")."""
    a = analyze(turn.question)
    if a.expected == "person" and turn.answer and re.fullmatch(r"[A-Z][\w'’\-]+(?: [A-Z][\w'’\-.]+){0,5}", turn.answer):
        return turn.answer
    for c in a.constraints:
        if c.kind == "name" and re.fullmatch(r"[A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+){1,2}", c.text) and \
                not any(w.lower() in NAME_WORDS for w in c.text.split()) and c.text.split()[-1] not in PLACE_ENDINGS \
                and not _said_as_place(c.text, turn.question):  # "Operation Sceptre", "on Mount Usborne", "the
            # Riverside Quay cable thieves" are no one
            return c.text
    role = next((w for w in re.findall(r"[A-Za-z]+", turn.question) if w.lower() in PERSON_NOUNS
                 and w.lower() not in ("people", "person", "name")), None)
    if role and not any(role in c.text for c in a.constraints):
        return f"the {role.lower()}"
    return fallback


@dataclass(frozen=True)
class Rewrite:
    """A follow-up made stand-alone, and the rule that did it: ``substitution``, ``switch`` (a new topic after
    "what about"), ``answer`` ("it" for the thing the last answer named), ``correction``, ``pronoun`` or
    ``elided``. Only the last three are still about the last turn's releases."""

    question: str
    rule: str

    @property
    def leans_on_last(self) -> bool:
        return self.rule in ("correction", "pronoun", "elided")


def rewrite(question: str, history: Sequence[Turn], title_of: Callable[[str], str | None] = lambda _: None
            ) -> str | None:
    """The stand-alone form of ``question`` after ``history``, or None when it needs none."""
    done = resolve(question, history, title_of)
    return done.question if done else None


def resolve(question: str, history: Sequence[Turn], title_of: Callable[[str], str | None] = lambda _: None
            ) -> Rewrite | None:
    """:func:`rewrite`, with the rule that fired."""
    if not history:
        return None
    last = history[-1]
    named_subject = subject(last, lambda _: None)
    titled = named_subject is None  # what the last turn was about is at best a release title: no subject to put in
    about = named_subject if named_subject is not None else release_title(last, title_of)
    swapped = _substitute(question, last.question)
    if swapped:
        return Rewrite(swapped, "substitution")
    corrected = _correct(question, last.question)
    if corrected:  # the replaced words may have held the topic: the last subject comes along as context
        context = f" ({about})" if about and about.lower() not in corrected.lower() else ""
        return Rewrite(corrected.rstrip("?") + context + "?", "correction")
    words = re.findall(r"[A-Za-z']+", question)
    lowered = [w.lower() for w in words]
    pronouns = [w for w in lowered if w in NEUTER or w in PERSONAL]
    own_names = [c for c in analyze(question).constraints if c.kind == "name"]
    if own_names and not pronouns and not OPENERS.match(question):
        return None  # a new question of its own
    switch = re.match(r"^\s*(?:what|how)\s+about\b\s*", question, re.IGNORECASE)
    rest = question[switch.end():].strip() if switch else ""
    if switch and not pronouns and re.search(r"\w", rest):  # "what about modern slavery: who spoke on that?"
        return Rewrite(rest[:1].upper() + rest[1:], "switch")
    text = OPENERS.sub("", question).strip()
    if not re.search(r"[A-Za-z]{2}", text) or text.lower().rstrip(" ?") in ("what", "so what", "and"):
        text = ""  # "and?", "so what?": nothing but the last question is left to ask
    text = text[:1].upper() + text[1:] if text else ""
    changed = unresolved = False
    # "he" and "she" stand for a person or a role, never for a release title or a place ("How old was the Croydon?")
    who = person(last, about if about is not None and _personal(about)
                 and not _said_as_place(re.sub(r"^the\s+", "", about), last.question) else None)
    # "it" cannot stand for a person or a role ("the PCC"), nor "there" for the subject: such a pronoun is left
    # as it is and the last question's words are added for context instead.
    # A thing the last question named, narrowing or not ("how many arrests under Operation Hotspot?"); when it
    # named none, the thing its answer named; else its subject (a release title when it named nothing at all).
    own = subject(last, lambda _: None, things=True)
    if own is not None and _place(own):
        own = None  # "the Norfolk fuel thefts": Norfolk is where, not the thing "it" stands for
    answered = answered_thing(last) if own is None or _personal(own) else None
    # a release title is no thing to put for "it" ("When were Appeal after 86 breeding ewes stolen … taken?"): the
    # pronoun stays and the last question's words come along
    named = answered or (own if own is not None else None if titled else about)
    thing = None if named is None or _personal(named) or _place(named) else named
    place = next((c.text for c in analyze(last.question).constraints
                  if c.kind == "name" and (about is None or c.text not in about) and not _personal(c.text)), None)

    counted = _counted(last.question)
    generic: list[str] = []  # common nouns put for a pronoun: whose they are must come along

    kept_personal = False

    def swap(m: re.Match) -> str:
        nonlocal changed, unresolved, kept_personal
        w = m.group(0)
        table = NEUTER if w.lower() in NEUTER else PERSONAL
        referent = (place if w.lower() == "there" else thing) if table is NEUTER else who
        if w.lower() in ("they", "them", "their") and counted:
            referent = counted  # after "how many video doorbells …?", "them" are the doorbells, not the funder
            generic.append(counted)
        elif w.lower() in ("they", "them", "their") and about and _personal(about) and not titled:
            referent = about  # "they" may be people: "the Special Constables"
        if w.lower() == "this" and _before_noun(text, m.end()):
            return w  # "this scheme": a determiner, not a pronoun
        if w.lower() == "her" and _before_noun(text, m.end()) and who:
            changed = True
            return who + "'s"  # "her role": possessive
        if w.lower() == "there" and (re.match(r"\s+(?:is|are|was|were|have|has)\b", text[m.end():], re.IGNORECASE)
                                     or re.search(r"\b(?:is|are|was|were)\s*$", text[:m.start()], re.IGNORECASE)):
            return w  # "there were", "how many are there": not a place
        if referent is None and table is PERSONAL:
            kept_personal = True  # "he" with no person to stand for stays "he", still about the last releases
            return w
        if referent is None:
            unresolved = True
            return w
        changed = True
        if w.lower() == "there":
            before = text[:m.start()]
            if ARRIVE.search(before):
                return f"at {referent}"
            if TOWARDS.search(before):
                return f"to {referent}"
        return table[w.lower()].format(s=referent, p=referent)

    text = re.sub(r"\b(?:" + "|".join(sorted({*NEUTER, *PERSONAL}, key=len, reverse=True)) + r")\b", swap, text,
                  flags=re.IGNORECASE)
    if kept_personal and not changed and not unresolved:
        return Rewrite(text, "pronoun")  # asked as it was, about the last turn's releases
    if unresolved or not text or (not changed and not own_names):
        # the last question's words, not only its subject: "any change in the results?" after "how many samples
        # have been re-tested after the Randox problem?" is about the re-tested samples, not Randox at large
        text = f"{text.rstrip(' ?')} ({_gist(last.question)})?" if text else f"{last.question.rstrip(' ?')}?"
        return Rewrite(text, "elided")
    if not changed:
        return None if text == question else Rewrite(text, "pronoun")  # a kept "he" returned above
    if generic and about and about.lower() not in text.lower():
        # "the new call handlers" are any force's: the last question's subject says whose ("Surrey Police")
        text = f"{text.rstrip(' ?')} ({about})?"
    # "it" made the thing the last answer named: a subject of its own, which other releases may say more about
    return Rewrite(text, "answer" if answered and answered in text else "pronoun")


WHEN_SAID = re.compile(r"(?:19|20)\d\d\b|(?:the\s+)?(?:last|this|next|past)\s+(?:year|month|week)|(?:january|february|"
                       r"march|april|may|june|july|august|september|october|november|december)\b", re.I)


def _substitute(question: str, previous: str) -> str | None:
    """ "what about Stevenage?" after "how many arrests … in Watford?" → "how many arrests … in Stevenage?"."""
    m = SUBSTITUTION.match(question.strip())
    if not m:
        return None
    rest = m.group("rest").strip().rstrip("?").strip()
    if (not rest or VERBS.search(rest) or rest.split()[0].lower() in QUESTION_WORDS or len(rest.split()) > 6
            or any(w.lower() in NEUTER or w.lower() in PERSONAL for w in re.findall(r"[A-Za-z']+", rest))):
        return None  # "and how many arrests did it make?" is a question of its own
    body = previous.rstrip().rstrip("?")
    prep = rest.split()[0].lower() if rest.split()[0].lower() in PREPOSITIONS else None
    thing = rest.split(None, 1)[1] if prep and len(rest.split()) > 1 else rest
    year = YEAR_OR_FINANCIAL.search(rest)
    if year:  # a year for a year, the period said for the last one ("since January"), else added
        if YEAR_OR_FINANCIAL.search(body):
            return YEAR_OR_FINANCIAL.sub(year.group(0), body, count=1) + "?"
        period = PERIOD.search(body)
        if period:  # "and in the whole of 2025?" after "… caught since January?"
            return body[:period.start()] + (rest if prep else f"in {rest}") + body[period.end():] + "?"
        return f"{body} in {year.group(0)}?"
    if prep:  # "for rape offences" for the last question's "for …" phrase, else added with its preposition
        # "at X" for "in Y"; "on" before a name is a place's too ("in Portsmouth" for "on the Isle of Wight")
        alike = "|".join(PLACE_PREPOSITIONS + (r"on(?=\s+(?:the\s+)?[A-Z])",)) if prep in PLACE_PREPOSITIONS else prep
        m = None
        for found in re.finditer(rf"\b(?:{alike})\s+", body, re.IGNORECASE):
            if prep in PLACE_PREPOSITIONS and WHEN_SAID.match(body, found.end()):
                continue  # "in 2025", "in May" says when, not where
            m = found  # the last such phrase: the narrowing one comes last in English questions
        if m:  # the phrase runs to the next preposition or verb: "for burglary" in "arrests for burglary were made"
            end = m.end()
            following = list(re.finditer(r"\S+", body[m.end():]))
            first = next((w.group() for w in following if w.group().lower() != "the"), "")
            for k, w in enumerate(following):
                inside_name = w.group() in ("of", "and", "&") and k + 1 < len(following) and \
                    following[k + 1].group()[:1].isupper()
                if (w.group().lower() in PREPOSITIONS and not inside_name) or VERBS.fullmatch(w.group()):
                    break  # but "of" inside a name runs on ("on the Isle of Wight")
                if first[:1].isupper() and not (w.group()[:1].isupper() or inside_name or w.group().lower() == "the"):
                    break  # a name ends where its capitals do: "at HMNB Portsmouth" of "… tested positive"
                end = m.end() + w.end()
            if end > m.end():
                return body[:m.start()] + f"{prep} {thing}" + body[end:] + "?"
        return f"{body} {prep} {thing}?"
    if is_area(thing):  # a force area for the last one named, else added
        named = area_mentions(body)
        others = [m for m in named if m.group(0) != thing]
        if others:
            return body[:others[-1].start()] + thing + body[others[-1].end():] + "?"
        if not named:
            return f"{body} in {thing}?"
    named = re.sub(r"^the\s+", "", thing)  # "the Eastern Region": a name, said with its article
    strict = [c for c in analyze(previous).constraints if c.kind == "name" and c.strict and not _personal(c.text)]
    if named[:1].isupper() and strict and strict[-1].text in body:  # "Stevenage" for the last place named
        return _swap_name(body, strict[-1].text, thing, named) + "?"
    # a person for the person named ("and Jodie Carver?" after "how long was Kieran Malloy jailed?"), a place for a
    # place ("what about Daventry?" after "… the Brackley front counter …"), never one for the other
    kinds = (_personal(named), _thing(named))
    alike_names = [c.text for c in analyze(previous).constraints if c.kind == "name" and c.text in body
                   and (_personal(c.text), _thing(c.text)) == kinds and c.text != named]
    if named[:1].isupper() and alike_names:
        return _swap_name(body, alike_names[-1], thing, named) + "?"
    counted = _counted(previous)  # "and on-call firefighters?" after "how many special constables …?"
    last_word = thing.split()[-1].lower()
    if counted and thing[:1].islower() and (last_word.endswith("s") or last_word in PLURALS):
        said = re.escape(counted.removeprefix("the "))
        return re.sub(rf"\b{said}\b", thing, body, count=1, flags=re.IGNORECASE) + "?"
    return None  # nothing like it to swap: the other rules read it


def _swap_name(body: str, old: str, thing: str, named: str) -> str:
    """``body`` with the name ``old`` said as ``thing`` instead; ``named`` is ``thing`` without its "the", which
    an article already before ``old`` stands for ("in the Dublin Metropolitan Region" → "in the Eastern Region")."""
    at = body.index(old)
    said = named if re.search(r"\bthe\s+$", body[:at], re.IGNORECASE) else thing
    return body[:at] + said + body[at + len(old):]


def _correct(question: str, previous: str) -> str | None:
    """ "sorry, I meant the police number" after "what's the national helpline number?" → "what's the police
    number?": the last question's phrase ending in the meant phrase's last noun, from its determiner, replaced."""
    m = CORRECTION.match(question)
    meant = m.group("meant").strip() if m else ""
    if not meant:
        return None
    words = list(re.finditer(r"[\w'’\-]+", previous))
    focus = analyze(previous).focus
    counted = _singular(focus.split()[-1]) if focus else None
    for head in [_singular(meant.split()[-1]), counted]:  # the noun the meant phrase ends in, else the one counted
        for at in range(len(words) - 1, -1, -1):
            if head is None or _singular(words[at].group()) != head:
                continue
            start = at
            while start > 0 and not _stops_phrase(words[start - 1].group()):
                start -= 1
            det = start > 0 and words[start - 1].group().lower() in DETERMINERS
            if det or head == counted:  # a noun, not "… cost?" the verb
                return _replace(previous, words, start, at, meant, det)
    return None


def _replace(previous: str, words: list[re.Match], start: int, at: int, meant: str, det: bool) -> str:
    if det and meant.split()[0].lower() in DETERMINERS:
        start -= 1  # "the police number" takes the place of "the national … number", its "the" too
    body = previous[:words[start].start()] + meant + previous[words[at].end():]
    return body.rstrip().rstrip("?") + "?"


def _singular(word: str) -> str:
    w = word.lower().strip("'’")
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def _stops_phrase(word: str) -> bool:
    """Whether a word ends a noun phrase read backwards: a determiner, preposition, verb or question word."""
    w = word.lower()
    return (w in DETERMINERS or w in PREPOSITIONS or w in QUESTION_WORDS or w in ("many", "much")
            or bool(VERBS.fullmatch(w)) or "'" in w or "’" in w)


def _said_as_place(name: str, question: str) -> bool:
    """Whether a question says a name after a place's preposition ("missing on Mount Usborne", "hurt in the Great
    Sound collision"): a where, not someone "he" or "she" can stand for."""
    prepositions = "|".join(PLACE_PREPOSITIONS + ("on", "from", "to"))
    return re.search(rf"\b(?:{prepositions})\s+(?:the\s+)?{re.escape(name)}\b", question) is not None


def _personal(name: str) -> bool:
    """Whether a name reads like a person's or a role's ("David Lloyd", "the Police and Crime Commissioner")."""
    words = re.findall(r"[A-Za-z]+", name)
    if any(w.lower() in PERSON_NOUNS or w.lower() in ROLE_INITIALS for w in words):
        return True
    return bool(re.fullmatch(r"(?:the )?[A-Z][a-z'’\-]+(?: [A-Z]\.?)?(?: [A-Z][a-z'’\-]+){1,2}", name)) and \
        not any(w.lower() in NAME_WORDS for w in words) and words[-1] not in PLACE_ENDINGS  # not "Riverside Quay"


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
