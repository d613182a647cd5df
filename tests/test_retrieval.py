"""Retrieval with the real model on the sample corpus: reworded questions find the right release."""

from __future__ import annotations

import pytest

from qa.store import Filters

pytestmark = pytest.mark.slow

PCC = "herts-pcc-news-page-"
# Questions worded unlike the releases (no sentence copied), and the release that answers each.
QUESTIONS = [
    ("How many organisations make up the county's anti-slavery partnership?",
     PCC + "commissioner-supports-herts-anti-slavery"),
    ("Whose laboratory drug tests are being checked again because the results may have been tampered with?",
     PCC + "data-manipulation-in-forensic-services"),
    ("How can ordinary people check on the welfare of those held in police cells?", PCC + "become-an-icv"),
    ("Which council leader did the commissioner pay tribute to after his death?", PCC + "robert-gordon-cbe"),
    ("By how much did reports of offences motivated by prejudice go up?", PCC + "new-herts-hate-crime-strategy"),
    ("What did landowners and farmers raise with officers at their get-together in a barn?",
     PCC + "commissioner-meets-rural-community-in-he"),
    ("How much government money paid for extra patrols in trouble spots?", "herts-operation-hotspot-page"),
    ("How much central government money paid for extra foot patrols in trouble spots?",
     "herts-operation-hotspot-page"),  # a known miss with 256-token chunks (the HMICFRS spending release won)
    ("What did the specialist command shared by three forces achieve over the last financial year?",
     "herts-jps-year-in-review"),
    ("Which support centre for people affected by crime is looking for organisations to run it?",
     PCC + "beacon-shines-a-light-on-hertfordshire-v"),
]


@pytest.mark.parametrize("question,release_id", QUESTIONS, ids=[r.removeprefix(PCC) for _, r in QUESTIONS])
def test_reworded_question_ranks_the_right_release_first(real_service, question, release_id):
    passages = real_service.retriever.search(question, k=5)
    assert passages[0].release_id == release_id, [p.release_id for p in passages]


@pytest.mark.xfail(reason="known miss since chunks are 128 tokens: 'volunteer constables' pulls the "
                          "Volunteer Pilot Schemes release (special constables) above the newspaper column that "
                          "tells the 1830 story; the column is second", strict=False)
def test_known_miss_volunteer_constables_in_the_column(real_service):
    question = "When did part-time volunteer constables first appear, according to the newspaper piece?"
    passages = real_service.retriever.search(question, k=5)
    assert passages[0].release_id == PCC + "column-for-herts-and-essex-observer", [p.release_id for p in passages]


def test_passages_cite_exact_text(real_service):
    passages = real_service.retriever.search(QUESTIONS[0][0], k=5)
    snap = real_service.snapshots.get()
    for p in passages:
        release = snap.store.release(p.release_id)
        assert release.body[p.start:p.end] == p.text
        assert p.title == release.title and p.source == release.source
        assert {"dense", "rrf"} <= set(p.scores) or {"bm25", "rrf"} <= set(p.scores)
    assert snap.manifest.model == "all-MiniLM-L6-v2" and snap.manifest.dim == 384


def test_date_filters_restrict_results(real_service):
    search = real_service.retriever.search
    dated = search("arrests made by officers", k=5, filters=Filters(since="2019-06-01", until="2019-06-30"))
    assert dated and {p.release_id for p in dated} == {"herts-jps-year-in-review"}
    assert all(p.published == "2019-06-13" for p in dated)
    earlier = search("arrests made by officers", k=5, filters=Filters(until="2019-06-12"))
    assert {p.published for p in earlier} <= {"2017-10-18", "2017-10-20"}  # the two dated from their text
    assert search("arrests made by officers", k=5, filters=Filters(until="2017-10-17")) == []
    assert search("arrests made by officers", k=5, filters=Filters(since="2019-06-14")) == []


def test_source_filters_restrict_results(real_service):
    search = real_service.retriever.search
    question = "How many organisations make up the county's anti-slavery partnership?"
    only_hotspot = search(question, k=5, filters=Filters(source="herts-operation-hotspot"))
    assert only_hotspot and {p.release_id for p in only_hotspot} == {"herts-operation-hotspot-page"}
    by_area = search(question, k=5, filters=Filters(source="hertfordshire"))
    assert by_area[0].release_id == QUESTIONS[0][1]
    assert search(question, k=5, filters=Filters(source="Kent")) == []
    for mode in ("dense", "bm25", "hybrid"):
        hits = search("arrests and custodial sentences", k=3, filters=Filters(source="herts-jps"), mode=mode)
        assert hits and {p.release_id for p in hits} == {"herts-jps-year-in-review"}
    assert search(question, k=3, filters=Filters(source="herts-jps"), mode="bm25") == []  # no shared word
