"""question → timeframe: when the asked-for fact should hold, read from the question's own words.

``RuleTimeReader(today=...).read(question)`` gives a :class:`Timeframe`: bounds on when a
release was published (``since``/``until``, the period the question names) and whether the
question asks for what holds now (``recent``). ``today`` is injectable (a date or a function
returning one) so that tests do not depend on the calendar.

**Bounds.** A date expression counts only as the object of a time word:

* "in 2019", "during 2019", "throughout 2019" → 2019-01-01 … 2019-12-31; "in May 2021", "on
  12 March 2019" → that month or day; a financial year "in 2018/19" → 2018-04-01 … 2019-03-31
  (the UK public sector's year, which police releases use); "in the summer of 2019" → its
  months (June to August);
* "since X", "after X", "from X": open-ended, from the start of X ("after": the day after X ends);
* "before X": up to the day before X starts; "until X", "till X", "up to X": up to X's end;
* "between X and Y", "from X to Y": from X's start to Y's end;
* calendar periods relative to today: "last year", "this year", "last month", "this month",
  "last week", "this week" (this year: 1 January up to today); "in the past/last year",
  "the past/last 3 years", "the last six months": that long up to today; after "since",
  "before" and the like they bound one side only ("since last year": from 1 January of it).

A month without a year names no year, so it gives bounds only after "since", "after" or
"from" ("since May": from the latest 1 May on or before today, as a count "since May" runs up
to now), and not in a question about what is to come ("will the patrols be extended from
June?" names a June ahead, not when the release came out); "in May", "before June" or
"between April and October" give none (a release's own "between April and October" may be
of any year), and neither does a day without a year ("on 12 March"). A year that is not the object of a time
word ("the 2018 World Cup", "2018/19 figures") gives none either: the answerer's year check
still asks for it beside the answer. Several expressions are intersected.

**Recency.** "current", "currently", "now", "nowadays", "latest", "most recent", "recent",
"recently", "newest", "new" (not in a name: "New Forest", "New Year"), "today", "still", "at
present", "presently", "these days" set ``recent``. A question with neither bounds nor a
recency word but in the present tense ("Who is the commissioner?", "How many officers have
been trained?", not "was", "were", "did", "had") sets ``present``: it changes no retrieval,
but when competing answers come from releases of different dates the latest is given, with
its date and the earlier answer, as for ``recent`` (issue 12: "when releases disagree over
time … the answer prefers the latest"). Without such a disagreement nothing changes.

**Parsing.** Plain rules find the expressions; dateparser parses each one (day first,
relative to today). dateparser's ``search_dates`` was tried as the finder and dropped: it
split "before June 2018" into "June" (of this year) and "2018", read "may" the verb ("how
many arrests may be made") and bare numbers ("17 officers") as dates, and read "12/03/2019"
month first. The tests keep those cases.

**What the service does with it** (:func:`narrow`, :mod:`qa.service`, :mod:`qa.passages`):

* Bounds narrow retrieval. A release may report on a period after it ends (a year's figures
  come out the next year), so retrieval keeps releases published up to ``REPORTING_LAG_DAYS``
  after the period, and, for a calendar year, any release whose text names the year (a release of
  2026 comparing with "131 in 2024" reports on 2024 too), for a financial year any that names it
  written "2024/25" (the form UK releases use most; "2024-25" is not looked for); the answer's
  year check then needs the year beside the answer, or the release published within the period
  (:meth:`Timeframe.dated_support`). Undated releases are kept: nothing rules them out. Bounds
  are intersected with the request's own date filters; when they do not overlap, the request's
  filters win, and with request filters undated releases stay out, as they always did. When no
  dated release falls within the bounds they are not applied (they would remove every dated
  release and leave the undated ones): the timeframe's ``note`` says so.
* Recency adds a third ranking to the fusion: releases newest first (releases of one date
  share a rank). An undated release is given one fixed age, older than every dated candidate
  (Onyx gives undated documents a fixed age too; here "old", since nothing shows them to be
  current), so undated releases keep their order among themselves and a dated one wins a tie.
  The answerer then prefers the latest of competing answers (:mod:`qa.answerers.dating`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from qa.store import Filters

REPORTING_LAG_DAYS = 365  # how long after a period a release may still report on it
SHORT_PERIOD_DAYS = 366  # a release published within a period this short speaks of it (dated_support)

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
         "nov": 11, "dec": 12}
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11)}  # winter spans a year end: read as no bounds
_MONTH = r"(?:" + "|".join(MONTHS) + r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?)"
_DAY = r"(?:[0-3]?\d(?:st|nd|rd|th)?)"
_YEAR = r"(?:19|20)\d\d"
_NUMBER = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# A date expression, longest shapes first. Named groups say what it names.
DATE = (rf"(?:the\s+)?(?:"
        rf"(?P<fy>{_YEAR})[/-](?P<fy2>\d\d(?:\d\d)?)(?:\s+financial\s+year)?"
        rf"|(?P<season>spring|summer|autumn)\s+(?:of\s+)?(?P<syear>{_YEAR})"
        rf"|(?P<numeric>[0-3]?\d/[01]?\d/{_YEAR})"
        rf"|(?P<dm>{_DAY}\s+(?:of\s+)?{_MONTH}),?(?:\s+(?P<dmy>{_YEAR}))?"
        rf"|(?P<md>{_MONTH}\s+{_DAY})(?:,?\s+(?P<mdy>{_YEAR}))?(?![\d:])"
        rf"|(?P<month>{_MONTH})(?:,?\s+(?:of\s+)?(?P<my>{_YEAR}))?"
        rf"|(?P<year>{_YEAR})(?:\s+financial\s+year)?"
        rf")(?![\w/])")
_D1, _D2 = (re.sub(r"\(\?P<(\w+)>", rf"(?P<\g<1>_{n}>", DATE) for n in (1, 2))  # one copy per place
FRAMES = re.compile(
    rf"\b(?P<between>between|from)\s+{_D1}\s+(?:and|to|until|till)\s+{_D2}"
    rf"|\b(?P<word>in|during|throughout|on|since|after|from|before|until|till|up\s+to)\s+{DATE}", re.I)
RELATIVE = re.compile(r"\b(?P<which>last|this|past|previous)\s+(?P<unit>year|month|week)\b"
                      rf"|\b(?:in\s+|over\s+|during\s+)?the\s+(?:past|last)\s+(?:(?P<n>{_NUMBER})\s+)?"
                      r"(?P<units>years?|months?|weeks?)\b", re.I)
RECENCY = re.compile(r"\b(?:current|currently|now|nowadays|latest|most\s+recent(?:ly)?|recent|recently|newest|"
                     r"today|today['’]s|still|at\s+present|presently|these\s+days)\b|(?P<new>\bnew\b)", re.I)
WORD_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve"
                                           .split())}


class Timeframe(BaseModel):
    """The time a question speaks of: bounds on the releases' publication dates and/or a wish for the latest."""

    model_config = ConfigDict(frozen=True)

    since: str | None = Field(None, description="the first day of the period the question names (ISO)")
    until: str | None = Field(None, description="the last day of the period the question names (ISO)")
    recent: bool = Field(False, description="the question asks for what holds now: the latest release is preferred")
    present: bool = Field(False, description="asked in the present tense with no time of its own (“who is …”): "
                                             "when dated releases give different answers, the latest is given")
    phrases: list[str] = Field(default_factory=list, description="the words it was read from")
    filtered: bool = Field(False, description="the bounds narrowed retrieval")
    note: str | None = Field(None, description="why the bounds were not applied, when they were not")

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.recent)

    @property
    def bounded(self) -> bool:
        return bool(self.since or self.until)

    def reported_until(self) -> str | None:
        """The latest publication date of a release that may report on the period (``until`` + the lag)."""
        if not self.until:
            return None
        return (date.fromisoformat(self.until) + timedelta(days=REPORTING_LAG_DAYS)).isoformat()

    def short(self) -> bool:
        """Whether the period is closed and at most a year long (a release published within it speaks of it)."""
        if not (self.since and self.until):
            return False
        return (date.fromisoformat(self.until) - date.fromisoformat(self.since)).days < SHORT_PERIOD_DAYS

    def dated_support(self, kind: str, text: str, published: str | None, nearby: str) -> bool:
        """Whether a release's date supports a year or time constraint of the question (``kind``, ``text``) that
        the words ``nearby`` the answer do not: the period is short, the release was published within it, every
        year the constraint names is in it, and ``nearby`` names no year outside it (a sentence that names
        another year speaks of that year, not of its release's)."""
        if kind not in ("year", "time") or not published or not self.short():
            return False
        if not self.since <= published[:10] <= self.until:
            return False
        years = range(int(self.since[:4]), int(self.until[:4]) + 1)
        named = [int(y) for y in re.findall(rf"(?<!\d)({_YEAR})(?!\d)", text)]
        around = [int(y) for y in re.findall(rf"(?<!\d)({_YEAR})(?!\d)", nearby)]
        return all(y in years for y in named) and all(y in years for y in around)


# A question in the present tense asks for what holds now, even without a time word ("Who is the
# commissioner?"); one in the past tense asks for what held then.
PRESENT = re.compile(r"\b(is|are|has|have)\b|\b(what|who|where|how)'s\b|'re\b", re.I)
PAST = re.compile(r"\b(was|were|did|had|used to)\b", re.I)


class TimeReader(Protocol):
    def read(self, question: str) -> Timeframe: ...


class RuleTimeReader:
    """The rules of this module's docstring; ``today`` is a date, a function returning one, or None (the clock)."""

    def __init__(self, today: date | Callable[[], date] | None = None) -> None:
        if today is not None and not (isinstance(today, date) or callable(today)):
            raise ValueError(f"today must be a date or a function returning one, got {today!r}")
        self._today = today

    def today(self) -> date:
        if self._today is None:
            return date.today()
        return self._today if isinstance(self._today, date) else self._today()

    def read(self, question: str) -> Timeframe:
        q = " ".join(question.replace("’", "'").split())
        today = self.today()
        found: list[tuple[date | None, date | None, str]] = []
        taken: list[tuple[int, int]] = []
        future = bool(FUTURE.search(q))
        for m in FRAMES.finditer(q):
            bounds = self._frame(m, today, future)
            if bounds is not None:
                found.append((*bounds, m.group(0)))
                taken.append(m.span())
        for m in RELATIVE.finditer(q):
            if not any(a <= m.start() < b for a, b in taken):
                start, end = _relative(m, today)
                word = re.search(r"\b(since|after|from|before|until|till)\s+$", q[:m.start()], re.I)
                said = m.group(0).strip()
                if word:  # "since last year": open-ended, like "since 2023"
                    said = f"{word.group(1)} {said}"
                    start, end = {"since": (start, None), "from": (start, None),
                                  "after": (end + timedelta(days=1), None), "before": (None, start - timedelta(days=1)),
                                  }.get(word.group(1).lower(), (None, end))
                found.append((start, end, said))
        since = max((s for s, _, _ in found if s), default=None)
        until = min((u for _, u, _ in found if u), default=None)
        phrases = [p for *_, p in found]
        recent = False
        for m in RECENCY.finditer(q):
            if m.group("new") and _in_name(q, m.start(), m.end()):
                continue
            recent = True
            phrases.append(m.group(0))
        if since and until and since > until:  # "since 2020 … before 2018": nothing fits; keep neither
            since = until = None
        present = not (since or until or recent) and bool(PRESENT.search(q)) and not PAST.search(q)
        return Timeframe(since=since.isoformat() if since else None, until=until.isoformat() if until else None,
                         recent=recent, present=present, phrases=phrases)

    def _frame(self, m: re.Match, today: date, future: bool = False) -> tuple[date | None, date | None] | None:
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        if m.group("between"):
            first = _period({k[:-2]: v for k, v in groups.items() if k.endswith("_1")}, today, anchored=False)
            second = _period({k[:-2]: v for k, v in groups.items() if k.endswith("_2")}, today, anchored=False)
            if not first or not second:
                return None
            return first[0], second[1]
        word = " ".join(m.group("word").lower().split())
        anchored = word in ("since", "after", "from") and not future  # "will be extended from June": a June to come
        period = _period(groups, today, anchored=anchored)
        if period is None:
            return None
        start, end = period
        if word in ("since", "from"):
            return start, None
        if word == "after":
            return end + timedelta(days=1), None
        if word == "before":
            return None, start - timedelta(days=1)
        if word in ("until", "till", "up to"):
            return None, end
        return start, end  # in, during, throughout, on


# A question about what is to come: a month it names without a year ("will the patrols be extended from June?") is
# the next such month, which says nothing of when the release that announced it came out.
FUTURE = re.compile(r"\b(?:will|shall|going to|due to|set to)\b", re.I)


def _period(groups: dict[str, str], today: date, anchored: bool) -> tuple[date, date] | None:
    """The first and last day a date expression names; a month without a year only when ``anchored`` (after
    "since"/"after"/"from": the latest such month on or before today)."""
    if "fy" in groups:
        start = int(groups["fy"])
        tail = groups["fy2"]
        if int(tail[-2:]) != (start + 1) % 100:
            return None  # "2018/17" or "2018-2020" is not one financial year
        return date(start, 4, 1), date(start + 1, 3, 31)
    if "season" in groups:
        first, last = SEASONS[groups["season"].lower()]
        year = int(groups["syear"])
        return date(year, first, 1), _month_end(year, last)
    if "year" in groups:
        year = int(groups["year"])
        return date(year, 1, 1), date(year, 12, 31)
    text = next((groups[k] for k in ("numeric", "dm", "md") if k in groups), None)
    year = groups.get("dmy") or groups.get("mdy")
    if text is not None:  # a day
        if year is None and "numeric" not in groups:
            return None  # "on 12 March": which year is not said
        day = _parse(f"{text} {year or ''}".strip(), today)
        return (day, day) if day else None
    month = _month(groups["month"])
    if "my" in groups:
        year = int(groups["my"])
    elif anchored:
        year = today.year if month <= today.month else today.year - 1
    else:
        return None
    return date(year, month, 1), _month_end(year, month)


def _parse(text: str, today: date) -> date | None:
    import dateparser  # slow to import; only a question with a day date needs it

    parsed = dateparser.parse(text, languages=["en"], settings={
        "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "RELATIVE_BASE": _midnight(today),
        "REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date() if parsed else None


def _midnight(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


def _relative(m: re.Match, today: date) -> tuple[date | None, date | None]:
    if m.group("which"):
        which, unit = m.group("which").lower(), m.group("unit").lower()
        back = which in ("last", "previous")
        if which == "past":  # "past year" without "the": the twelve months up to today
            return _ago(today, 1, unit), today
        if unit == "year":
            year = today.year - back
            return date(year, 1, 1), (date(year, 12, 31) if back else today)
        if unit == "month":
            first = today.replace(day=1)
            if back:
                last = first - timedelta(days=1)
                return last.replace(day=1), last
            return first, today
        monday = today - timedelta(days=today.weekday())
        return (monday - timedelta(days=7), monday - timedelta(days=1)) if back else (monday, today)
    n = m.group("n")
    count = 1 if n is None else (int(n) if n.isdigit() else WORD_NUMBERS[n.lower()])
    return _ago(today, count, m.group("units").lower().rstrip("s")), today


def _ago(today: date, n: int, unit: str) -> date:
    if unit == "week":
        return today - timedelta(weeks=n)
    months = n * (12 if unit == "year" else 1)
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, _month_end(year, month + 1).day))


def _month(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTHS.index(w) + 1 if w in MONTHS else _ABBR[w]


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))


def _in_name(text: str, start: int, end: int) -> bool:
    """Whether "New" at ``start`` is part of a name: capitalised and followed by a capitalised word ("New Forest",
    "New Year"; "Newport" is one word anyway)."""
    return text[start].isupper() and re.match(r"\s+[A-Z]", text[end:]) is not None


def narrow(frame: Timeframe, filters: Filters | None,
           dated: Callable[[Filters], int]) -> tuple[Filters | None, Timeframe]:
    """The retrieval filters for a question read as ``frame``, given the request's own ``filters``, and the
    frame with ``filtered``/``note`` filled in. ``dated(filters)`` counts the dated releases the filters allow
    (the bounds are not applied when none). See the module docstring for the rules."""
    if not frame.bounded:
        return filters, frame
    since, until = frame.since, frame.reported_until()
    source = filters.source if filters else None
    undated = True
    if filters and (filters.since or filters.until):
        undated = False  # the request's date filters leave undated releases out, as they always have
        since, until = _latest(since, filters.since), _earliest(until, filters.until)
        if since and until and since > until:
            return filters, frame.model_copy(update={"note": "the request's date filters win over the question's "
                                                             f"“{_said(frame)}”: they do not overlap"})
    whole_year = frame.since and frame.until and frame.since[:4] == frame.until[:4] \
        and frame.since[4:] == "-01-01" and frame.until[4:] == "-12-31"
    financial = frame.since and frame.until and frame.since[4:] == "-04-01" and frame.until[4:] == "-03-31" \
        and int(frame.until[:4]) == int(frame.since[:4]) + 1
    said = frame.since[:4] if whole_year else f"{frame.since[:4]}/{frame.until[2:4]}" if financial else None
    narrowed = Filters(since, until, source, undated=undated, year=said)
    if not dated(Filters(since, until, source)):
        return filters, frame.model_copy(update={"note": f"no dated release falls in {since or '…'} – "
                                                         f"{until or '…'}; the question's “{_said(frame)}” was "
                                                         f"not applied"})
    return narrowed, frame.model_copy(update={"filtered": True})


def _latest(a: str | None, b: str | None) -> str | None:
    return max(x for x in (a, b) if x) if a or b else None


def _earliest(a: str | None, b: str | None) -> str | None:
    return min(x for x in (a, b) if x) if a or b else None


def _said(frame: Timeframe) -> str:
    words = [p for p in frame.phrases if re.search(r"\d|year|month|week|since|before|after|until", p, re.I)]
    return ", ".join(words or frame.phrases)
