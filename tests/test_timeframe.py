"""Time in questions (qa.timeframe): the rules on a table of questions, the narrowing of filters, the release-date
support of a year, the choice of the latest answer (qa.answerers.dating), and the wiring through the Service on a
hash-64 index of the Westshire corpus (fast: no real model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from time_support import write_corpus

from qa.answer import Answer, Citation, ShortAnswer
from qa.answerers import dating
from qa.ingest import ingest
from qa.service import Service
from qa.settings import Settings
from qa.store import Filters
from qa.timeframe import REPORTING_LAG_DAYS, RuleTimeReader, Timeframe, narrow
from qa.vectors import make_embedder

TODAY = date(2024, 6, 15)  # a Saturday
READER = RuleTimeReader(TODAY)


# --- reading the question ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, since, until", [
    ("Who was the Police and Crime Commissioner for Westshire in 2016?", "2016-01-01", "2016-12-31"),
    ("How many burglaries were there during 2019?", "2019-01-01", "2019-12-31"),
    ("How many arrests have there been since May 2021?", "2021-05-01", None),
    ("How many arrests have there been since 3rd May 2021?", "2021-05-03", None),
    ("Who led the force before 2018?", None, "2017-12-31"),
    ("Who led the force before June 2018?", None, "2018-05-31"),
    ("What was recorded after 12/03/2019?", "2019-03-13", None),  # day first: 12 March
    ("How many officers were recruited between 2016 and 2018?", "2016-01-01", "2018-12-31"),
    ("Who was chief constable from 2010 to 2014?", "2010-01-01", "2014-12-31"),
    ("What did the force spend in the 2018/19 financial year?", "2018-04-01", "2019-03-31"),
    ("What happened on 12 March 2019?", "2019-03-12", "2019-03-12"),
    ("How many crimes were reported in Sept 2019?", "2019-09-01", "2019-09-30"),
    ("What did the force do in the summer of 2019?", "2019-06-01", "2019-08-31"),
    ("What was announced until March 2020?", None, "2020-03-31"),
    ("How many burglaries were recorded last year?", "2023-01-01", "2023-12-31"),
    ("How many burglaries have been recorded this year?", "2024-01-01", "2024-06-15"),
    ("What happened last month?", "2024-05-01", "2024-05-31"),
    ("What happened this week?", "2024-06-10", "2024-06-15"),
    ("What happened last week?", "2024-06-03", "2024-06-09"),
    ("How many arrests in the past year?", "2023-06-15", "2024-06-15"),
    ("How many arrests over the last 6 months?", "2023-12-15", "2024-06-15"),
    ("How many arrests in the last three years?", "2021-06-15", "2024-06-15"),
    ("How many arrests since May?", "2024-05-01", None),  # the latest May on or before today
    ("How many arrests since December?", "2023-12-01", None),  # December 2024 has not come yet
    ("Where will the patrols go from June 2024?", "2024-06-01", None),  # a year says which June
    ("How many arrests since 2016 and before 2020?", "2016-01-01", "2019-12-31"),  # intersected
    ("How many arrests have there been since last year?", "2023-01-01", None),
    ("What was said before last month?", None, "2024-04-30"),
])
def test_bounds(question, since, until):
    frame = READER.read(question)
    assert (frame.since, frame.until) == (since, until), frame
    assert frame.phrases and not frame.recent


@pytest.mark.parametrize("question", [
    "How many arrests may be made?",  # "may" the verb
    "What did 17 officers do?",  # a bare number
    "What number should I call, 101 or 999?",
    "Who won the 2018 FIFA World Cup?",  # a year that is not the object of a time word
    "What do the 2018/19 figures show?",
    "How many hate crimes were reported between April and October?",  # no year: which one is not said
    "What happened in May?",
    "What happened on 12 March?",
    "What did the force do before June?",
    "What happened on Friday?",
    "What happened at 4pm?",
    "Who leads the New Year campaign in the New Forest?",  # "New" in a name
    "How many officers are there in Westshire?",
    "Where was the 2019 appeal made?",
    "Which towns will the patrols be extended to from June?",  # a June to come says nothing of the release's date
])
def test_no_time(question):
    frame = READER.read(question)
    assert not frame and frame.since is None and frame.until is None and not frame.recent, frame


@pytest.mark.parametrize("question", [
    "Who is the current Police and Crime Commissioner for Westshire?",
    "Who currently leads the force?",
    "Who is the commissioner now?",
    "What is the latest appeal about?",
    "What was the most recent burglary figure?",
    "What did the PCC say recently?",
    "Who is the new chief constable?",
    "What is the newest scheme?",
    "What is today's figure?",
    "Is the consultation still open?",
    "Who is in charge at present?",
    "How many officers does the force have these days?",
])
def test_recency(question):
    frame = READER.read(question)
    assert frame.recent and frame.phrases and not frame.bounded, frame


def test_recency_with_bounds():
    frame = READER.read("Who was the latest commissioner before 2020?")
    assert frame.recent and frame.until == "2019-12-31" and frame.phrases == ["before 2020", "latest"]


def test_today_is_injectable_as_a_function():
    days = iter([date(2020, 2, 1), date(2030, 2, 1)])
    reader = RuleTimeReader(lambda: next(days))
    assert reader.read("What happened last year?").since == "2019-01-01"
    assert reader.read("What happened last year?").since == "2029-01-01"
    with pytest.raises(ValueError, match="today must be a date"):
        RuleTimeReader("2024-01-01")  # type: ignore[arg-type]


def test_reading_is_cheap():
    import time

    READER.read("warm up in 2019")
    t0 = time.perf_counter()
    for _ in range(200):
        READER.read("How many burglaries did Westshire Police record in the 2018/19 financial year since May?")
    assert (time.perf_counter() - t0) / 200 < 0.005


# --- narrowing the filters --------------------------------------------------------------------------------------

def counting(n: int):
    seen: list[Filters] = []

    def dated(filters: Filters) -> int:
        seen.append(filters)
        return n
    return dated, seen


def test_bounds_narrow_retrieval_keep_undated_and_allow_a_reporting_lag():
    dated, seen = counting(3)
    filters, frame = narrow(READER.read("Who was the commissioner in 2016?"), None, dated)
    assert REPORTING_LAG_DAYS == 365 and filters == Filters("2016-01-01", "2017-12-31", undated=True, year="2016")
    assert frame.filtered and frame.note is None
    assert seen == [Filters("2016-01-01", filters.until)]  # counted without the undated ones


def test_a_financial_year_lets_through_a_later_release_that_names_it():
    dated, _ = counting(3)
    filters, _ = narrow(READER.read("How many pursuits were referred to the IOPC in 2024/25?"), None, dated)
    assert filters.since == "2024-04-01" and filters.year == "2024/25"


def test_bounds_are_intersected_with_the_request_and_the_request_wins_a_conflict():
    dated, _ = counting(3)
    frame = READER.read("Who was the commissioner in 2016?")
    filters, frame2 = narrow(frame, Filters(since="2016-06-01", source="Westshire"), dated)
    assert filters == Filters("2016-06-01", frame.reported_until(), "Westshire", undated=False, year="2016")
    user = Filters(since="2019-01-01", until="2020-01-01")
    filters, frame3 = narrow(frame, user, dated)
    assert filters is user and not frame3.filtered and "request's date filters win" in frame3.note
    only_source = Filters(source="Westshire")
    filters, _ = narrow(frame, only_source, dated)
    assert filters.source == "Westshire" and filters.undated  # a source filter says nothing about dates


def test_bounds_that_hold_no_dated_release_are_not_applied():
    dated, _ = counting(0)
    frame = READER.read("How many hate crimes were reported last year?")
    filters, frame2 = narrow(frame, None, dated)
    assert filters is None and not frame2.filtered and "not applied" in frame2.note and "last year" in frame2.note


def test_recency_alone_leaves_the_filters_alone():
    dated, seen = counting(0)
    user = Filters(source="Westshire")
    assert narrow(READER.read("Who is the current commissioner?"), user, dated)[0] is user and seen == []


# --- a release's date supports a year ---------------------------------------------------------------------------

def test_dated_support():
    frame = Timeframe(since="2016-01-01", until="2016-12-31")
    nearby = "Alex Morgan has been sworn in as the Police and Crime Commissioner for Westshire."
    assert frame.dated_support("year", "2016", "2016-05-12", nearby)
    assert frame.dated_support("time", "in 2016", "2016-05-12", nearby)
    assert not frame.dated_support("year", "2016", "2017-01-10", nearby)  # published after: must say the year
    assert not frame.dated_support("year", "2016", None, nearby)
    assert not frame.dated_support("year", "2015", "2016-05-12", nearby)  # the constraint names another year
    assert not frame.dated_support("year", "2016", "2016-05-12", "1,204 burglaries in 2015")  # speaks of 2015
    assert not frame.dated_support("name", "Westshire", "2016-05-12", nearby)
    long = Timeframe(since="2009-01-01", until=None)
    assert not long.dated_support("time", "since 2009", "2017-10-18", "119 victims since 2012")


# --- the latest answer ------------------------------------------------------------------------------------------

@dataclass
class FakeSpan:
    text: str
    score: float
    null: float = 0.0

    @property
    def margin(self) -> float:
        return self.score - self.null


@dataclass
class FakePassage:
    published: str | None


@dataclass
class FakeCandidate:
    span: FakeSpan
    passage: FakePassage


def cand(text, score, published, null=0.0):
    return FakeCandidate(FakeSpan(text, score, null), FakePassage(published))


def test_latest_prefers_the_newest_release_and_what_it_says_that_older_ones_do_not():
    old = cand("Alex Morgan", 11.2, "2016-05-12")
    mentioned = cand("Alex Morgan", 9.6, "2021-05-13")  # "… succeeding Alex Morgan"
    new = cand("Priya Natarajan", 9.1, "2021-05-13")
    chosen, earlier = dating.latest([old, mentioned, new])
    assert chosen is new and earlier is old


def test_latest_keeps_the_best_when_nothing_newer_competes():
    best = cand("950", 10.0, "2020-01-22")
    weak_new = cand("four", 5.0, "2023-06-15")  # more than the margin below the best
    no_answer = cand("12", 9.0, "2024-01-01", null=9.5)  # the reader would not answer from its passage
    undated = cand("Tom Reid", 9.9, None)
    assert dating.latest([best, weak_new, no_answer, undated]) == (best, None)
    assert dating.latest([undated]) == (undated, None)
    with pytest.raises(ValueError, match="margin must be 0 or more, got -1"):
        dating.latest([best], margin=-1)


def test_latest_gives_no_earlier_answer_when_the_older_release_agrees():
    new = cand("Commissioner Priya Natarajan", 9.0, "2021-05-13")
    old = cand("Priya Natarajan", 10.0, "2020-01-01")
    assert dating.latest([old, new]) == (new, None)


def test_as_of_and_its_sentence():
    cite = Citation(n=1, release_id="r", title="t", published="2021-05-13", source="s", text="x", start=0, end=1,
                    passage_start=0, passage_end=1, score=1.0)
    answer = Answer(question="q", answer="Priya Natarajan [1]. She was sworn in [1].", abstained=False,
                    citations=[cite], short_answer=ShortAnswer(text="Priya Natarajan", n=1, start=0, end=15))
    assert dating.as_of(answer) == "2021-05-13"
    assert dating.as_of(answer.model_copy(update={"abstained": True})) is None
    undated = cite.model_copy(update={"published": None})
    assert dating.as_of(answer.model_copy(update={"citations": [undated]})) is None
    said = dating.say_as_of(answer.answer, "2021-05-13")
    assert said == "Priya Natarajan [1] (as of 13 May 2021). She was sworn in [1]."
    assert dating.say_as_of(said, "2021-05-13") == said and dating.say_as_of("no markers", "2021-05-13") == "no markers"
    assert dating.long_date("2016-05-02") == "2 May 2016"


# --- through the Service, on a hash-64 index --------------------------------------------------------------------

@pytest.fixture(scope="module")
def westshire(tmp_path_factory) -> Service:
    root: Path = tmp_path_factory.mktemp("westshire")
    settings = Settings(corpus_dir=write_corpus(root / "corpus"), index_dir=root / "idx", model="hash-64",
                        answerer="extractive")
    embedder = make_embedder("hash-64")
    ingest(settings, embedder)
    return Service(settings, embedder, time_reader=RuleTimeReader(TODAY))


def test_undated_filter_sql(westshire):
    store = westshire.snapshots.get().store
    assert store.count_dated(Filters("2016-01-01", "2016-12-31")) == 1
    assert store.count_dated(Filters()) == 8
    with_undated = set(store.allowed_ids(Filters("2016-01-01", "2016-12-31", undated=True)).tolist())
    without = set(store.allowed_ids(Filters("2016-01-01", "2016-12-31")).tolist())
    assert without < with_undated and len(with_undated - without) == len(store.chunks_of("westshire-road-safety"))


def test_a_release_that_names_the_asked_year_is_let_through(westshire):
    """The figures for 2019 came out in January 2020: a question's year lets through a later release that names
    it, beside those published within it."""
    store = westshire.snapshots.get().store
    later = {row["id"] for row in store.chunks_of("westshire-crime-figures-2020")}
    assert not later & set(store.allowed_ids(Filters("2019-01-01", "2019-12-31")).tolist())
    assert later <= set(store.allowed_ids(Filters("2019-01-01", "2019-12-31", year="2019")).tolist())
    assert not later & set(store.allowed_ids(Filters("2018-01-01", "2018-12-31", year="2018")).tolist())


def test_a_year_narrows_retrieval(westshire):
    answer = westshire.ask("Who was the Police and Crime Commissioner for Westshire in 2016?")
    assert answer.timeframe.filtered and answer.timeframe.since == "2016-01-01"
    assert {c.release_id for c in answer.citations} <= {"westshire-pcc-2016", "westshire-road-safety"}
    explained = westshire.ask("Who was the Police and Crime Commissioner for Westshire in 2016?", explain=True)
    assert explained.explain.time == answer.timeframe
    from qa.explain import render_text

    assert any(line.startswith("  time: “in 2016” → published 2016-01-01 … 2016-12-31 (narrowed retrieval)")
               for line in render_text(explained.explain))
    read = {h.release_id for h in explained.explain.retrieval.fused}
    assert read <= {"westshire-pcc-2016", "westshire-road-safety"}
    # The same words without the year reach the other releases.
    plain = westshire.retriever.search("Who was the Police and Crime Commissioner for Westshire?", 10)
    assert {p.release_id for p in plain} - {"westshire-pcc-2016", "westshire-road-safety"}


def test_the_request_filter_wins_and_undated_stay_out(westshire):
    answer = westshire.ask("Who was the commissioner for Westshire in 2016?",
                           filters=Filters(since="2021-01-01", until="2021-12-31"))
    assert "win" in answer.timeframe.note and not answer.timeframe.filtered
    assert {c.release_id for c in answer.citations} <= {"westshire-pcc-2021"}


def test_a_period_without_dated_releases_is_not_applied(westshire):
    answer = westshire.ask("How many burglaries were recorded in Westshire in 2009?")
    assert not answer.timeframe.filtered and "no dated release" in answer.timeframe.note
    assert answer.citations  # retrieval ran unfiltered


def test_recency_ranks_newer_releases_first(westshire):
    q = "Police and Crime Commissioner sworn in Westshire"
    plain = westshire.retriever.search(q, 10)
    recent = westshire.retriever.search(q, 10, recent=True)
    assert all("recency" not in p.scores for p in plain)
    assert all("recency" in p.scores for p in recent)
    rank = {p.release_id: p.scores["recency"] for p in recent}
    assert rank.get("westshire-road-safety", 0) <= min(v for k, v in rank.items() if k != "westshire-road-safety")
    if "westshire-pcc-2021" in rank and "westshire-pcc-2016" in rank:
        assert rank["westshire-pcc-2021"] > rank["westshire-pcc-2016"]


def test_answers_carry_as_of_and_time_questions_say_it(westshire):
    timed = westshire.ask("How many burglaries did Westshire Police record in 2019?")
    assert not timed.abstained and timed.as_of == next(c.published for c in timed.citations)
    assert "(as of " in timed.answer
    plain = westshire.ask("How many burglaries did Westshire Police record?")
    assert plain.timeframe is None and "(as of " not in plain.answer
    assert plain.as_of == (plain.citations[0].published if not plain.abstained else None)


def test_questions_without_time_words_retrieve_as_before(westshire):
    q = "Where was the missing Eastport man last seen?"
    before = westshire.retriever.search(q, 5)
    answer = westshire.ask(q)
    assert answer.timeframe is None
    assert [c.release_id for c in answer.citations][:1] == [before[0].release_id]
