"""A table's cell read as its row, its column and its caption (qa.answerers.tables), and the answerer reading a
figure in a table so."""

from __future__ import annotations

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
    assert answerer({"13": 8.0}).answer(q, [passage(LIFEBUOYS)]).abstained
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
    assert answerer({"66": 8.0}).answer(q, [passage(FIGURES)]).abstained  # Cambridgeshire's, beside Herts's line
    right = answerer({"107": 8.0}).answer(q, [passage(FIGURES)])
    assert not right.abstained and right.short_answer.text.startswith("107")
