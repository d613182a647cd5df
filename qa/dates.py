"""releases → dates: when a release was published, from its metadata or from its own words.

Every release says how its date was found (``date_source``), and no date is invented:

* ``metadata``: front matter (``date``/``published``), a JSON record's field, or an HTML
  page's metadata (trafilatura reads ``<time>``, ``article:published_time``, JSON-LD);
* ``dateline``: a full date with its year in the release's opening (its first 200
  characters), as a dateline gives it: "13 June 2019", "June 13, 2019", "13/06/2019";
* ``weekday``: a weekday with a day and a month and no year ("launched today (Wednesday,
  October 18)", "on Tuesday the 14th November"). The year is the one that fits the weekday among the *recent* years: from
  the latest year the release itself mentions (hashtags included: "#NHCAW2017") to two
  years after it (a release compares this year with past ones: "47 so far this year, against
  26 in 2016"), or, when it mentions none, the ten years up to today. When none or more than
  one year fits, the release stays undated.

A weekday date names a day the release speaks of ("today", an event that week), which is
the day it was published or close to it; ``date_source`` says so, so a page can show "from
the text". A year on its own is never a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import dateparser

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = r"(?P<month>" + "|".join(m.title() for m in MONTHS) + r")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_WEEKDAY = r"(?P<weekday>" + "|".join(w.title() for w in WEEKDAYS) + r")"
WEEKDAY_DATE = re.compile(rf"\b{_WEEKDAY},?\s+(?:the\s+)?(?:{_DAY}\s+(?:of\s+)?{_MONTH}|"
                          rf"{_MONTH.replace('month', 'month2')}\s+(?:the\s+)?{_DAY.replace('day', 'day2')})\b"
                          rf"(?!,?\s+(?:19|20)\d\d)")
FULL_DATE = re.compile(rf"\b(?:{_DAY}\s+{_MONTH},?\s+(?P<year>(?:19|20)\d\d)|{_MONTH.replace('month', 'month2')}\s+"
                       rf"{_DAY.replace('day', 'day2')},?\s+(?P<year2>(?:19|20)\d\d)|"
                       rf"(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<y>(?:19|20)\d\d))\b")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# A year or a financial year, whole: "2025", "2025/26", "2024-25" (a table's column, a follow-up's "And in 2024/25?").
YEAR_OR_FINANCIAL = re.compile(r"(?<!\d)(?:19|20)\d\d(?:[/\-–]\d\d(?!\d))?(?!\d)")
OPENING = 200  # characters of the body a dateline may stand in
RECENT_YEARS = 10  # the window when a release mentions no year
AFTER_LATEST = 2  # years after the latest year a release mentions that it may have been written in


@dataclass(frozen=True)
class Dated:
    iso: str
    source: str  # dateline or weekday
    evidence: str  # the words it was read from, and why that year


def iso_date(value: object) -> str | None:
    """A date in any common written form as ISO ``YYYY-MM-DD``, or None."""
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    parsed = dateparser.parse(str(value), settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"})
    return parsed.date().isoformat() if parsed else None


def find_date(body: str, today: date | None = None) -> Dated | None:
    """The release's date from its own words, or None (see the module docstring for the rules)."""
    today = today or date.today()
    opening = FULL_DATE.search(body[:OPENING])
    if opening:
        found = iso_date(opening.group(0))
        if found and date.fromisoformat(found) <= today:
            return Dated(found, "dateline", opening.group(0))
    m = WEEKDAY_DATE.search(body)
    if not m:
        return None
    month = MONTHS.index((m.group("month") or m.group("month2")).lower()) + 1
    day = int(m.group("day") or m.group("day2"))
    weekday = WEEKDAYS.index(m.group("weekday").lower())
    years = [int(y) for y in YEAR.findall(body) if int(y) <= today.year]
    latest = max(years) if years else None
    window = range(latest, min(latest + AFTER_LATEST, today.year) + 1) if latest \
        else range(today.year - RECENT_YEARS + 1, today.year + 1)
    fits = [y for y in window if _weekday(y, month, day) == weekday and date(y, month, day) <= today]
    if len(fits) != 1:
        return None
    why = f"the latest year it mentions is {latest}" if latest else f"no year is mentioned; the last {RECENT_YEARS} years"
    return Dated(date(fits[0], month, day).isoformat(), "weekday", f"“{m.group(0)}” fits only {fits[0]} ({why})")


def _weekday(year: int, month: int, day: int) -> int | None:
    try:
        return date(year, month, day).weekday()
    except ValueError:  # 30 February
        return None
