"""The reading answerer (the default): the reader's span, checked, or a refusal that says what is missing.

1. The question is analysed (:mod:`qa.questions`): expected type and constraints.
2. A name of the question that no retrieved passage mentions → refuse (``no_evidence``).
3. The reader (:mod:`qa.reader`) reads every passage; its best spans are the candidates.
4. Each candidate is checked (:mod:`qa.answerers.checks`): it must be of the expected
   type, its sentence or the sentences beside it (and back over sentences that open with a pronoun, "He was
   jailed …", to the one that named them) must support every strict constraint
   ("in Watford alone", "in 2015"; a body the release names in full may be said there by its head, "the
   Constabulary"), for a count its own sentence must say the counted noun ("arrests"), and
   its release every other named thing; it must not restate the question (a span of the
   question's own words or names), and a figure must be a short phrase, not a clause. The
   best-scoring candidate that passes is chosen. None passes → refuse with
   ``wrong_type`` (no candidate of the asked-for type) or ``constraint_missing``.
5. A logistic model over the reader's scores and the checks' evidence (``FEATURES``),
   fitted by ``qa calibrate-reader`` on training data only, gives the probability that the
   chosen span answers; below the threshold → refuse (``below_threshold``). One feature is a
   second look: the reader reads the chosen span's sentence and the one on each side of it
   alone, and its best margin there is ``local`` (a near-miss question's span often wins in
   the whole passage but not in its own sentences). Chosen on tune data: the calibration's
   objective rose 124.3 → 125.8 with it (the sentence alone, no neighbours: 125.2; adding
   whether the second look picks the same span: no gain); it costs one more reader call,
   about 20 ms, on the chosen candidate only.
6. Otherwise the short answer comes first, then its sentence: "157 arrests [1]. More than
   12,000 hours … and 157 arrests have been made … [1]." ``short_answer`` carries the
   span's offsets in the release.

When the question speaks of time (a :class:`~qa.timeframe.Timeframe` from the service): a
year or period the answer's sentence does not name is supported by its release's date when
the release was published within that (short) period and the sentence names no other year
(:meth:`~qa.timeframe.Timeframe.dated_support`); and when it asks for what holds now, the
latest of the competing candidates is chosen and an older release's different answer is
mentioned ("Earlier, 12 May 2016: Alex Morgan [2].", :mod:`qa.answerers.dating`).

A refusal says what the releases do say: "The releases don't say how many arrests
Operation Hotspot made in Watford alone. They say: … [1]", citing the nearest passages.
When the reader cannot load (no weights file), the sentence-picking extractive answerer
answers instead, with a note.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.answer import ABSTAIN_TEXT, Answer, Earlier, ShortAnswer
from qa.answerers import checks, dating, spans, tables
from qa.answerers.extractive import ExtractiveAnswerer, _end, _tidy, abstention, citation, content_words
from qa.chunks import sentences
from qa.errors import ConfigError
from qa.passages import Passage
from qa.questions import Analysis, Constraint, QuestionAnalyzer, RuleAnalyzer, indirect
from qa.reader import Reader, Reading, Span
from qa.timeframe import Timeframe

CALIBRATION = Path(__file__).resolve().parent.parent / "reader" / "abstain.json"
FEATURES = ("margin", "best_margin", "score", "null", "is_top", "overlap", "sentence_overlap", "topic_cover",
            "typed", "rank", "local")


# A sentence ending inside a span: a word of two small letters or more, its stop, and a capital ("Mr. Smith" and
# "St. Albans" are not)
SENTENCE_INSIDE = re.compile(r"[a-z]{2}[.!?]\s+[A-Z]")
# Beside a span, the rest of its number: "103" of "1,103", "1" of "1.5"
NUMBER_BEFORE, NUMBER_AFTER = re.compile(r"\d[,.]?\Z"), re.compile(r"\A[,.]?\d")
# A count of what the sentence before named: "Most of the offences were curtain-slashing. There were 104 of these"
OF_THESE = re.compile(r"[ \t]+(?:of|among)[ \t]+(?:these|those|them)\b")
PRONOUN_OPENING = re.compile(r"\s*(?:He|She|They|It|His|Her|Their|Its)\b")
TYPE_NAMES = {"count": "a number", "money": "an amount of money", "percentage": "a percentage", "date": "a date",
              "duration": "a length of time", "person": "a name", "organisation": "an organisation's name",
              "place": "a place", "contact": "a phone number or address"}


@dataclass
class Candidate:
    span: Span
    passage: Passage
    sentence: tuple[int, int]  # offsets of the span's sentence in the passage text
    type_ok: bool
    strict_missing: list[Constraint]
    topic_missing: list[Constraint]
    features: dict[str, float] = field(default_factory=dict)
    by_date: list[Constraint] = field(default_factory=list)  # strict constraints its release's date supports
    near: tuple[int, int] = (0, 0)  # offsets of its sentence with the one on each side (the nearness window)

    @property
    def passes(self) -> bool:
        return self.type_ok and not self.strict_missing and not self.topic_missing


@dataclass
class Decision:
    analysis: Analysis
    candidates: list[Candidate]
    chosen: Candidate | None
    reason: str | None  # None: answer
    probability: float | None = None
    note: str | None = None
    earlier: Candidate | None = None  # an older release's different answer (a question asking for the latest)


class AbstainModel:
    """P(the chosen span answers) = logistic(w · standardised features + b); refuse below ``threshold``."""

    def __init__(self, weights: dict[str, float], intercept: float, mean: dict[str, float],
                 scale: dict[str, float], threshold: float, meta: dict | None = None) -> None:
        self.weights, self.intercept, self.mean, self.scale = weights, intercept, mean, scale
        self.threshold = threshold
        self.meta = meta or {}

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> AbstainModel | None:
        if not path.exists():
            return None
        d = json.loads(path.read_text())
        return cls(d["weights"], d["intercept"], d["mean"], d["scale"], d["threshold"], d.get("meta"))

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(w * (features[k] - self.mean[k]) / (self.scale[k] or 1.0)
                                 for k, w in self.weights.items())
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        return json.dumps({"weights": self.weights, "intercept": self.intercept, "mean": self.mean,
                           "scale": self.scale, "threshold": self.threshold, "meta": self.meta}, indent=2)


class ReadingAnswerer:
    name = "reader"

    def __init__(self, reader: Reader, fallback: ExtractiveAnswerer, analyzer: QuestionAnalyzer | None = None,
                 model: AbstainModel | None = None, threshold: float | None = None, spans_per_passage: int = 5,
                 release_text=None) -> None:
        if spans_per_passage < 1:
            raise ValueError(f"spans_per_passage must be at least 1, got {spans_per_passage}")
        self.reader = reader
        self.fallback = fallback
        self.analyzer = analyzer or RuleAnalyzer()
        self.model = model
        self.threshold = threshold if threshold is not None else (model.threshold if model else 0.5)
        self.spans_per_passage = spans_per_passage
        self.release_text = release_text  # release id → its body, for checks against the whole release

    # -- the steps -------------------------------------------------------------------------------------------
    def unknown_names(self, analysis: Analysis, bodies: dict[str, str], areas: set[str] = frozenset()) -> list[str]:
        """Names of the question that no retrieved passage's release (``bodies``, from ``_bodies``) mentions. An
        acronym that no capitalised phrase spells out may still be another name for something there ("the PCC"
        in releases that say "the Commissioner"), so it does not count here; the checks and the calibrated model
        weigh it. Nor does a force whose own releases were read (``areas``): "Essex Police" publishes a release
        that never names itself."""
        text = "\n".join(bodies.values())
        names = [c for c in analysis.constraints if c.kind == "name" and not checks.is_acronym(c.text)
                 and not any(checks.own_area(c.text, a) for a in areas)]
        return [c.text for c in checks.missing(names, text)]

    def _bodies(self, passages: list[Passage]) -> dict[str, str]:
        """Each passage's whole release (title and body) when a lookup was given, else its retrieved passages."""
        out: dict[str, str] = {}
        for p in passages:
            if p.release_id in out:
                continue
            body = self.release_text(p.release_id) if self.release_text else None
            out[p.release_id] = f"{p.title}\n{body}" if body else "\n".join(
                [p.title] + [q.text for q in passages if q.release_id == p.release_id])
        return out

    def read(self, question: str, passages: list[Passage]) -> list[Reading]:
        return self.reader.read_batch([question], [[p.text for p in passages]], self.spans_per_passage)[0]

    def candidates(self, analysis: Analysis, passages: list[Passage], readings: list[Reading],
                   bodies: dict[str, str], timeframe: Timeframe | None = None,
                   said: str | None = None) -> list[Candidate]:
        qstems = {spans.stem(w) for w in content_words(analysis.question)}
        names = [c for c in analysis.topic if c.kind == "name"]
        # The topic's names must be near the answer too, not only somewhere in its release: a near-miss
        # question's named thing is in the release, but the fact beside the answer is about something else.
        # Near is the answer's sentence, its neighbours, or what the release is about (its title and lead).
        # An acronym may be said another way there ("the PCC" as "the Commissioner"), so it is not asked for.
        # A follow-up's rewrite (``said``: what the person typed) carries names from the last turn: they are
        # the conversation's topic, which the release must mention, not words the answer's sentence repeats
        # ("and what did it cost?" is answered by "The scheme cost £40,000", which needn't name it again).
        near = [c for c in names if not checks.is_acronym(c.text)
                and (said is None or c.text.lower() in said.lower())]
        # The release-level checks depend on the release only: once per release, not once per span.
        areas = {p.release_id: p.area for p in passages}
        # A force its own release never names ("Essex Police" in Essex Police's release) is the publisher: not asked
        # for near the answer. Where the release names it, near the answer it must be (a release may quote another).
        not_in_lead = {rid: [m for m in checks.missing(near, _lead(body)) if not (
            checks.own_area(m.text, areas[rid]) and not checks.name_supported(m.text, body))]
            for rid, body in bodies.items()}
        # A name the rewrite carried from the last turn is the conversation's topic even where the rewrite made it
        # narrowing ("How much cash did Gareth Lowther's officers seize?" for "… his officers …"): its release must
        # mention it, its answer's sentence need not.
        carried = [c for c in analysis.strict if said is not None and c.kind == "name"
                   and c.text.lower() not in said.lower()]
        strict = [c for c in analysis.strict if c not in carried]
        named = [c for c in [*strict, *near] if c.kind == "name"]  # said near a figure, as one of a list or not
        topic_missing = {rid: [m for m in checks.missing(analysis.topic + carried, body)
                               if not checks.own_area(m.text, areas[rid])] for rid, body in bodies.items()}
        # A release that holds not one content word of the question ("bins", "cost", "install") is about something
        # else: a figure in it cannot answer ("£60,000" of recovered property for what the bins cost).
        asked = list(dict.fromkeys(w.lower() for w in content_words(analysis.question)))
        for rid, body in bodies.items():
            if asked and not qstems & {spans.stem(w) for w in content_words(body)}:
                topic_missing[rid] = topic_missing[rid] + [Constraint("noun", w, False) for w in asked[:3]]
        topic_cover = {rid: 1 - len([m for m in checks.missing(names, body) if not checks.own_area(m.text, areas[rid])])
                       / max(1, len(names)) for rid, body in bodies.items()}
        # "how many times" counts occasions however they are said ("on 11 occasions", "twice"), and "how many people"
        # any people ("seven men were arrested"): no noun to find
        focus = [_counted(analysis)] if analysis.expected == "count" and analysis.focus and \
            checks.plural(_head(analysis.focus)) and len(analysis.focus) > 3 and \
            analysis.focus not in ("times", "people") else []
        dated_only = not checks.asks_publishing(analysis.question)  # datelines answer only a question about them
        # A year asked alone, not a span of years ("between 2021 and 2024", "the 2025-26 season"), whose figures a
        # sentence may give beside both of its ends
        years = [c for c in strict if c.kind == "year"]
        one_year = years if len(years) == 1 and not checks.YEAR_SPAN.search(analysis.question) else []
        openings: dict[str, str] = {}  # a release's title and first sentence, the year it is of: read when asked

        def opening(rid: str) -> str:
            if rid not in openings:
                openings[rid] = _opening(bodies[rid])
            return openings[rid]

        tops = [r.spans[0] for r in readings if r.spans]
        best_margin = max((s.margin for s in tops), default=-20.0)
        top = max(tops, key=lambda s: s.score, default=None)
        out, body_bounds = [], {}
        others = {rid: tuple(b for r, b in bodies.items() if r != rid) for rid in bodies}  # the other releases read
        for r in readings:
            p = passages[r.passage]
            bounds = [(s.start, s.end) for s in sentences(p.text)] or [(0, len(p.text))]
            todo = list(r.spans)
            if todo and analysis.expected in checks.FIGURES:
                todo += [replace(todo[0], start=a, end=b, text=p.text[a:b])
                         for a, b in _named_figures(p.text, bounds, named, analysis)
                         if all((x.start, x.end) != (a, b) for x in todo)]  # not "22" of "22 at RAF Marham and 14"
            for sp in todo:  # the reader's spans, the figures the question's names are given, and their cells
                sp = _with_sign(sp, p.text, analysis.expected)
                if ("\n" in sp.text.strip() or not sp.text.strip() or SENTENCE_INSIDE.search(sp.text)
                        or " | " in sp.text):
                    continue  # a span across a line break joins two lines (a heading and a sentence), not a fact;
                    # nor one across a table's cells ("21 | 32"), nor one across a sentence's end the splitter left
                    # inside a quote ("Chief Constable. It's …")
                if NUMBER_BEFORE.search(p.text[max(0, sp.start - 2):sp.start]) or (
                        sp.text[-1:].isdigit() and NUMBER_AFTER.search(p.text[sp.end:sp.end + 2])):
                    continue  # a span cut out of a number ("103" of "1,103") is not the number said
                k = next((i for i, (a, b) in enumerate(bounds) if a <= sp.start < b), 0)
                sentence = bounds[k]
                if sp.end > sentence[1] + 1 and p.text[sentence[1]:sp.end].strip():
                    continue  # a span past its sentence's end ("16 and 52. Eleven") joins two facts, as across lines
                if dated_only and checks.dateline(p.text[sentence[0]:sentence[1]]):
                    continue  # "Published: 2 February 2024" is when the release went out, not when they were arrested
                near = (bounds[max(0, k - 1)][0], bounds[min(len(bounds) - 1, k + 1)][1])
                # A sentence that goes on about someone already named ("He was stopped … He was jailed for 14 weeks",
                # after "One of those arrested, Adrian Voicu, …") leans on the one that named them: the window reaches
                # back over sentences that open with a pronoun, two at most.
                start = max(0, k - 1)
                while start > 0 and k - start < 3 and PRONOUN_OPENING.match(p.text[bounds[start][0]:bounds[start][1]]):
                    start -= 1
                window = p.title + "\n" + p.text[bounds[start][0]:near[1]]
                own = p.text[sentence[0]:sentence[1]]
                cell = _cell(p, sp, bodies[p.release_id])
                if cell is not None:  # a table's figure is said of its row, column and caption, not the next rows
                    own = cell.said + "\n" + tables.line_at(p.text, sp.start)[2]
                    window = p.title + "\n" + own
                    # The reader found the table, but the question names another row: that row's cell in the same
                    # column is a candidate too, read as the reader read this one ("North Western Region: €98,000"
                    # where it took the first row's "€171,000").
                    for m in named:
                        at = tables.sibling(p.text, sp.start, m.text) if not checks.supported(m, own) else None
                        if at and all(x.start != at[0] for x in todo):
                            todo.append(replace(sp, start=at[0], end=at[1], text=p.text[at[0]:at[1]]))
                # A count counts its noun in its own sentence ("made 157 arrests", "157 people were arrested"):
                # a count beside a sentence that names the noun counts something else.
                counted = own
                if cell is None and (OF_THESE.match(p.text, sp.end) or checks.WHOLE_TAKEN_APART.match(own)):
                    # "104 of these", "Of the 52 positive results, 9 were at HMNB Clyde": the sentence before's noun,
                    # in the release where the passage starts at this sentence
                    counted = _sentence_before(p, sp, bounds, k, bodies[p.release_id], body_bounds) + " " + own
                strict_missing = (checks.missing(strict + not_in_lead[p.release_id], window)
                                  + checks.missing(focus, counted))
                # "23 arrests" counts arrests, whatever its sentence says of the county lines asked about
                last = list(checks.FIGURE.finditer(sp.text))
                if cell is not None and cell.header:  # a column's header is what its figures count
                    after = " " + cell.header.lower()
                else:
                    after = sp.text[last[-1].end():] + p.text[sp.end:] if last else ""
                item = checks.item_asked(analysis.question, own, analysis.focus) if cell is None and focus else None
                asked_item = item is not None and spans.overlaps(sentence[0] + item[0], sentence[0] + item[1],
                                                                 sp.start, sp.end)
                if focus and last and focus[0] not in strict_missing and not asked_item and checks.counts_other(
                        analysis.focus, after):  # (but "16 dachshunds" counts the dogs asked "how many … were
                    # dachshunds?")
                    strict_missing = strict_missing + focus
                if analysis.expected in checks.FIGURES:  # beside "St Asaph, Caernarfon and Wrexham": all three's;
                    # beside "Sentinel has a top speed of 38 knots": Sentinel's, not the Calpe Guardian's
                    given = [m for m in named if checks.listed_only(m.text, window, analysis.question)
                             or checks.rival_named(m.text, own, sp.text, bodies[p.release_id], analysis.question)]
                else:
                    given = []  # the names a figure near this one is said of: not this one's, however near they are
                if not checks.says_part(analysis.subset, own):  # "how many of the 19 … come from Xylofagou?"
                    strict_missing = strict_missing + [Constraint("predicate", " or ".join(analysis.subset), True)]
                negated = checks.negation_unsaid(analysis.question, window)
                if negated:  # "which forces did not answer?" beside "answered by 39 of the 43 forces"
                    strict_missing = strict_missing + [Constraint("predicate", negated, True)]
                kind = checks.kind_unsaid(analysis.question, analysis.focus, counted, window, bodies[p.release_id],
                                          others[p.release_id]) if analysis.expected in checks.FIGURES else None
                if kind:  # "the advisory list" asked, "the police barred list" said
                    strict_missing = strict_missing + [Constraint("predicate", kind, True)]
                if cell is None and one_year:  # "In 2025 … received 4,870, up from 3,960 in 2024": 4,870 is 2025's
                    strict_missing = strict_missing + [c for c in one_year if c not in strict_missing and (
                        checks.year_of_other(c.text, own, sp.start - sentence[0], sp.end - sentence[0])
                        or checks.only_other_year(c.text, own, sp.start - sentence[0], sp.end - sentence[0])
                        or checks.relative_year_of_other(c.text, own, p.published))]
                if cell is None and analysis.expected in checks.FIGURES:  # "58 thefts at the ponds" beside "the
                    # Kenwood Ladies' Pond 12": a name given its own figure in a list near this one is not this one's
                    text, near_bounds, at = _around(p, sp, bodies[p.release_id], bounds, k, body_bounds)
                    given = given + [m for m in named if m not in given and _given_other(
                        m, text, near_bounds, at, at + len(sp.text), analysis.expected)]
                    # "19 arrests" beside "… 5 for assaults": the item the question asks for, named in lower case
                    other_item = _asked_other(analysis, text, near_bounds, at, at + len(sp.text))
                    if other_item:
                        strict_missing = strict_missing + [Constraint("predicate", other_item, True)]
                by_date = [m for m in strict_missing if timeframe and timeframe.dated_support(
                    m.kind, m.text, p.published, window) or m.kind in ("year", "time") and cell is None
                    and checks.year_of_release(m.text, own, opening(p.release_id))]
                # A name not said near the answer may be said short there, or be the release's only area or territory
                # (every fact of it is that name's); not a name a figure near this one is said of (``given``).
                strict_missing = [m for m in strict_missing if m not in by_date and not (
                    m.kind == "name" and (checks.said_short(m.text, window, bodies[p.release_id])
                                          or checks.sole_area(m.text, bodies[p.release_id])
                                          or checks.declared_area(m.text, p.area, bodies[p.release_id])
                                          or _still_about(m.text, p, sp, bodies[p.release_id], body_bounds,
                                                          analysis.question)
                                          or checks.own_territory(m.text, bodies[p.release_id])
                                          or checks.own_commissioner(m.text, p.area, window)))]
                strict_missing = strict_missing + [m for m in given if m not in strict_missing]
                words_window = {spans.stem(w) for w in content_words(window)}
                words_own = {spans.stem(w) for w in content_words(own)}
                shaped = checks.shaped(analysis, sp.text, p.text[sentence[0]:sp.start], p.text[sp.end:]) and not (
                    analysis.expected in ("place", "person") and checks.body_acronym(sp.text, bodies[p.release_id]))
                cand = Candidate(sp, p, sentence, shaped and checks.compact(analysis.expected, sp.text),
                                 strict_missing, topic_missing[p.release_id], by_date=by_date, near=near)
                cand.features = {
                    "margin": sp.margin, "best_margin": best_margin, "score": sp.score, "null": sp.null,
                    "is_top": float(sp is top), "overlap": len(qstems & words_window) / max(1, len(qstems)),
                    "sentence_overlap": len(qstems & words_own) / max(1, len(qstems)),
                    "topic_cover": topic_cover[p.release_id],
                    "typed": float(analysis.expected not in ("description", "list")),
                    "rank": r.passage / max(1, len(passages))}
                out.append(cand)
        return sorted(out, key=lambda c: -c.span.score)

    def decide(self, question: str, passages: list[Passage], timeframe: Timeframe | None = None,
               said: str | None = None) -> Decision:
        """Answer or refuse ``question`` from ``passages``; ``said``: the follow-up as typed, when ``question`` is
        its rewrite (names it does not hold came from the conversation)."""
        analysis = self.analyzer.analyze(question)
        if not passages:
            return Decision(analysis, [], None, "no_evidence", note="no release matches the question")
        bodies = self._bodies(passages)
        unknown = self.unknown_names(analysis, bodies, {p.area for p in passages if p.area})
        if unknown:
            return Decision(analysis, [], None, "no_evidence", note=f"no release found mentions {', '.join(unknown)}")
        found = self.candidates(analysis, passages, self.read(question, passages), bodies, timeframe, said)
        valid = [c for c in found if c.passes]
        if not found:
            return Decision(analysis, [], None, "below_threshold", note="the reader found no answer span")
        if not valid:
            typed = [c for c in found if c.type_ok]
            if typed:
                gaps = sorted({m.text for c in typed[:5] for m in c.strict_missing + c.topic_missing})
                note = f"nothing near a candidate answer mentions {', '.join(gaps)}" if gaps else None
                return Decision(analysis, found, found[0], "constraint_missing", note=note)
            return Decision(analysis, found, found[0], "wrong_type",
                            note=f"no passage gives {TYPE_NAMES.get(analysis.expected, 'an answer')}")
        chosen, earlier = valid[0], None
        if analysis.expected == "count" and checks.vague_count(chosen.span.text):  # "dozens", where "63" is said too
            chosen = next((c for c in valid if not checks.vague_count(c.span.text)), None)
            if chosen is None:  # "several recommendations" says no number
                return Decision(analysis, found, valid[0], "wrong_type",
                                note=f"no passage gives a number, only “{valid[0].span.text}”")
        if timeframe is not None and (timeframe.recent or timeframe.present):
            chosen, earlier = dating.latest(valid, text=lambda c: _short(analysis, c))
        chosen.features["local"] = self._local(question, chosen)
        p = self.model.probability(chosen.features) if self.model else None
        if p is not None and p < self.threshold:
            return Decision(analysis, found, chosen, "below_threshold", p,
                            note=f"the best candidate, “{chosen.span.text}”, scored {p:.2f}, "
                                 f"below the threshold {self.threshold:.2f}")
        return Decision(analysis, found, chosen, None, p, earlier=earlier)

    def _local(self, question: str, c: Candidate) -> float:
        """The reader's margin for its best span when it reads only the chosen span's sentence and the ones
        beside it."""
        r = self.reader.read_batch([question], [[c.passage.text[c.near[0]:c.near[1]]]], 1)[0][0]
        return max((sp.margin for sp in r.spans), default=-20.0)

    # -- the answer ------------------------------------------------------------------------------------------
    def answer(self, question: str, passages: list[Passage], timeframe: Timeframe | None = None) -> Answer:
        return self.answer_decided(question, passages, timeframe)[0]

    def answer_decided(self, question: str, passages: list[Passage], timeframe: Timeframe | None = None,
                       said: str | None = None) -> tuple[Answer, Decision | None]:
        """The answer and the decision behind it (None when the sentence picker answered instead)."""
        t0 = time.perf_counter()
        try:
            decision = self.decide(question, passages, timeframe, said)
        except ConfigError as exc:
            answer = self.fallback.answer(question, passages)
            answer.note = f"the reader is unavailable ({exc}); the sentence picker answered"
            return answer, None
        answer = self.refusal(question, passages, decision) if decision.reason else self.compose(question, decision)
        answer.confidence = decision.probability
        answer.timings_ms["answer"] = (time.perf_counter() - t0) * 1000
        return answer, decision

    @staticmethod
    def short_text(d: Decision, candidate: Candidate | None = None) -> str:
        """The short answer of a decision's chosen (or the given) candidate: its span, with a count's unit."""
        return _short(d.analysis, candidate or d.chosen)

    def compose(self, question: str, d: Decision) -> Answer:
        c = d.chosen
        assert c is not None
        p, sp = c.passage, c.span
        a, b = c.sentence
        short = self.short_text(d)
        cite = citation(1, p, a, b)
        sentence = _tidy(p.text[a:b])
        text = f"{_end(short + ' [1]')} {_end(sentence + ' [1]')}" if _tidy(short) != sentence else _end(sentence + " [1]")
        answer = Answer(question=question, answer=text, abstained=False, citations=[cite], answerer=self.name,
                        short_answer=ShortAnswer(text=short, n=1, start=p.start + sp.start,
                                                 end=p.start + sp.start + len(short)))
        e = d.earlier
        if e is not None and e.passage.published:
            before = self.short_text(d, e)
            answer.citations.append(citation(2, e.passage, *e.sentence))
            answer.earlier = Earlier(text=before, n=2, published=e.passage.published[:10])
            answer.answer += f" Earlier, {dating.long_date(e.passage.published)}: {_end(before + ' [2]')}"
        return answer

    def refusal(self, question: str, passages: list[Passage], d: Decision) -> Answer:
        clause = indirect(question)
        said = f"The releases don't say {clause}." if clause else ABSTAIN_TEXT
        answer = abstention(question, passages, note=d.note, answerer=self.name)
        answer.reason = d.reason
        nearest = d.chosen or (d.candidates[0] if d.candidates else None)
        if nearest is not None and d.reason != "no_evidence":
            a, b = nearest.sentence
            first = citation(1, nearest.passage, a, b)
            rest = [c for c in answer.citations if c.release_id != first.release_id]
            answer.citations = [first] + [c.model_copy(update={"n": i}) for i, c in enumerate(rest, 2)]
            answer.answer = f"{said} They say: {_end(_tidy(nearest.passage.text[a:b]) + ' [1]')}"
        else:
            answer.answer = said + answer.answer[len(ABSTAIN_TEXT):]
        return answer


def _lead(body: str, n: int = 2) -> str:
    """A release's title (its first line) and the first ``n`` sentences after it that are not a dateline
    ("Published: 14 March 2024"): what the release is about."""
    title, _, rest = body.partition("\n")
    said = (rest[s.start:s.end] for s in sentences(rest))
    # A page's heading is often its body's first line too (a web page's <h1>, kept by the extractor): the
    # title said again is not one of the lead's sentences.
    heading = _bare(title)
    return title + "\n" + " ".join([t for t in said if not checks.dateline(t) and _bare(t) != heading][:n])


def _opening(body: str) -> str:
    """A release's title and its first sentence proper: eight words at least, ended as a sentence, not a dateline,
    so past the headings a plain-text release opens with ("POLICE OMBUDSMAN FOR NORTHERN IRELAND", "News release")."""
    title, _, rest = body.partition("\n")
    said = (rest[s.start:s.end] for s in sentences(rest))
    return title + "\n" + next((t for t in said if len(t.split()) >= 8 and t.rstrip()[-1:] in ".!?\"”"
                                 and not checks.dateline(t)), "")


def _bare(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _in_release(p: Passage, sp: Span, body: str) -> int | None:
    """Where a passage's span starts in its whole release's text (title, then body), or None where ``body`` is not
    the release's whole text (only its retrieved passages)."""
    at = len(p.title) + 1 + p.start + sp.start
    return at if body[at:at + len(sp.text)] == sp.text else None


def _sentence_before(p: Passage, sp: Span, bounds: list[tuple[int, int]], k: int, body: str,
                     cache: dict[str, list[tuple[int, int]]]) -> str:
    """The sentence before the span's (the ``k``-th of the passage): in the passage, else in the whole release where
    the passage starts at the span's sentence ("" when there is none)."""
    if k > 0:
        return p.text[bounds[k - 1][0]:bounds[k - 1][1]]
    found = _in_release_sentences(p, sp, body, cache)
    if found is None or found[1] == 0:
        return ""
    whole, kb, _ = found
    return body[whole[kb - 1][0]:whole[kb - 1][1]]


def _still_about(name: str, p: Passage, sp: Span, body: str, cache: dict[str, list[tuple[int, int]]],
                 question: str) -> bool:
    """Whether the release is still about ``name`` at the span's sentence (:func:`checks.still_about`), read in the
    whole release where its text is at hand."""
    found = _in_release_sentences(p, sp, body, cache)
    if found is None:
        return False
    whole, kb, _ = found
    return checks.still_about(name, body, whole, kb, question, sp.text)


def _cell(p: Passage, sp: Span, body: str) -> tables.Cell | None:
    """The table cell a span is in, read in its whole release (a chunk may start below the table's header) where
    the release's text is at hand, else in the passage."""
    at = _in_release(p, sp, body)
    return tables.cell_at(body, at) if at is not None else tables.cell_at(p.text, sp.start)


def _named_figures(text: str, bounds: list[tuple[int, int]], named: list[Constraint],
                   analysis: Analysis) -> list[tuple[int, int]]:
    """Where the passage gives a figure to what the question names: the item of a sentence's list of figures that
    says a name of the question ("11 at the Langton Dock"), and the cell of a table's row the question names
    (:func:`tables.named_cells`). The reader, finding the list or the table by the question's words, often takes its
    first figure or the total before it."""
    found = []
    for a, b in bounds:
        for at in [checks.figure_of(m.text, text[a:b]) for m in named] + [
                checks.item_asked(analysis.question, text[a:b], analysis.focus)]:
            if at:
                found.append((a + at[0], a + at[1]))
    return list(dict.fromkeys(found + tables.named_cells(text, analysis.question)))  # a name's item may be asked too


NEAR_LIST = 2  # sentences either side of a figure in which a list may give the asked-for name its own


def _around(p: Passage, sp: Span, body: str, bounds: list[tuple[int, int]], k: int,
            cache: dict[str, list[tuple[int, int]]]) -> tuple[str, list[tuple[int, int]], int]:
    """The text around a span, its sentences within :data:`NEAR_LIST` of the span's (the span's own in the middle)
    and where the span starts in it: read in the whole release where its text is at hand (a list may be in the
    next chunk), else in the passage."""
    found = _in_release_sentences(p, sp, body, cache)
    if found is not None:
        whole, kb, at = found
        return body, whole[max(0, kb - NEAR_LIST):kb + NEAR_LIST + 1], at
    return p.text, bounds[max(0, k - NEAR_LIST):k + NEAR_LIST + 1], sp.start


def _in_release_sentences(p: Passage, sp: Span, body: str, cache: dict[str, list[tuple[int, int]]]
                          ) -> tuple[list[tuple[int, int]], int, int] | None:
    """The release's sentence bounds (cached per release), which of them holds the span, and where the span starts
    in the release: None where ``body`` is not the release's whole text."""
    at = _in_release(p, sp, body)
    if at is None:
        return None
    whole = cache.setdefault(p.release_id, [(s.start, s.end) for s in sentences(body)])
    return whole, next((i for i, (a, b) in enumerate(whole) if a <= at < b), 0), at


def _given_other(name: Constraint, text: str, near: list[tuple[int, int]], start: int, end: int,
                 expected: str) -> bool:
    """Whether a list of figures (:func:`checks.figure_of`) in a sentence ``near`` the figure at ``start:end`` of
    ``text`` gives ``name`` a figure of its own, of the expected kind, that is not this one, or leaves it in its rest
    with none (:func:`checks.left_in_the_rest`): in the figure's own sentence, or in another where its own does not
    say the name."""
    own = next((t for t in near if t[0] <= start < t[1]), None)
    for a, b in near:
        if (a, b) != own and own is not None and checks.supported(name, text[own[0]:own[1]]):
            continue
        at = checks.figure_of(name.text, text[a:b])
        if at and checks.type_ok(expected, text[a + at[0]:a + at[1]]) and not spans.overlaps(a + at[0], a + at[1],
                                                                                              start, end):
            return True
        if checks.left_in_the_rest(name.text, text[a:b]):  # "… with the remaining 25, among them RAF Valley"
            return True
    return False


def _asked_other(analysis: Analysis, text: str, near: list[tuple[int, int]], start: int, end: int) -> str | None:
    """The item of a list of figures in a sentence ``near`` the figure at ``start:end`` of ``text`` that the question
    asks for by its words (:func:`checks.item_asked`, "5 for assaults"), where that item's figure is not this one:
    the item's text, or None."""
    for a, b in near:
        at = checks.item_asked(analysis.question, text[a:b], analysis.focus)
        if at and not spans.overlaps(a + at[0], a + at[1], start, end):
            item = next((text[a + x:a + y] for x, y, fs, _ in checks.list_items(text[a:b]) if fs == at[0]), "")
            if not checks.item_of_type(analysis.expected, item or text[a + at[0]:a + at[1]]):
                continue  # a list of counts is no rival to a length of time
            return item.strip(" ,;:.") or text[a + at[0]:a + at[1]]
    return None


def _head(focus: str) -> str:
    """The counted noun of a focus: its last word before a preposition ("complaints" of "complaints about
    police")."""
    return re.split(r"\s+(?:about|of|for|against|on|in|at|from|by|with|to)\s+", focus)[0].split()[-1]


def _counted(analysis: Analysis) -> Constraint:
    """The counted noun a count's own sentence must say, the focus's head (:func:`_head`): as a word ("arrests"),
    or, when the question wrote it as an acronym ("PCSOs"), as a name the sentence may spell out ("police
    community support officers")."""
    noun = _head(analysis.focus)
    said = re.search(rf"\b{re.escape(noun)}\b", analysis.question, re.I)
    if said and checks.is_acronym(said.group()):
        return Constraint("name", said.group(), True)
    return Constraint("noun", noun, True)


def _short(analysis: Analysis, c: Candidate) -> str:
    end = _extend_unit(c.passage.text, c.span.end, analysis.focus)
    return c.passage.text[c.span.start:end].strip(" ,;:")


PERCENT_AFTER = re.compile(r"[ \t]?(?:%|per[ \t]?cent\b|percent\b)")
CURRENCY_BEFORE = re.compile(r"[£$€]\Z")


def _with_sign(sp: Span, text: str, expected: str) -> Span:
    """A bare figure the reader cut from its sign, given it back where the question asks for that kind: "21" of "21
    per cent" for a percentage, "640,000" of "£640,000" for money, a reference's part its whole (the reader's span
    boundaries are its weakest part; a bare figure would fail the type check and leave a weaker span of the same fact
    to answer)."""
    if expected == "contact":  # "LL/2026/07" of "IOPC/LL/2026/07": a reference is its whole token
        start, end = sp.start, sp.end
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "/-") and "/" in text[start - 1:end + 1]:
            start -= 1
        while end < len(text) and (text[end].isalnum() or text[end] in "/-") and "/" in text[start:end + 1]:
            end += 1
        return replace(sp, start=start, end=end, text=text[start:end]) if (start, end) != (sp.start, sp.end) else sp
    if not re.fullmatch(r"\d[\d,.]*", sp.text):
        return sp
    if expected == "percentage" and (m := PERCENT_AFTER.match(text, sp.end)):
        return replace(sp, end=m.end(), text=text[sp.start:m.end()])
    if expected == "money" and CURRENCY_BEFORE.search(text, 0, sp.start):
        return replace(sp, start=sp.start - 1, text=text[sp.start - 1:sp.end])
    return sp


def _extend_unit(text: str, end: int, focus: str | None) -> int:
    """Extend a span over the asked-for noun right after it on the same line ("Mongol and Turkic" → "Mongol and
    Turkic tribes"), each of its words that follows in turn:
    "157" → "157 arrests", "twelve" → "twelve knife amnesty bins" (never stopping half way, at "twelve knife")."""
    if not focus:
        return end
    wanted = {spans.stem(w) for w in focus.split()}
    for _ in focus.split():
        m = re.match(r"[ \t]+([A-Za-z][\w\-]*)", text[end:])  # never over a line break to the next paragraph
        if not (m and spans.stem(m.group(1)) in wanted):
            break
        end += m.end()
    return end


def load_reading_answerer(fallback: ExtractiveAnswerer, threshold: float | None = None,
                          weights: Path | None = None, release_text=None) -> ReadingAnswerer:
    """The trained reader (loaded on first use) with the calibration stored beside its weights."""
    from qa.reader.model import WEIGHTS, TransformerReader

    return ReadingAnswerer(TransformerReader(weights or WEIGHTS), fallback, model=AbstainModel.load(),
                           threshold=threshold, release_text=release_text)
