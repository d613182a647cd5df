"""A table's cell, read as the sentence it stands for.

A release's HTML tables reach the corpus as Markdown rows (trafilatura writes ``| Abercorn Basin | 13 |``, a rule
row ``|---|---|`` after the header, and a caption as a row of its own before it). A figure in a cell is said of
its row's label, its column's header and the table's caption, with the sentence that leads into the table ("Its
work in 2025 is set out below."), not of the rows above and below it, which the answerer's window of neighbouring
sentences would otherwise read: "Clarendon Dock" in the next row does not make 13 a figure for Clarendon Dock, and
"Kingsway" heads one column, not the total beside it.

A block of labelled lines is read the same way, each line a row whose label is the words before its colon:
"Cambridgeshire: Cases = 45, samples = 66" next to "Hertfordshire: Cases = 60, samples = 107" gives 66 to
Cambridgeshire alone. A definition list of an HTML page reaches the corpus as such a block (``qa.pages``).

Where the reader took one row's figure and the question names another row, :func:`sibling` finds that row's
figure in the same column, which the answerer reads as a candidate too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answerers.spans import stem
from qa.dates import YEAR_OR_FINANCIAL

ROW = re.compile(r"^\s*\|.*\|\s*$")
RULE = re.compile(r"^\s*\|(?:\s*:?-{3,}:?\s*\|)+\s*$")
MAX_ROWS = 200  # a table longer than this is read as its rows alone
LABELLED = re.compile(r"^\s*([A-Z][\w'’\-]*(?:\s+[A-Z&][\w'’\-]*){0,4}):\s+(\S.{0,99})$")
SENTENCE_END = re.compile(r"[.!?]\s+[A-Z]")


@dataclass(frozen=True)
class Cell:
    label: str  # the row's first cell
    header: str  # the column's header, "" when the table has none
    caption: str  # the caption rows and the sentence before the table, one line each

    @property
    def said(self) -> str:
        """The cell's row and column as one text, the table's caption first."""
        head = f"{self.header}: " if self.header and self.header != self.label else ""
        return "\n".join(x for x in (self.caption, head + self.label) if x)


def cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def line_at(text: str, at: int) -> tuple[int, int, str]:
    """The line of ``text`` that holds character ``at``: its start, its end (-1 when it is the last line, with no
    line break after it) and its text."""
    start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
    return start, end, text[start:len(text) if end < 0 else end]


def cell_at(text: str, at: int) -> Cell | None:
    """The cell of ``text`` at character ``at``, or None when ``at`` is in no data row of a table (a sentence, a
    header row, a caption)."""
    line_start, line_end, line = line_at(text, at)
    if not ROW.match(line):
        return _labelled(text, line_start, line)
    if RULE.match(line):
        return None
    below = text[line_end + 1:].split("\n", 1)[0] if line_end >= 0 else ""
    if RULE.match(below):
        return None  # a header row
    above = text[:line_start].split("\n")[:-1]  # the lines before this row, nearest last
    table: list[str] = []
    lead = ""
    for previous in reversed(above):
        if not ROW.match(previous):
            lead = previous.strip()
            break
        table.insert(0, previous)
        if len(table) >= MAX_ROWS:
            break
    rules = [i for i, r in enumerate(table) if RULE.match(r)]
    if not rules:
        return None  # a table without a header rule: no row tells which is the header
    head_rows = [r for r in table[:rules[-1]] if not RULE.match(r)]
    captions = [r for r in head_rows if len([c for c in cells(r) if c]) <= 1]
    headers = [r for r in head_rows if r not in captions]
    col = line[:at - line_start].count("|") - 1
    row = cells(line)
    header_cells = cells(headers[-1]) if headers else []
    header = header_cells[col] if 0 <= col < len(header_cells) else ""
    # The sentence before a table leads into it when it says so ("… are shown below.", "… by area:"); a table with
    # no caption of its own tells what the whole paragraph before it does ("The force recorded 47 thefts … in 2025.
    # Most took place at night …", then rows by site); otherwise that sentence is the text's last fact before the
    # table ("… and 47 thefts of diesel"), not what the table counts.
    leads = [lead] if lead and not captions else [_last_sentence(lead)] if LEADS_IN.search(_last_sentence(lead)) else []
    caption = "\n".join(leads + [" ".join(c for c in cells(r) if c) for r in captions])
    return Cell(label=row[0] if row else "", header=header, caption=caption)


LEADS_IN = re.compile(r":\s*$|\b(?:below|following|as follows|table|set out|breakdown|shown)\b", re.I)


def _last_sentence(lead: str) -> str:
    """The sentence that leads into a table or a block: the last of the line before it."""
    return re.split(r"(?<=[.!?:])\s+", lead)[-1]


def _is_labelled(line: str) -> bool:
    return bool(LABELLED.match(line)) and not SENTENCE_END.search(line)


def _labelled(text: str, line_start: int, line: str) -> Cell | None:
    """A line of a block of two or more labelled lines ("Bedfordshire: Cases = 22"), read as a row: its label, and
    the block's lead-in sentence ("Here is a breakdown of the local figures:") as its caption."""
    if not _is_labelled(line):
        return None
    above = [x for x in text[:line_start].split("\n")[:-1] if x.strip()]
    below = [x for x in text[line_start + len(line):].split("\n") if x.strip()]
    if not (above and _is_labelled(above[-1]) or below and _is_labelled(below[0])):
        return None  # one line with a colon is a sentence ("Police said: …"), not a block
    lead = next((x.strip() for x in reversed(above[-MAX_ROWS:]) if not _is_labelled(x)), "")
    return Cell(label=LABELLED.match(line).group(1), header="", caption=_last_sentence(lead) if lead else "")


def sibling(text: str, at: int, label: str) -> tuple[int, int] | None:
    """Where, in the table or block of labelled lines that holds character ``at`` of ``text``, the row labelled
    ``label`` has its figure in the same column: (start, end) of that cell's text, or None when no row of the
    table or block (within ``MAX_ROWS`` of it) is so labelled. The reader finds a table by the question's words and
    often takes its first row's figure; the question's name says which row it asks for."""
    line_start, line_end, line = line_at(text, at)
    table = bool(ROW.match(line))
    same_kind = ROW.match if table else _is_labelled
    if not table and not _is_labelled(line):
        return None
    col = line[:at - line_start].count("|") if table else None
    rows, start = [], line_start
    while start > 0 and len(rows) < MAX_ROWS:  # the rows above, up to the table's or block's first
        prev_start = text.rfind("\n", 0, start - 1) + 1
        if not same_kind(text[prev_start:start - 1]):
            break
        rows.append(prev_start)
        start = prev_start
    start = line_end + 1 if line_end >= 0 else len(text)
    while start < len(text) and len(rows) < 2 * MAX_ROWS:  # and below, to its last
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if not same_kind(text[start:end]):
            break
        rows.append(start)
        start = end + 1
    wanted = label.lower()
    for row_start in rows:
        row_end = text.find("\n", row_start)
        row = text[row_start:len(text) if row_end < 0 else row_end]
        if table:
            parts = row.split("|")
            if len(parts) <= col + 1 or parts[1].strip().lower() != wanted:
                continue
            return _cell_span(row_start, parts, col)
        m = LABELLED.match(row)
        if m and m.group(1).strip().lower() == wanted:
            return row_start + m.start(2), row_start + m.end(2)
    return None


_LABEL_STOP = frozenset("a an and the of at in on for to by from with".split())


def _words(text: str) -> set[str]:
    """The words of a label or question, stemmed so that a row's "Misuse of police systems" is the one a question
    names "misusing police systems"."""
    return {stem(w).rstrip("e") for w in re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))
            if w not in _LABEL_STOP}


def named_cells(text: str, question: str) -> list[tuple[int, int]]:
    """The cells of ``text``'s tables that the question names: in the row whose label's words the question all
    says ("Townwall Street and A20 approach" for "… on Townwall Street and the A20 approach in 2025?"), the column
    whose header is the year the question names, or the table's one column of figures. A question naming two
    rows, or no year where the table has several columns, names no cell. (start, end) of each cell's text."""
    asked, years = _words(question), set(YEAR_OR_FINANCIAL.findall(question))
    out, lines, at = [], text.split("\n"), 0
    starts = []
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    i = 0
    while i < len(lines):
        if not (ROW.match(lines[i]) and i + 1 < len(lines) and RULE.match(lines[i + 1])):
            i += 1
            continue
        header = cells(lines[i])
        if years:
            columns = [c for c, h in enumerate(header) if c > 0 and set(YEAR_OR_FINANCIAL.findall(h)) & years]
        else:
            columns = [1] if len(header) == 2 else []
        j, named = i + 2, []
        while j < len(lines) and ROW.match(lines[j]) and j - i < MAX_ROWS:
            label = _words(cells(lines[j])[0])
            if label and label <= asked:
                named.append(j)
            j += 1
        if len(named) == 1 and len(columns) == 1:
            parts = lines[named[0]].split("|")
            if len(parts) > columns[0] + 1 and parts[columns[0] + 1].strip():  # the cell after the row's opening "|"
                out.append(_cell_span(starts[named[0]], parts, columns[0] + 1))
        i = j
    return out


def _cell_span(row_start: int, parts: list[str], index: int) -> tuple[int, int]:
    """(start, end) of the text of ``parts[index]``, a row split at its "|", the row starting at ``row_start``."""
    offset = row_start + sum(len(p) + 1 for p in parts[:index])
    said = parts[index]
    return offset + len(said) - len(said.lstrip()), offset + len(said.rstrip())
