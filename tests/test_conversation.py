"""Follow-up questions: the rewrite rules on a table of two-turn conversations in other forces' wording, the
API and page that carry the history, and (slow) the follow-up table over the sample corpus."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qa.conversation import Turn, resolve, rewrite

TITLES = {"durham-knife": "Knife amnesty bins installed across County Durham"}


def turn(question: str, answer: str | None = None, ids: tuple[str, ...] = ()) -> list[Turn]:
    return [Turn(question=question, answer=answer, answer_release_ids=list(ids))]


@pytest.mark.parametrize("first, answer, followup, expected", [
    # a pronoun for the last question's named subject
    ("How many arrests has Operation Sceptre made in Durham?", None, "And how many knives did it seize?",
     "How many knives did Operation Sceptre seize?"),
    ("When did Operation Encompass start in Cumbria?", None, "Who runs it?", "Who runs Operation Encompass?"),
    # he/she: the person a "who" question was answered with
    ("Who is the Police, Fire and Crime Commissioner for North Yorkshire?", "Zoë Metcalfe", "When was she elected?",
     "When was Zoë Metcalfe elected?"),
    ("What did Chief Constable Jo Farrell say about the inspection?", None, "What else did she announce?",
     "What else did Chief Constable Jo Farrell announce?"),
    # a name for a name of its kind: a person for a person, a place for a place; a place's phrase with "on" and a
    # name with "of" inside is swapped whole
    ("How long was Kieran Malloy jailed for over the fake bank call scam?", None, "And Jodie Carver?",
     "How long was Jodie Carver jailed for over the fake bank call scam?"),
    ("On average, how many people a day visited the Brackley police station front counter in 2025?", None,
     "What about Daventry?",
     "On average, how many people a day visited the Daventry police station front counter in 2025?"),
    ("How many new body-worn cameras will be issued to officers on the Isle of Wight?", None, "And in Portsmouth?",
     "How many new body-worn cameras will be issued to officers in Portsmouth?"),
    ("What was the value of illegal fireworks seized in the Dublin Metropolitan Region?", None,
     "What about the Eastern Region?", "What was the value of illegal fireworks seized in the Eastern Region?"),
    # a financial year for a financial year; a place for a place, not for the year ("in 2025")
    ("How many pursuits were referred to the IOPC in 2025/26?", None, "And in 2024/25?",
     "How many pursuits were referred to the IOPC in 2024/25?"),
    ("How many assaults on staff were there at Dover in 2025?", None, "And at the Western Docks cruise terminal?",
     "How many assaults on staff were there at the Western Docks cruise terminal in 2025?"),
    ("How many sailors based at HMNB Portsmouth tested positive in 2025?", None, "And at RNAS Culdrose?",
     "How many sailors based at RNAS Culdrose tested positive in 2025?"),  # a name ends where its capitals do
    ("Which of the Riverside Quay cable thieves was jailed for 20 months?", None, "How old is he?",
     "How old is he?"),  # a quay is no one: "he" stays, about the last releases
    # "he" is no place ("hurt in the Great Sound collision"): with no one named, it stays, about the last releases
    ("How old is the motorboat driver who was hurt in the Great Sound collision?", None, "Where is he from?",
     "Where is he from?"),
    # what about / and in: the narrowing place or year swapped
    ("How many burglaries were reported in Carlisle?", None, "What about Workington?",
     "How many burglaries were reported in Workington?"),
    ("How much did the force spend on overtime in 2019?", None, "And in 2021?",
     "How much did the force spend on overtime in 2021?"),
    # like for like: a year for a year (or added), a "for …" phrase for a "for …" phrase, a place for a place
    ("How many burglaries happened in Leeds?", None, "What about 2019?", "How many burglaries happened in Leeds in 2019?"),
    # a year for the period the last question said ("since January", "last year")
    ("How many people have been caught in the zone since January?", None, "And in the whole of 2025?",
     "How many people have been caught in the zone in the whole of 2025?"),
    ("How many arrests were made last year?", None, "And 2019?", "How many arrests were made in 2019?"),
    ("How many arrests for burglary were made in Watford?", None, "how about for rape offences?",
     "How many arrests for rape offences were made in Watford?"),
    ("How many arrests were made in Watford?", None, "and at Stevenage?", "How many arrests were made at Stevenage?"),
    # other things in place of the things the last question counted; "people" counts anyone, so no swap
    ("How many drink drivers did Gwent Police catch over Christmas?", None, "And drug drivers?",
     "How many drug drivers did Gwent Police catch over Christmas?"),
    # a police force area for the last one named, narrowing or not ("Durham cases"), else added
    ("How many Durham cases were affected by the forensic testing problem?", None, "What about Cleveland?",
     "How many Cleveland cases were affected by the forensic testing problem?"),
    ("How many officers did Thames Valley Police recruit in 2023?", None, "and Herts?",
     "How many officers did Herts Police recruit in 2023?"),
    ("How many knives were handed in during Operation Sceptre?", None, "What about Merseyside?",
     "How many knives were handed in during Operation Sceptre in Merseyside?"),
    # "it" is the thing named after a preposition ("under", "during") before any release title; a place is not
    ("How many knives were handed in during Operation Sceptre?", None, "Who paid for it?",
     "Who paid for Operation Sceptre?"),
    ("How many arrests were made by the Northumbria Violence Reduction Unit?", None, "When was it set up?",
     "When was the Northumbria Violence Reduction Unit set up?"),
    # after "which <thing>?" whose question named no thing, "it" is the thing the answer named; a question that
    # named its own thing keeps it
    ("Which campaign was launched against rural theft in Cumbria?", "Operation Checkpoint", "When did it start?",
     "When did Operation Checkpoint start?"),
    ("Which force runs Operation Sceptre?", "Durham Constabulary", "When did it start?",
     "When did Operation Sceptre start?"),
    ("Which plan does the PCC say the scheme is part of?", "the Police and Crime Plan", "Who wrote it?",
     "Who wrote the Police and Crime Plan?"),
    ("How many arrests were made in Watford?", "157", "What caused it?",  # a count is no thing: "it" stays
     "What caused it (arrests were made in Watford)?"),
    # a pronoun with no named subject still finds its place or person
    ("How many arrests were made in Watford?", None, "What happened there?", "What happened in Watford?"),
    ("How many arrests were made in Watford?", None, "How long did officers take to get there?",
     "How long did officers take to get to Watford?"),
    ("How many arrests were made in Watford?", None, "When did officers arrive there?",
     "When did officers arrive at Watford?"),
    ("Who is the chief constable?", "Jo Farrell", "What did she say?", "What did Jo Farrell say?"),
    # nothing left but the opener: the last question again
    ("Who is the chief constable of Durham?", None, "and?", "Who is the chief constable of Durham?"),
    # nothing of its own: the last subject added
    ("What is Operation Sceptre?", None, "Any figures on knife crime?", "Any figures on knife crime (Operation Sceptre)?"),
    # "it" cannot be a person or a role: the pronoun stays, the last question is added for context
    ("Does the Police and Crime Commissioner publish a newsletter?", None, "How often does it come out?",
     "How often does it come out (the Police and Crime Commissioner publish a newsletter)?"),
    # a correction: the phrase ending in the same noun, or the noun the last question counted, replaced
    ("What's the Cleveland Police non-emergency number?", None, "sorry, I meant the crimestoppers number",
     "What's the crimestoppers number (the Cleveland Police)?"),
    ("How many robberies were reported in Carlisle last year?", None, "no, I meant burglaries",
     "How many burglaries were reported in Carlisle last year?"),
    ("When was the commissioner elected?", None, "Oh I meant the deputy commissioner",
     "When was the deputy commissioner elected?"),
    # … but not a verb that looks like the noun ("… cost?"): the correction is read as elided
    ("How much did the first phase of Operation Sceptre cost?", None, "No, I mean the total cost",
     "No, I mean the total cost (the first phase of Operation Sceptre cost)?"),
    # a bare follow-up takes the whole last question
    ("Why did Northumbria Police close the Alnwick front counter?", None, "Since when?",
     "Since when (Northumbria Police close the Alnwick front counter)?"),
])
def test_a_follow_up_is_made_stand_alone(first, answer, followup, expected):
    assert rewrite(followup, turn(first, answer)) == expected


def test_a_release_title_never_stands_in_for_it():
    """When the last question named nothing, "it" stays and the last question's words come along, still about
    its releases. Until 2026-12-07 the release title stood in ("Who paid for Knife amnesty bins installed across
    County Durham?"), which read as nonsense for titles such as "Appeal after 86 breeding ewes stolen …"."""
    got = resolve("Who paid for it?", turn("where can I hand in a knife?", ids=("durham-knife",)), TITLES.get)
    assert got.question == "Who paid for it (I hand in a knife)?" and got.leans_on_last


def test_they_is_no_release_title_either():
    """A title about people ("Appeal after man seriously injured in Inverness city centre assault") is still a
    title: "they" stays and the last question's words come along."""
    titles = {"inverness": "Appeal after man seriously injured in Inverness city centre assault"}
    got = resolve("How old is the man they are looking for?",
                  turn("Where did the assault happen?", ids=("inverness",)), titles.get)
    assert "Appeal after" not in got.question and got.leans_on_last


def test_he_after_a_narrowing_thing_is_not_the_thing():
    """Only "it" takes a narrowing thing: "he" after "who is in charge under Operation Sceptre?" is never
    "Operation Sceptre", nor a release title ("What did Knife amnesty bins installed across County Durham say?",
    as it was until 2026-12-07) nor a place ("How old was the Croydon?"): with no person to stand for, "he" stays,
    and the question is still about the last turn's releases."""
    last = turn("Who is in charge under Operation Sceptre?", ids=("durham-knife",))
    got = resolve("What did he say?", last, TITLES.get)
    assert got.question == "What did he say?" and got.leans_on_last
    croydon = resolve("How old was he?", turn("Who was killed in the Croydon stabbing?"))
    assert croydon.question == "How old was he?" and croydon.leans_on_last
    named = resolve("How old was he?", turn("Who was killed in the Croydon stabbing?", answer="Kwame Asante"))
    assert named.question == "How old was Kwame Asante?"


def test_they_after_how_many_are_the_things_counted_and_it_is_never_a_place():
    """"Them" after "how many video doorbells is the Commissioner funding?" are the doorbells (a Commissioner is
    one person), with the last question's subject beside them; "it" after "which team is investigating the Norfolk fuel thefts?" is not "the Norfolk": a force
    area is where, so the last question's words come along instead."""
    got = rewrite("Who pays for them?", turn("How many video doorbells is the Staffordshire Commissioner funding?"))
    assert got == "Who pays for the video doorbells (the Staffordshire Commissioner)?"
    # the counted things are any force's: whose they are comes along ("Surrey Police")
    got = rewrite("Where are they based?", turn("How many new call handlers has Surrey Police taken on?"))
    assert got == "Where are the new call handlers based (Surrey Police)?"
    got = rewrite("What has it done?", turn("Which team is investigating the Norfolk fuel thefts?",
                                            "the rural crime team"))
    assert "Norfolk done" not in got and got.startswith("What has it done (")


def test_an_elided_follow_up_takes_the_last_questions_words_not_only_its_subject():
    got = rewrite("Any change in the results?", turn("How many samples have been re-tested after the Randox problem?"))
    assert got == "Any change in the results (samples have been re-tested after the Randox problem)?"
    got = rewrite("How many bins are there?", turn("where can I hand in a knife?", ids=("durham-knife",)), TITLES.get)
    assert got == "How many bins are there (I hand in a knife)?"


@pytest.mark.parametrize("followup", [
    "How many arrests did Operation Sceptre make in Durham?",  # a question of its own: left alone
    "Who is the Chief Constable of Cleveland Police?",
])
def test_a_new_question_with_its_own_subject_is_not_rewritten(followup):
    assert rewrite(followup, turn("When did Operation Encompass start in Cumbria?")) is None


def test_only_a_follow_up_that_names_nothing_of_its_own_leans_on_the_last_releases():
    from qa.conversation import resolve

    last = turn("How many arrests did Operation Sceptre make in Watford?")
    assert resolve("Who runs it?", last).leans_on_last
    # a thing the last answer named is a subject of its own: other releases may say more about it
    answered = resolve("Who runs it?", turn("Which operation targeted knife crime in Durham?", "Operation Sceptre"))
    assert answered.question == "Who runs Operation Sceptre?" and not answered.leans_on_last
    assert resolve("Why?", last).leans_on_last
    assert resolve("sorry, I meant the knife seizures", turn("How many arrests followed the knife seizures?")).leans_on_last
    assert not resolve("And in 2019?", last).leans_on_last  # a substitution may be about other releases
    assert not resolve("What about Stevenage?", last).leans_on_last


def test_a_correction_keeps_the_last_subject_as_context():
    got = rewrite("sorry, I meant the police number", turn("What's the national helpline number?", ids=("durham-knife",)),
                  TITLES.get)
    assert got == "What's the police number (Knife amnesty bins installed across County Durham)?"


def test_without_history_nothing_changes():
    assert rewrite("And how many knives did it seize?", []) is None


def test_the_api_and_the_page_carry_the_history(built_index, qa_env):
    from qa.web.app import create_app

    service = built_index.service
    service.answerer = __import__("qa.answerers.extractive", fromlist=["x"]).ExtractiveAnswerer(built_index.embedder)
    with TestClient(create_app(built_index.settings, service)) as client:
        history = [{"question": "How many arrests has Operation Hotspot led to?",
                    "answer_release_ids": ["herts-operation-hotspot-page"]}]
        body = client.post("/api/ask", json={"question": "Who is leading it?", "history": history}).json()
        assert body["question"] == "Who is leading it?"
        assert body["rewritten"] == "Who is leading Operation Hotspot?"
        alone = client.post("/api/ask", json={"question": "Who is leading it?"}).json()
        assert alone["rewritten"] is None
        bad = client.post("/api/ask", json={"question": "Who?", "history": [{"answer_release_ids": []}]})
        assert bad.status_code == 422 and "history.0.question" in bad.text
        page = client.get("/", params={"q": "How many arrests has Operation Hotspot led to?"}).text
        assert 'name="prev" value="How many arrests has Operation Hotspot led to?"' in page
        follow = client.get("/", params={"q": "Who is leading it?", "prev": "How many arrests has Operation Hotspot "
                                         "led to?", "prev_ids": "herts-operation-hotspot-page"}).text
        assert "Asked as: “Who is leading Operation Hotspot?”" in follow


@pytest.mark.slow
def test_the_follow_up_table_is_answered_from_the_right_release(real_service):
    """corpus/followups.jsonl (written from the corpus alone, before the rules were tuned), asked with the trained
    reader. The floor is set from a real run, a little below it: it catches a regression, not a target."""
    from qa.evaluate.followups import load_conversations, run
    from qa.settings import PROJECT_ROOT

    report = run(real_service, load_conversations(PROJECT_ROOT / "corpus" / "followups.jsonl"), baseline=False)
    m = report["metrics"]
    assert m["all"]["n"] == 40
    assert m["all"]["with_history_right_release"] >= FLOOR["all"], m["all"]
    assert m["part:test"]["with_history_right_release"] >= FLOOR["test"], m["part:test"]
    assert m["all"]["with_history_contains"] >= FLOOR["contains"], m["all"]


# measured 2026-12-06 with the second-stage reader and its threshold (0.16): 0.700 and 0.643. The first-stage reader
# with its lower threshold (0.06) gave 0.775 and 0.643: the higher threshold refuses three more follow-ups of the tune
# part, taken as a trade for the held-out SQuAD and sample figures (docs/benchmarks.md, fifth round).
# Then (2026-12-06, later) a police force area takes the place of the one the last question named ("what about
# Cambridgeshire?"): 0.725 and 0.643, with the refit for unembedded overlap (threshold 0.17).
# Then (2026-12-06, evening) a correction ("sorry, I meant the police number") replaces the last question's phrase
# that ends in the same noun and keeps the last subject as context: 0.750 and 0.643 (tune 0.769 -> 0.808).
# Then an elided follow-up takes the last question's words as context, not only its subject: 0.775 and 0.571
# (tune 0.808 -> 0.885, two more; the test part lost one, f026, refused where it had been answered from the right
# release). Kept by the tune-data rule; the test floor lowered to the run, with this trade written.
# Then (2026-12-06, night) "it" after "which plan …?" is the thing the answer named, a question of its own: 0.800
# and 0.571 (tune 0.885 -> 0.923, f014).
# Then a closing bracket of context narrows nothing (qa.questions.constraints): 0.825 and 0.643 (tune unchanged).
# Then (2026-12-07) a count or a length said inside the span is read with it ("over 100 pre-planned operations" is
# no length of time): 0.800 and 0.643. The conversation lost (f016, tune) had been answered from the right release
# but wrongly ("over 100 pre-planned operations" for how long the forces have collaborated; gold 2012) and is now
# refused; the share of follow-ups whose answer holds the gold fact is unchanged at 0.500, so it is floored too.
# Then "he" with no person to stand for stays "he" (it took a release title or a place): 0.825 and 0.714, holding
# the gold fact 0.500 -> 0.550 (tune 0.577 -> 0.615, f001).
# Then "it" never takes a release title (the last question's words come along instead): 0.850 and 0.714, holding
# the gold fact 0.575 (tune 0.885 -> 0.923 and 0.615 -> 0.654, f005).
FLOOR = {"all": 0.84, "test": 0.71, "contains": 0.55}
