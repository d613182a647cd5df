"""A table's cell read as its row, its column and its caption (qa.answerers.tables), and the answerer reading a
figure in a table so."""

from __future__ import annotations

from qa.answerers import tables
from qa.answerers.tables import cell_at
from test_reading import answerer, passage

BREAKDOWNS = """Drivers are urged to check their fuel. The figures for 2025 are shown below.
| Vehicles that broke down in the Mersey Tunnels, 2025 | | | |
|---|---|---|---|
| Cause | Queensway | Kingsway | Total |
|---|---|---|---|
| Ran out of fuel or charge | 118 | 204 | 322 |
| All causes | 413 | 690 | 1,103 |
Nobody was hurt."""

LIFEBUOYS = """The locations worst affected since January are:
| Location | Lifebuoys stolen or damaged |
|---|---|
| Clarendon Dock | 16 |
| Abercorn Basin | 13 |"""


def test_a_cell_is_read_with_its_row_label_column_header_and_caption():
    cell = cell_at(BREAKDOWNS, BREAKDOWNS.index("204"))
    assert (cell.label, cell.header) == ("Ran out of fuel or charge", "Kingsway")
    assert "Mersey Tunnels, 2025" in cell.caption and "The figures for 2025 are shown below." in cell.caption
    assert cell_at(LIFEBUOYS, LIFEBUOYS.index("13")).label == "Abercorn Basin"


def test_no_cell_outside_a_tables_data_rows():
    assert cell_at(BREAKDOWNS, BREAKDOWNS.index("fuel.")) is None  # a sentence
    assert cell_at(BREAKDOWNS, BREAKDOWNS.index("Queensway")) is None  # the header row
    assert cell_at(BREAKDOWNS, BREAKDOWNS.index("Nobody")) is None
    assert cell_at("| a | 1 |\n| b | 2 |", 12) is None  # no header rule: no header to read


def test_a_figure_in_a_table_is_said_of_its_row_not_the_next_rows():
    """13 is Abercorn Basin's: the next row's "Clarendon Dock" does not make it Clarendon Dock's."""
    q = "How many lifebuoys have been stolen or damaged at Clarendon Dock?"
    took = answerer({"13": 8.0}).answer(q, [passage(LIFEBUOYS)])
    assert not took.abstained and took.short_answer.text == "16"  # the row the question names, never 13
    assert answerer({"13": 8.0}).answer(q.replace("Clarendon", "Pollock"), [passage(LIFEBUOYS)]).abstained
    right = answerer({"16": 8.0}).answer(q, [passage(LIFEBUOYS)])
    assert not right.abstained and right.short_answer.text.startswith("16")


def test_a_column_header_is_what_its_figures_count():
    q = "How many vehicles ran out of fuel in the Kingsway tunnel in 2025?"
    right = answerer({"204": 8.0}).answer(q, [passage(BREAKDOWNS)])
    assert not right.abstained and right.short_answer.text.startswith("204")
    assert answerer({"118": 8.0}).answer(q, [passage(BREAKDOWNS)]).abstained  # Queensway's


FIGURES = """Here is a breakdown of the local figures:

Bedfordshire: Cases = 22, samples = 36

Cambridgeshire: Cases = 45, samples = 66

Hertfordshire: Cases = 60, samples = 107"""


def test_a_block_of_labelled_lines_is_read_as_rows():
    cell = cell_at(FIGURES, FIGURES.index("66"))
    assert (cell.label, cell.caption) == ("Cambridgeshire", "Here is a breakdown of the local figures:")
    assert cell_at("Commissioner Jane Doe said: the 12 were held.", 30) is None  # a sentence with a colon
    assert cell_at("Note: 12 were held.", 7) is None  # one labelled line is no block
    q = "How many samples came from Hertfordshire?"
    took = answerer({"66": 8.0}).answer(q, [passage(FIGURES)])  # Cambridgeshire's, beside Herts's line, is not
    assert took.abstained or took.short_answer.text.startswith("107")  # given: refused, or Herts's samples read
    right = answerer({"107": 8.0}).answer(q, [passage(FIGURES)])
    assert not right.abstained and right.short_answer.text.startswith("107")


def test_the_sentence_before_a_captioned_table_is_no_lead_in_unless_it_says_so():
    text = ("There were 104 of these last year, along with 47 thefts of diesel from fuel tanks.\n"
            "| Thefts from goods vehicles, by location | | |\n|---|---|---|\n"
            "| Location | 2024 | 2025 |\n|---|---|---|\n"
            "| Grain terminal | 21 | 32 |\n")
    cell = cell_at(text, text.index("21 |"))
    assert "diesel" not in cell.caption and "Thefts from goods vehicles" in cell.caption
    said = text.replace("fuel tanks.", "fuel tanks. The thefts by location are set out below.")
    assert "set out below" in cell_at(said, said.index("21 |")).caption


REGIONS = ("Fireworks seized ahead of Halloween\nThe value of fireworks seized in each Garda region is set out below:\n"
           "Dublin Metropolitan Region: €171,000\nNorth Western Region: €98,000\nEastern Region: €87,000\n"
           "Only licensed operators may buy fireworks.")


def test_the_row_a_question_names_is_read_where_the_reader_took_another():
    """The reader took the block's first row; the question names another row, whose figure in the same column
    answers. A row the block does not have is still refused."""
    q = "What was the value of the illegal fireworks seized in the North Western Region?"
    a = answerer({"€171,000": 8.0}).answer(q, [passage(REGIONS)])
    assert not a.abstained and a.short_answer.text == "€98,000"
    missing = "What was the value of the illegal fireworks seized in the Southern Region?"
    assert answerer({"€171,000": 8.0}).answer(missing, [passage(REGIONS)]).abstained
    assert tables.sibling(BREAKDOWNS, BREAKDOWNS.index("204"), "Nowhere") is None


DOVER = """Assaults on Port of Dover staff, by location
| Location | 2024 | 2025 |
|---|---|---|
| Eastern Docks check-in lanes | 24 | 38 |
| Frontier control booths | 15 | 22 |
| Townwall Street and A20 approach | 12 | 16 |
| Total | 59 | 87 |"""


def test_the_cell_of_the_row_and_year_a_question_names():
    def said(question):
        return [DOVER[a:b] for a, b in tables.named_cells(DOVER, question)]

    assert said("How many assaults were recorded on Townwall Street and the A20 approach in 2025?") == ["16"]
    assert said("At Dover's frontier control booths, what was the tally of attacks on staff in 2024?") == ["15"]
    assert said("How many assaults at the frontier control booths?") == []  # two years, none named
    assert said("How many assaults at the Western Docks cruise terminal in 2024?") == []  # no such row
    barred = "People barred, by reason\n| Main reason | 2024 | 2025 |\n|---|---|---|\n| Dishonesty | 142 | 171 |\n" \
             "| Misuse of police systems | 47 | 63 |"
    at = tables.named_cells(barred, "How many were barred in 2025 for misusing police systems?")
    assert [barred[a:b] for a, b in at] == ["63"]  # "misusing" names the row "Misuse of …"


def test_a_prose_table_row_the_reader_missed_is_read():
    """The reader took the release-wide figure; the table's row for the named place answers."""
    text = "Assaults on staff rose from 59 in 2024 to 87 in 2025.\n" + DOVER
    q = "How many assaults on port staff were recorded on Townwall Street and the A20 approach in 2025?"
    a = answerer({"87": 8.0}).answer(q, [passage(text)])
    assert not a.abstained and a.short_answer.text == "16"


def test_a_table_without_a_caption_is_told_by_the_whole_paragraph_before_it():
    """The paragraph before a caption-less table says what it counts, in its first sentence as often as its last."""
    text = ("The force recorded 47 thefts of cable in 2025, compared with 30 in 2024. Most took place at night.\n"
            "| Site | 2024 | 2025 |\n|---|---|---|\n| Tees Dock | 9 | 15 |\n| Hartlepool Docks | 6 | 9 |\n")
    cell = cell_at(text, text.rindex("9 |"))
    assert (cell.label, cell.header) == ("Hartlepool Docks", "2025") and "47 thefts of cable" in cell.caption
    q = "How many metal thefts were recorded at Hartlepool Docks in 2025?"
    a = answerer({"47": 11.0, "9": 7.0}).answer(q, [passage(text, title="Cable thieves jailed")])
    assert not a.abstained and a.short_answer.start == 100 + text.rindex("9 |")  # Hartlepool's, not Tees Dock's
