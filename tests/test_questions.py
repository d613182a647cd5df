"""Question analysis (qa/questions.py) on a table of questions: the expected answer type, the
constraints an answer must respect, and the clause a refusal is built from. The questions are
written here in several forces' styles, not taken from the sample question set."""

import pytest

from qa.questions import analyze, expected_type, indirect, subset

TYPES = [
    ("Where was an aircraft sent instead of landing at Brize Norton when the drone was spotted?", "place"),
    ("Who was driving when the van hit the marshal?", "person"),  # the wh-word asks; "when" only says which time
    ("Which court jailed the Camden man who stole from swimmers' bags?", "organisation"),  # "who" says which man
    ("Roughly what is the stolen property from the Worcester boats worth in total?", "money"),
    ("What is the reference number of the IOPC's report on police pursuits?", "contact"),
    ("At Dover's frontier control booths, what was the tally of attacks on staff in 2024?", "count"),
    ("How many arrests did Operation Hotspot make in Watford alone?", "count"),
    ("How many people were stopped and searched in Durham last month?", "count"),
    ("What is the number of officers in the rural crime team?", "count"),
    ("How much did the new custody suite in Middlesbrough cost?", "money"),
    ("How much funding did the commissioner secure for the violence reduction unit?", "money"),
    ("How much has the commissioner committed to the knife amnesty this year?", "money"),
    ("How much was donated to the victims' fund?", "money"),
    ("How much cannabis was seized in the raid?", "count"),
    ("By what percentage did burglary fall in Cleveland?", "percentage"),
    ("What proportion of calls were answered within ten seconds?", "percentage"),
    ("When will the chief constable appear before the committee?", "date"),
    ("What year did the force open its first drone unit?", "date"),
    ("On what date was the suspect charged?", "date"),
    ("How long will the road closure last?", "duration"),
    ("How many years was the driver jailed for?", "duration"),
    ("What is the maximum sentence for dangerous driving?", "duration"),
    ("Who is the Police and Crime Commissioner for Northumbria?", "person"),
    ("Which detective inspector is leading the investigation?", "person"),
    ("What is the name of the officer who was injured?", "person"),
    ("What is the name of the police operation that targets fly-tipping in Kent?", "organisation"),
    ("Which force polices the motorway?", "organisation"),
    ("Which charity runs the victims' helpline?", "organisation"),
    ("Which company's lorry was stolen from the depot?", "organisation"),
    ("Where did the collision happen?", "place"),
    ("In which town was the cannabis farm found?", "place"),
    ("Any figures on arrests?", "count"),  # figures, numbers or statistics on a thing ask how many
    ("Are there statistics for knife crime in Durham?", "count"),
    ("What are the figures for spending on overtime?", "money"),
    ("What number should I call to report a crime anonymously?", "contact"),
    ("What is the email address for the community safety team?", "contact"),
    ("What's the Cumbria Police non-emergency number?", "contact"),
    ("What was the total number?", "description"),  # a figure, not a number to call
    # a follow-up's bracket of context is not read for the type: "Commissioner" there is no person asked for
    ("What is the police number (Commissioner backs anti-slavery campaign)?", "contact"),
    ("How many arrests (the Police and Crime Commissioner's operation)?", "count"),
    ("Which towns will the knife arch visit this summer?", "list"),
    ("Why was the dispersal order issued?", "description"),
    ("How did officers trace the stolen car?", "description"),
    ("How much was the driver fined?", "money"),
    ("What will a Band D household pay for policing in 2025/26?", "money"),
    ("What were the two cacti stolen from Kew worth on their own?", "money"),
    ("How fast was the stolen car going on the A1?", "count"),  # a speed
    ("How fast did they get there?", "description"),  # how long it took, said any way
    ("What are the names of the two men charged?", "person"),
    ("How many 999 calls were answered in December?", "count"),  # a number before the counted noun  # people, named: "aged 31 and 42" is no answer
    ("Where does the money for the Community Fund come from?", "description"),  # a source, not a place
    ("Where did the stolen car come from?", "place"),
    ("How much has the commissioner secured for the unit?", "money"),  # a sum gained or lost, no thing named
    ("How much have older people lost to courier fraudsters?", "money"),
    ("How much land did the farmers lose?", "count"),  # an amount of a thing
    ("What should callers quote when reporting a fuel theft?", "description"),  # "when reporting": no date asked
    ("How much an hour do the marshals at the match get?", "money"),  # a rate, asked without a money word
    ("How much had the courier been offered for the trip?", "money"),  # a sum offered, no thing named
    ("What is the minimum age to join the police cadets?", "count"),  # an age, asked by its noun
    ("What weight of heroin was found in the lorry?", "count"),  # an amount of a thing, as "how much heroin"
    ("What is the deadline for entries to the community awards?", "date"),
    ("Which criminal gang carried out the ransomware attack?", "organisation"),  # a gang is a body
    ("What is the longest prison term for breaking the rules?", "duration"),  # a term, not a prison
    ("Which prison did he serve his sentence in?", "place"),
    ("How much is the commissioner putting into the cadets?", "money"),  # a sum put in, no thing named
]


@pytest.mark.parametrize("question,expected", TYPES)
def test_expected_type(question, expected):
    assert analyze(question).expected == expected


# The counted noun of a "how many" question, which an answer's sentence must mention: it ends at the verb, so
# "how many officers took part" does not take a count of arrests beside the word "part".
FOCUS = [
    ("How many officers took part in Operation Hotspot?", "officers"),
    ("How many people attended the public meeting in Barnard Castle?", "people"),
    ("How many drivers tested positive over the Christmas campaign?", "drivers"),
    ("How many officers take part in the scheme each week?", "officers"),
    ("How many arrests led to charges?", "arrests"),
    ("How many arrests did Operation Hotspot make in Watford alone?", "arrests"),
    ("How many Victim Case Managers has Beacon introduced?", "victim case managers"),
    ("How many police officers were injured?", "police officers"),
    ("How many hate crimes were reported in Watford last year?", "hate crimes"),
    # a part of a whole counts the whole's noun, not "of"
    ("How many of the drivers arrested were over the limit?", "drivers"),
    ("How many of those charged were remanded?", "charged"),
    ("How many of Cumbria's domestic abuse incidents ended in a charge?", "domestic abuse incidents"),  # not "of"
    ("How many have been charged?", None),  # no noun: "have" is no thing counted
]


@pytest.mark.parametrize("question,focus", FOCUS)
def test_the_counted_noun_ends_at_its_verb(question, focus):
    assert analyze(question).focus == focus


def constraints(question):
    return {(c.kind, c.text, c.strict) for c in analyze(question).constraints}


def test_a_place_after_a_preposition_and_a_qualifier_are_strict_and_the_topic_is_not():
    assert constraints("How many arrests did Operation Hotspot make in Watford alone?") == {
        ("name", "Operation Hotspot", False), ("name", "Watford", True), ("qualifier", "alone", True)}


def test_years_times_and_numbers_are_strict():
    c = constraints("How many burglaries were reported in Sunderland in 2019?")
    assert ("year", "2019", True) in c and ("name", "Sunderland", True) in c
    assert ("time", "last year", True) in constraints("How many hate crimes were reported in Gateshead last year?")
    assert ("number", "£50,000", True) in constraints("Who won the £50,000 community grant?")


def test_a_road_is_one_name_and_a_years_second_half_is_no_number():
    """"M4" is a road, not the name "M" and the number 4 (which no release says apart); "2025/26" is a year."""
    c = constraints("How many crashes were there on the M4 at junction 10?")
    assert ("name", "M4", False) in c and ("number", "10", True) in c
    assert not {x for x in c if x[1] in ("M", "4")}
    assert not {x for x in constraints("What is the budget for 2025/26?") if x[0] == "number"}


def test_a_possessive_or_of_phrase_narrows_the_asked_for_person():
    assert constraints("What is the name of Bedfordshire's Police and Crime Commissioner?") == {
        ("name", "Bedfordshire", True), ("name", "Police and Crime Commissioner", False)}
    assert ("name", "Cambridgeshire Constabulary", True) in constraints(
        "Who is the Chief Constable of Cambridgeshire Constabulary?")


def test_question_words_and_sentence_initial_prepositions_are_not_names():
    assert constraints("By what percentage did robbery fall?") == set()
    assert constraints("In what year was the unit formed?") == set()
    assert constraints("Who leads the team?") == set()


def test_a_word_that_opens_the_first_clause_is_not_part_of_a_name():
    names = {t for k, t, _ in constraints("Since Durham Constabulary closed the counter, where do residents report crime?")
             if k == "name"}
    assert names == {"Durham Constabulary"}


def test_names_are_not_joined_across_commas_or_brackets():
    names = {t for k, t, _ in constraints("Besides Stockton, Hartlepool and Redcar, which towns did the Violence "
                                          "Reduction Unit (VRU) visit?") if k == "name"}
    assert names == {"Stockton", "Hartlepool and Redcar", "Violence Reduction Unit", "VRU"}
    # a list after a preposition narrows all of it
    assert constraints("Who leads the unit for Durham, Cleveland and Northumbria?") == {
        ("name", "Durham", True), ("name", "Cleveland and Northumbria", True)}


def test_a_closing_bracket_of_context_narrows_nothing():
    """A follow-up's rewrite adds the last question's words in brackets: its year, time, numbers and qualifiers
    narrowed the last question, not this one, and its names say what it was about without narrowing."""
    got = constraints("Any convictions (potential modern slavery victims identified in Durham since 2009, the first "
                      "300 by Operation Sceptre)?")
    assert got == {("name", "Durham", False), ("name", "Operation Sceptre", False)}
    # the same words asked outside a bracket narrow as ever
    assert {("name", "Durham", True), ("year", "2009", True), ("time", "since 2009", True),
            ("number", "300", True)} <= constraints("Any convictions of victims identified in Durham since 2009, the "
                                                    "first 300 by Operation Sceptre?")


def test_last_as_a_verb_is_no_qualifier():
    assert [c for c in analyze("How long did the public inquiry last?").constraints if c.kind == "qualifier"] == []
    assert [c for c in analyze("How long will the road closure last for residents?").constraints
            if c.kind == "qualifier"] == []
    assert [c.text for c in analyze("Who was the last officer to leave?").constraints
            if c.kind == "qualifier"] == ["last"]
    assert [c for c in analyze("How long did the average police pursuit last in the IOPC's review?").constraints
            if c.kind == "qualifier"] == []
    assert [c.text for c in analyze("How long was the last pursuit in the review?").constraints
            if c.kind == "qualifier"] == ["last"]


def test_ordinal_qualifiers_are_kept_and_the_first_time_is_not_one():
    assert ("qualifier", "first", True) in constraints("Who was the first female chief constable of Durham?")
    assert not any(k == "qualifier" for k, *_ in constraints("When did the force use drones for the first time?"))


CLAUSES = [
    ("How many arrests did Operation Hotspot make in Watford alone?",
     "how many arrests Operation Hotspot made in Watford alone"),
    ("How many arrests has Operation Hotspot led to so far?", "how many arrests Operation Hotspot has led to so far"),
    ("How many referrals did the restorative justice team receive?",  # "team" can be a verb: not this one
     "how many referrals the restorative justice team received"),
    ("When will the chief constable appear before the committee?",
     "when the chief constable will appear before the committee"),
    ("Who is the director of the Shiva Foundation?", "who the director of the Shiva Foundation is"),
    ("How much is the new contract worth?", "how much the new contract is worth"),
    ("How many hate crimes were reported in Watford last year?",
     "how many hate crimes were reported in Watford last year"),
    ("How many officers took part in the operation?", "how many officers took part in the operation"),
    ("How old was Robert Gordon when he died?", "how old Robert Gordon was when he died"),
    ("When was the scheme launched?", "when the scheme was launched"),
    ("What number can I ring to reach the helpline?", "what number I can ring to reach the helpline"),
    ("How much did the force spend on overtime?", "how much the force spent on overtime"),
    ("Which national body does David Lloyd chair?", "which national body David Lloyd chairs"),
    ("Which forces did not answer the Federation's requests?", "which forces did not answer the Federation's requests"),
    ("Why did the force not publish the figures?", "why the force did not publish the figures"),
]


@pytest.mark.parametrize("question,clause", CLAUSES)
def test_indirect_clause(question, clause):
    assert indirect(question) == clause


def test_indirect_gives_up_rather_than_guess():
    assert indirect("In which towns are the custody suites?") is None
    assert indirect("Tell me about the scheme.") is None


@pytest.mark.parametrize("question, words", [
    ("How many of the nineteen people arrested over bird trapping come from Xylofagou?", ("Xylofagou",)),
    ("How many of those arrested in Hull have been charged?", ("charged",)),
    ("How many of them were women?", ("women",)),
    ("How many of the 186 alley gates will go in Wirral?", ("Wirral",)),  # "go" is too light to say which
    ("How many of the alley gates go to Wirral?", ("Wirral",)),  # "gates" is a noun here, not a verb
    ("How many of Cumbria's domestic abuse incidents ended with someone being charged?", ("charged",)),
    ("How many of the officers?", ()),  # no predicate
    ("How many officers were injured?", ()),  # no part of a whole
    ("How many of them were charged (Operation Hotspot)?", ("charged",)),  # the bracket of context is not read
    ("Of the 87 people South Wales officers gave naloxone to in 2025, how many were women?", ("women",)),  # whole first
    ("Of the 87 people given naloxone, how many?", ()),  # no predicate
])
def test_a_partitive_counts_predicate(question, words):
    assert subset(question) == words
    assert analyze(question).subset == (words if analyze(question).expected == "count" else ())


@pytest.mark.parametrize("question, expected", [
    # "that" is what the last question was about: its bracket of context says it was money
    ("How much of that has been got back (the Gibraltar businesses lose to the card terminal scam)?", "money"),
    ("How much of it was cannabis (officers seized drugs in Luton)?", "count"),
    ("How much has been recovered?", "money"),
    ("How much cannabis was recovered?", "count"),  # an amount of a thing
])
def test_how_much_of_that_is_what_the_last_question_was_about(question, expected):
    assert analyze(question).expected == expected


@pytest.mark.parametrize("question, expected", [
    ("Which of the two Forest of Dean poachers was fined £2,400?", ("person", "poacher")),
    ("Which of the three men was jailed for longest?", ("person", "man")),
    ("Which of the two vessels was boarded first?", ("description", "of")),  # a vessel is no one
])
def test_one_of_several_people_asks_for_a_person(question, expected):
    """"which of the two poachers …?" asks which one, by name: a person, so "he" in a follow-up is the answer."""
    assert expected_type(question) == expected


def test_a_hyphened_modifier_leaves_its_name_and_a_count_may_be_asked_as_one():
    """"the Palma-bound plane" names Palma, "the new Sizewell C-funded team" Sizewell C: neither is said with its
    modifier in a release. "What was Halton's fly-tipping count?" asks for a count."""
    from qa.questions import analyze, constraints
    assert [c.text for c in constraints("What was the man removed from the Palma-bound plane charged with?")] == [
        "Palma"]
    assert "Sizewell C" in [c.text for c in constraints("Where will the Sizewell C-funded team work from?")]
    assert analyze("What was Halton's fly-tipping count for 2025?").expected == "count"

