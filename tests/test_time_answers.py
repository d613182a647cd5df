"""Time-aware answers end to end (issue 12, item 4): the real model, reader and checks over the Westshire corpus
(tests/time_support.py), through the Service, the JSON API and the page.

"Today" is fixed at 15 June 2024 so that "last year" and the like do not move with the calendar.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from fastapi.testclient import TestClient
from time_support import write_corpus

from qa.ingest import ingest
from qa.service import Service
from qa.settings import Settings
from qa.timeframe import RuleTimeReader
from qa.vectors import make_embedder
from qa.web.app import create_app

pytestmark = pytest.mark.slow

TODAY = date(2024, 6, 15)
CURRENT = "Who is the current Police and Crime Commissioner for Westshire?"

# (question, what the short answer says, the date of the release it must come from)
TIME_QUESTIONS = [
    (CURRENT, "Priya Natarajan", "2021-05-13"),
    ("Who was the Police and Crime Commissioner for Westshire in 2016?", "Alex Morgan", "2016-05-12"),
    ("How many burglaries did Westshire Police record in 2019?", "950", "2020-01-22"),  # reported the year after
    ("How many burglaries did Westshire Police record in 2018?", "1,204", "2019-01-24"),
    ("How many burglaries were recorded in Westshire according to the latest figures?", "950", "2020-01-22"),
    ("Where was the man in Westshire Police's latest missing person appeal last seen?", "Eastport railway station",
     "2023-03-10"),
]


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Service:
    root: Path = tmp_path_factory.mktemp("westshire-real")
    settings = Settings(corpus_dir=write_corpus(root / "corpus"), index_dir=root / "idx", model="all-MiniLM-L6-v2")
    embedder = make_embedder("all-MiniLM-L6-v2")
    ingest(settings, embedder)
    return Service(settings, embedder, time_reader=RuleTimeReader(TODAY))


@pytest.mark.parametrize("question, short, as_of", TIME_QUESTIONS, ids=[q for q, *_ in TIME_QUESTIONS])
def test_time_questions_get_the_fact_of_their_time_and_its_date(service, question, short, as_of):
    answer = service.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.short_answer and short in answer.short_answer.text, answer.answer
    assert answer.as_of == as_of
    cited = answer.citations[answer.short_answer.n - 1]
    assert cited.published == as_of
    assert re.search(r"\(as of \d{1,2} \w+ \d{4}\)", answer.answer), answer.answer
    assert answer.timeframe is not None


def test_the_current_commissioner_is_the_later_one_and_the_earlier_is_mentioned(service):
    answer = service.ask(CURRENT)
    assert answer.short_answer.text == "Priya Natarajan"
    assert answer.answer.startswith("Priya Natarajan [1] (as of 13 May 2021).")
    assert answer.timeframe.recent and answer.timeframe.phrases == ["current"]
    assert answer.earlier is not None and answer.earlier.text == "Alex Morgan"
    assert answer.earlier.published == "2016-05-12"
    assert answer.citations[answer.earlier.n - 1].release_id == "westshire-pcc-2016"
    assert "Earlier, 12 May 2016: Alex Morgan [2]." in answer.answer


def test_a_present_tense_question_gets_the_latest_of_answers_that_disagree(service):
    answer = service.ask("Who is the Police and Crime Commissioner for Westshire?")  # no time word
    assert answer.short_answer and "Priya Natarajan" in answer.short_answer.text, answer.answer
    assert answer.as_of == "2021-05-13" and "(as of 13 May 2021)" in answer.answer
    assert answer.timeframe.present and not answer.timeframe.recent and not answer.timeframe.filtered
    past = service.ask("Who was the first Police and Crime Commissioner for Westshire to be sworn in?")
    assert not (past.timeframe and past.timeframe.present)


def test_the_commissioner_in_2016_is_the_earlier_one(service):
    answer = service.ask("Who was the Police and Crime Commissioner for Westshire in 2016?")
    assert "Alex Morgan" in answer.short_answer.text and "Priya" not in answer.answer
    assert answer.timeframe.filtered and answer.earlier is None
    assert {c.release_id for c in answer.citations} == {"westshire-pcc-2016"}


def test_a_question_without_time_words_is_answered_as_before(service):
    question = "Who was sworn in as Police and Crime Commissioner for Westshire?"
    answer = service.ask(question)
    assert answer.timeframe is None and answer.earlier is None and "(as of" not in answer.answer
    passages = service.retriever.search(question, 5)
    plain = service.answerer.answer(question, passages)  # the answerer alone, without any time reading
    assert answer.answer == plain.answer and answer.short_answer == plain.short_answer
    assert answer.as_of == (plain.citations[0].published if not plain.abstained else None)


def test_the_api_adds_as_of_earlier_and_the_timeframe(service):
    with TestClient(create_app(service.settings, service)) as client:
        body = client.post("/api/ask", json={"question": CURRENT}).json()
    assert body["as_of"] == "2021-05-13"
    assert body["earlier"] == {"text": "Alex Morgan", "n": 2, "published": "2016-05-12"}
    assert body["timeframe"]["recent"] is True and body["timeframe"]["since"] is None
    assert all("published" in c for c in body["citations"])


def test_the_page_shows_as_of_and_every_citations_date(service):
    with TestClient(create_app(service.settings, service)) as client:
        page = client.get("/?q=" + quote_plus(CURRENT)).text
        refused = client.get("/?q=" + quote_plus("How many burglaries did Westshire Police record in 2009?")).text
    line = re.search(r'<p class="as-of">(.*?)</p>', page, re.S)
    assert line, page
    assert '<time datetime="2021-05-13">13 May 2021</time>' in line.group(1)
    assert '<time datetime="2016-05-12">12 May 2016</time>: Alex Morgan' in line.group(1)
    cards = re.findall(r'<p class="meta">\s*<span>(.*?)</span>', page, re.S)
    assert cards and all(re.search(r'<time datetime="\d{4}-\d\d-\d\d">|undated', c) for c in cards), cards
    assert 'class="as-of"' not in refused


@pytest.mark.browser
def test_the_time_answer_page_is_accessible(service):
    """axe-core on the page of a time answer (its "as of" line and a second citation), both colour schemes."""
    pytest.importorskip("playwright.sync_api")
    from browser_support import chromium, require_chromium, serving

    require_chromium("the accessibility check of a time answer")
    axe = Path(__file__).resolve().parent.parent / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.skip("axe-core is missing (make browser-deps)")
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
    with serving(service) as url, chromium() as browser:
        for scheme in ("light", "dark"):
            context = browser.new_context(color_scheme=scheme)
            context.add_init_script(path=str(axe))
            page = context.new_page()
            page.goto(url + "/?q=" + quote_plus(CURRENT))
            page.wait_for_load_state("load")
            assert page.locator("p.as-of").count() == 1
            results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                                    "resultTypes: ['violations']})", tags)
            context.close()
            assert results["violations"] == [], (scheme, [(v["id"], v["help"]) for v in results["violations"]])
