"""The checks an answer must pass: it is the kind of thing asked for, and it respects the question's constraints.

* :func:`type_ok` — the span has the written shape of the expected type: a count holds a
  number (digits or a number word) and is not a year on its own ("2012" is no age), money a
  currency sign or "pounds", a percentage "%" or "per cent", a date a day, month, year,
  weekday, time of day or "end/start of …" and is not a length of time ("over 400 years"), a
  duration a number with a unit of time, a contact a phone number, email, web address or
  postcode, a person, organisation or place a capitalised word (or, for a person, a job
  title such as "the Home Secretary"). Lists and descriptions have no shape to check.
* :func:`missing` — which constraints (:mod:`qa.questions`) a text does not support.
  A name is supported when each of its words (case and a plural or possessive ending
  aside) is in the text, or when it is an acronym of a capitalised phrase there
  ("PCC" ↔ "Police and Crime Commissioner") or the other way round; a name "X for Y" or
  "X of Y" also by the possessive "Y's X" ("Police and Crime Commissioner for Westshire" ↔
  "Westshire's new Police and Crime Commissioner"); a year "2018/19"
  by "2018/19", "2018-19" or "2018"; a time phrase ("last year", "since May") by the
  phrase, or by a year or the month it names; a qualifier ("first") by its own word.
  "alone", "only", "each", "every" and "per" only sharpen the constraint beside them and
  need no word of their own.
* :func:`said_as_place` — a one-word name said right after "in", "at", "across" … (and the
  capitalised words of a list: "across County Durham and Darlington") is a place, so it is no
  answer to "who".
* :func:`shaped` — besides the type's shape, the misreadings the other-forces checks found, each
  measured on SQuAD 1.1 train with ``qa eval gold-shapes`` before it landed: a figure of another
  kind (:func:`misread_figure`, :func:`is_share`, :func:`said_as_age`, :func:`bare_length`), a sum
  or a length of another kind (:func:`sum_of_other`, :func:`term_of_other`), another step of a
  case (:func:`other_stage`: arrested is not charged), the opposite superlative
  (:func:`opposite_superlative`), a place or a body for a person (:func:`said_as_place`,
  :func:`body_for_role`, :func:`body_acronym`), someone of another rank or office for a role
  (:func:`other_role`), a total for each one's part (:func:`total_for_part`), a kind unnamed for
  "which …" (:func:`unsaid_which`), a description for a name (:func:`unnamed`).
* :func:`listed_only`, :func:`rival_named` — a name the answer needs near it, said there only in a
  list of names, or only beside a sentence that gives the figure to another thing of its kind.
* :func:`dateline` — a sentence that is only a date with its label ("Published: 14 March 2024",
  "Posted on Friday 2 February 2024, 10:31"): when the release went out, not when anything in it
  happened, so it answers nothing but a question about publishing, and is not what a release is about.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa import pages
from qa.answerers import spans
from qa.answerers.extractive import content_words
from qa.dates import FULL_DATE, MONTHS, WEEKDAY_DATE
from qa.questions import (NAME_HEADS, ORGANISATION_NOUNS, PEOPLE_PLURALS, PERSON_NOUNS, PLACE_ENDINGS, PLACE_NOUNS,
                          PLURALS, PREPOSITIONS, Analysis, AnswerType, Constraint, noun_lemma)
from qa.store import STOPWORDS

NUMBER_WORD = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                         r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
                         r"eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|half|a quarter|"
                         r"a third|single|double|both|several|once|twice)\b", re.I)
DIGIT = re.compile(r"\d")
MONEY = re.compile(r"[£$€]|\b(?:pounds?|pence|p\b|dollars?|euros?|million|billion|bn\b|m\b)", re.I)
PERCENT = re.compile(r"%|\bper ?cent\b|\bpercentage\b|\bhalf\b|\bhalves\b|\bthirds?\b|\bquarters?\b", re.I)
TIME_OF_DAY = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|\bmidnight\b|\bnoon\b|"
                         r"\bmidday\b|\b(?:morning|afternoon|evening|night)\b", re.I)
DATE_WORDS = re.compile(r"\b(?:end|start|beginning|middle|close) of\b|\b(?:spring|summer|autumn|winter|christmas|"
                        r"easter|today|yesterday|tomorrow|century|decade|"
                        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b|\b\d{1,2}(?:st|nd|rd|th)\b|"
                        r"\b(?:\d{1,2}(?:st|nd|rd|th)?|\d{4}s?)\b", re.I)
UK_PHONE = re.compile(r"(?<!\w)(?:\+44\s?|0)\d{2,4}[\s-]\d{3,4}[\s-]?\d{3,4}(?!\w)")
PHONE = re.compile(r"(?<!\w)(?:\+44\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\w)|"
                   r"(?<!\w)(?:999|101|105|111|112|119)(?!\w)|"
                   r"(?<![\w-])(?:\+?1[\s-])?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?![\w-])|\+\d{1,3}[\s-]?\d[\d\s-]{6,}\d")
# (a short number is a service's: 999, 101, 111 …, not any three digits: "143 pursuits"; an overseas territory's is
# written "441-247-1744" or "+1 345 949 4222")
EMAIL_URL = re.compile(r"\S+@\S+\.\w+|\bwww\.\S+|https?://\S+|\b\w+\.(?:gov|org|police|co|com|uk)\b|\bwebsite\b|"
                       r"@\w+", re.I)
# A police log's incident number, said with its day: "0419 of Sunday, 23 August", "512 of 22/04/26"
INCIDENT_LOG = re.compile(r"\b\d{2,6}\s+of\s+(?:\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)", re.I)
# A reference written as parts joined by slashes or hyphens, with a digit and a capital ("IOPC/LL/2026/07"), or a
# force's crime reference ("26*081344")
REFERENCE = re.compile(r"\b(?=[\w/\-]*\d)(?=[\w/\-]*[A-Z])[A-Z0-9]+(?:[/\-][A-Z0-9]+){2,}\b|\b\d{1,4}\*\d{3,}\b")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
SPAN_OF_TIME = re.compile(r"\b\d[\d,.]*\s+(?:years?|months?|weeks?|days?|hours?|minutes?)\b", re.I)
_ONLY_SHARPEN = frozenset({"alone", "only", "each", "every", "per"})
# A figure, in digits or in words ("157", "1,208", "Forty-three"): where a count's number is in a span.
FIGURE = re.compile(rf"\d[\d,.]*|{NUMBER_WORD.pattern}", re.I)
# A word of a person's name ("Aspinall", "O'Neill", "Smith-Jones").
NAME_WORD = re.compile(r"[A-Z][a-z]+(?:[\-’'][A-Z]?[a-z]+)?")


def only_years(span: str) -> bool:
    """Whether every number of ``span`` is a year ("2012", "from 2007 until 2012"), none of them counting
    the thing after it ("2000 arrests")."""
    numbers = list(re.finditer(r"\d[\d,.]*", span))
    return bool(numbers) and all(
        re.fullmatch(r"(?:19|20)\d{2}", m.group()) and not re.match(r"\s+[A-Za-z]+s\b", span[m.end():])
        for m in numbers)


def type_ok(expected: AnswerType, span: str) -> bool:
    """Whether ``span`` has the written shape of the ``expected`` type (see the module docstring)."""
    has_number = bool(DIGIT.search(span) or NUMBER_WORD.search(span))
    if expected == "count":  # a number of things, not an amount of money (£ or "pounds"), a share, a year or a time
        priced = re.search(r"[£$€%]|\bper ?cent\b|\b(?:pounds?|pence|dollars?|euros?)\b", span, re.I)
        return has_number and not priced and not only_years(span) and not CLOCK.search(span)
    if expected == "money":
        return bool(MONEY.search(span)) and has_number or bool(re.search(r"[£$€]\s?\d", span))
    if expected == "percentage":
        return bool(PERCENT.search(span))
    if expected == "date":  # a written date, or a time or day word that is not a length of time ("over 400 years")
        if re.search(r"[£$€]\s?\d", span) or UK_PHONE.search(span):  # "April at EC$50,000" runs on into a sum;
            return False  # "0800 161 3720" is a phone number, not the year 0800
        if COUNTED_FIGURE.search(TIME_OF_DAY.sub(" ", spans.DATE.sub(" ", span))):
            return False  # "59 in 2024 to 87 in 2025" holds counts, not a date
        if spans.DATE.search(span):
            return True
        return bool(TIME_OF_DAY.search(span) or DATE_WORDS.search(span)) and not SPAN_OF_TIME.search(span)
    if expected == "duration":  # a length of time, not the time of day ("9pm") it ended at
        lifelong = re.search(r"\b(?:life|lifetime|a year|a month|a week|a day|an hour)\b", span, re.I)
        return (has_number or bool(lifelong)) and not CLOCK.search(span)
    if expected == "contact":
        return bool(PHONE.search(span) or EMAIL_URL.search(span) or POSTCODE.search(span) or INCIDENT_LOG.search(span)
                    or REFERENCE.search(span))
    if expected == "person":  # a name, a role ("the Home Secretary") or a group ("local residents"): words, not figures
        return bool(re.search(r"[A-Za-z]{2,}", span)) and not (DIGIT.search(span) and not re.search(r"[A-Z]", span))
    if expected in ("organisation", "place"):
        return any(w[:1].isupper() for w in re.findall(r"[A-Za-z][\w’'\-]*", span))
    return True


# A figure no date has: above 31 and no year, or written with a thousands comma
COUNTED_FIGURE = re.compile(r"(?<![\d,.])(?:\d{1,3}(?:,\d{3})+|[4-9]\d|3[2-9]|\d{3})(?![\d,]|\.\d|st|nd|rd|th|s\b)")
CLOCK = re.compile(r"\b\d{1,2}(?:[.:]\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\s?(?:hrs|hours)?\b|\b\d{4}hrs\b", re.I)
_DOTTED = re.compile(r"\b(?:[A-Za-z]\.){2,}")
SMALL_NUMBERS = {str(i): w for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                                  "thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
                                                  "twenty".split())}


def _norm(text: str) -> str:
    text = _DOTTED.sub(lambda m: m.group().replace(".", ""), text)  # "U.S." → "US"
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'s ", " "))) + " "


def _word_in(word: str, text: str) -> bool:
    """Whether ``word`` or a form of it is a word of the normalised ``text``: the same word, or one sharing all
    but its last two letters ("Israelis" ~ "Israel", "Palestine" ~ "Palestinian"), four letters at least."""
    w = _norm(word).strip()
    if not w or f" {w} " in text:
        return True
    if len(w) <= 3:
        return False
    stem = w[:max(4, len(w) - 2)]
    for m in re.finditer(rf" {re.escape(stem)}(\w*)(?= )", text):
        if len(m.group(1)) <= 4:
            return True
    return False


def says_part(words: tuple[str, ...], sentence: str) -> bool:
    """Whether a count's own sentence says what the asked-for part is or does (:func:`qa.questions.subset`): one of
    the words, in a form :func:`_word_in` accepts ("14 have so far been charged" for "how many of the 19 arrested
    were charged?"; "conviction" for "convicted"). A count beside no such word counts the whole or another part
    ("Nineteen people were arrested" for how many of them come from Xylofagou). A trade, taken for the checks'
    near-misses: on SQuAD 1.1 train, 15 of the 103 right answers to such questions say the part in other words
    ("were inhabited" for "did people live", "based in the city" for "located in London") and are refused. The rule
    it replaced refused only a count of the whole's own noun ("87 knives" for those found on pupils) and none of
    those 103, but let "Almost a hundred of Teesside's oldest cameras" answer how many are going to Hartlepool. A
    hyphenated word is one word: the "drug-drive campaign" that 58 drivers were arrested in does not say which of
    them were suspected of drug driving."""
    normed = " " + " ".join(re.sub(r"['’]s?$", "", w.lower()) for w in content_words(sentence)) + " "
    return not words or any(_word_in(w, normed) for w in words)


def _phrase_in(words: list[str], normed: str) -> bool:
    """The words in order, each in a form ``_word_in`` accepts, with at most two other words between two of them
    ("Police and Crime Commissioner", "Road Policing Unit" but not "road" … "policing" … "unit" far apart)."""
    parts = []
    for w in words:
        n = _norm(w).strip()
        parts.append(re.escape(n) if len(n) <= 3 else re.escape(n[:max(4, len(n) - 2)]) + r"\w{0,4}")
    return re.search(r" " + r"(?: \w+){0,2} ".join(parts) + r" ", normed) is not None


# Capitalised words in a row, with at most one small word between two of them: "Police and Crime Commissioner".
CAPITALISED_RUN = re.compile(r"[A-Z][\w’'\-]*(?:\s+(?:(?:and|of|the|for|&)\s+)?[A-Z][\w’'\-]*)+")


def _initials(text: str) -> set[str]:
    return {"".join(w[0] for w in m.group().split() if w[0].isupper()) for m in CAPITALISED_RUN.finditer(text)}


def spells(acronym: str, text: str) -> bool:
    """Whether capitalised words in a row in ``text`` have ``acronym`` (or its plural "PCCs") as initials: "PCC" in
    "Hertfordshire Police and Crime Commissioner David Lloyd", where the whole run's initials are "HPCCDL". Two
    letters must be a run of their own ("the Home Office", not "Detective Chief Inspector Alex Willcox" for "AW")."""
    runs = _initials(text)
    for wanted in {acronym, acronym.rstrip("sS")}:
        if wanted in runs or (len(wanted) >= 3 and any(wanted in run for run in runs)):
            return True
    return _spelled_in_words(acronym.rstrip("s").upper(), text)


_SMALL_WORDS = frozenset("""a an and the of to in on at for by with from is are was were be as or its it that
this""".split())


def _spelled_in_words(acronym: str, text: str) -> bool:
    """Whether words in a row, none of them a small word, have ``acronym`` as initials whatever their case
    ("PCSO" in "20 additional police community support officers", "ASB" in "anti-social behaviour"); three
    letters at least, where chance could not make it."""
    if len(acronym) < 3:
        return False
    words = re.findall(r"[A-Za-z]+", text)
    n = len(acronym)
    return any("".join(w[0] for w in words[i:i + n]).upper() == acronym
               and not any(w.lower() in _SMALL_WORDS for w in words[i:i + n]) for i in range(len(words) - n + 1))


def shortened(words: list[str], text: str) -> bool:
    """Whether a name of two words or more is a longer name of ``text`` said short: its first words open part of
    that name and its last word ends it ("Cambridgeshire Commissioner" for "Cambridgeshire Police and Crime
    Commissioner"), or its last word is the initials of the rest ("Cambridgeshire PCC")."""
    head, last = [_norm(w).strip() for w in words[:-1]], words[-1]
    last_normed = _norm(last).strip()
    for run in CAPITALISED_RUN.finditer(text):
        said = run.group().split()
        normed = [_norm(w).strip() for w in said]
        start = next((i for i in range(len(said) - len(head)) if normed[i:i + len(head)] == head), None)
        if start is None:
            continue
        rest = said[start + len(head):]
        if len(rest) >= 2 and normed[-1] == last_normed:
            return True
        if is_acronym(last) and "".join(w[0] for w in rest if w[0].isupper()) == last.rstrip("s"):
            return True
    return False


def is_acronym(name: str) -> bool:
    """"PCC", "PCSOs": a name that a release may say in words instead, or by a role ("the Commissioner")."""
    return re.fullmatch(r"[A-Z]{2,6}s?", name) is not None


# A nation's adjective names the nation: "Welsh police forces" are those of the "Wales" a release or a table's row
# names. Not where the nation is said only as one of a list ("forces in England and Wales" are not the Welsh ones);
# a name of more words ("Welsh Government") is said as it is.
DEMONYMS = {"welsh": "Wales", "scottish": "Scotland", "english": "England", "irish": "Ireland", "british": "Britain",
            "manx": "Isle of Man"}


def _nation_said(name: str, text: str) -> bool:
    nation = DEMONYMS.get(name.strip().lower())
    if nation is None:
        return False
    at = [m.start() for m in re.finditer(rf"\b{nation}\b", text)]
    lists = [m for m in NAME_LIST.finditer(text)]
    return any(not any(m.start() <= a < m.end() for m in lists) for a in at)


def name_supported(name: str, text: str, normed: str | None = None) -> bool:
    normed = normed if normed is not None else _norm(text)
    if _nation_said(name, text):
        return True
    words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in ("of", "and", "the", "for", "s")]
    if words and all(_word_in(w, normed) for w in words) and (len(words) == 1 or _phrase_in(words, normed)):
        return True
    split = re.match(r"(.+?)\s+(?:for|of)\s+([A-Z].*)$", name)
    if split:  # "Commissioner for Westshire" said as "Westshire's Commissioner"
        swapped = [w for w in re.findall(r"[A-Za-z0-9]+", f"{split.group(2)} {split.group(1)}")
                   if w.lower() not in ("of", "and", "the", "for", "s")]
        if all(_word_in(w, normed) for w in swapped) and _phrase_in(swapped, normed):
            return True
    # A thing named with its police area before it that the release says apart: "Thames Valley Community Fund"
    # for "Thames Valley Police and Crime Commissioner … his Community Fund". The thing itself is two words at
    # least, and the first part is an area, not any name ("Michigan Network Inc." is no "Merit Network").
    if len(words) >= 3 and any(_phrase_in(words[k:], normed) and _phrase_in(words[:k], normed)
                               and pages.is_area(" ".join(words[:k])) for k in range(1, len(words) - 1)):
        return True
    if len(words) == 1 and re.fullmatch(r"[A-Z][a-z]{2,4}", name) and re.search(
            rf"\b{name}[a-z]+\s+(?:Police|Constabulary)\b", text):
        return True  # a force's clipped name: "the Met" for "the Metropolitan Police"
    if is_acronym(name) or name.isupper() and 2 <= len(name) <= 7:
        return spells(name, text)
    if len(words) >= 2 and shortened(words, text):
        return True
    if len(words) >= 2 and said_with_initials(words, text):
        return True
    initials = "".join(w[0] for w in words if w[0].isupper())
    return len(initials) >= 2 and re.search(rf"\b{initials}s?\b", text) is not None


def said_with_initials(words: list[str], text: str) -> bool:
    """Whether a name of two words or more is said in ``text`` with one of its parts the other way round: an
    acronym of the name spelled out ("SBA Police" as "Sovereign Base Areas Police"), or three capitalised words
    or more of it said by their initials ("Eastern Sovereign Base Area" as "Eastern SBA"). The rest of the name
    must be said as it is, beside it."""
    forms = []
    for k, w in enumerate(words):
        if is_acronym(w):
            spelled = r"\s+".join(rf"{c}[\w’'\-]*" for c in w.rstrip("s"))
            forms.append((words[:k], spelled, words[k + 1:]))
    for i in range(len(words)):
        for j in range(i + 3, len(words) + 1):
            part = words[i:j]
            if all(w[0].isupper() and not is_acronym(w) for w in part):
                forms.append((words[:i], "".join(w[0] for w in part) + "s?", words[j:]))
    for before, middle, after in forms:
        pattern = r"\s+".join([re.escape(w) for w in before] + [middle] + [re.escape(w) for w in after])
        if re.search(rf"(?<![\w’'\-]){pattern}(?![\w’'\-])", text):
            return True
    return False


def plural(noun: str) -> bool:
    """Whether a noun is plural: "arrests", and the plurals without an s ("women", "people", "staff")."""
    w = noun.lower()
    return w.endswith("s") or noun_lemma(w) != w or w in PLURALS


def noun_supported(noun: str, normed: str) -> bool:
    """Whether the normalised text says a counted noun in one of its own forms: singular or plural, or the verb
    it names ("arrests": arrest, arrests, arrested, arresting). Not a looser prefix match, as for names:
    "officers" is not "office"."""
    w = _norm(noun).strip()
    if not w:
        return True
    base = {w, noun_lemma(w)}  # "women": woman
    if w.endswith("ies"):
        base.add(w[:-3] + "y")
    if w.endswith("es"):
        base.add(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        base.add(w[:-1])
    forms = {f + end for f in base for end in ("", "s", "es", "ed", "ing")}
    if "officer" in base:  # "answered by 3,214 constables, sergeants and inspectors": officers, said by rank
        forms |= RANKS_SAID
    return any(f" {f} " in normed for f in forms)


# The ranks a count of officers may be said by ("3,214 constables, sergeants and inspectors"): plural, as counted
# ("Chief Constable Alan Reddings" counts no officers)
RANKS_SAID = frozenset("constables sergeants inspectors superintendents detectives".split())


def supported(c: Constraint, text: str, normed: str | None = None) -> bool:
    normed = normed if normed is not None else _norm(text)
    if c.kind == "name":
        return name_supported(c.text, text, normed)
    if c.kind == "noun":
        return noun_supported(c.text, normed)
    if c.kind == "year":
        first = c.text.split("/")[0]
        return bool(re.search(rf"\b{re.escape(first)}", text))
    if c.kind == "number":
        digits = re.sub(r"[^\d.]", "", c.text)
        if digits in SMALL_NUMBERS and f" {SMALL_NUMBERS[digits]} " in normed:
            return True
        return bool(digits) and digits in re.sub(r"(?<=\d),(?=\d)", "", text)
    if c.kind == "time":
        phrase = " ".join(re.findall(r"[a-z0-9]+", c.text.lower()))
        if f" {phrase} " in normed:
            return True
        last = phrase.split()[-1]
        if re.fullmatch(r"(?:19|20)\d{2}", last) or re.fullmatch(r"[a-z]+", last) and last not in (
                "year", "month", "week", "summer", "winter", "spring", "autumn"):
            return f" {last} " in normed
        return bool(re.search(r"\b(?:19|20)\d{2}\b", text))
    if c.kind == "qualifier":
        return c.text in _ONLY_SHARPEN or f" {c.text} " in normed
    return True


def missing(constraints: list[Constraint], text: str) -> list[Constraint]:
    """The constraints ``text`` does not support."""
    normed = _norm(text)
    return [c for c in constraints if not supported(c, text, normed)]


ORGANISATION_ENDINGS = frozenset("""Constabulary Police Council Commissioner Commissioners Office Service Services Unit
Team Partnership Association Agency Authority Board Trust Committee Department Ministry Government Taskforce Squad
Division Branch""".split())
FIGURES = ("count", "money", "percentage", "duration")
# The heads a release shortens its own named body to ("Hertfordshire Constabulary" … "the Constabulary"). Not
# "Police" or "Government": "the police" and "the Government" are said of any force or government.
SHORT_FORM_HEADS = ORGANISATION_ENDINGS - {"Police", "Government", "Ministry"}


FORCE_HEADS = frozenset({"Police", "Constabulary"})


def own_area(name: str, area: str | None) -> bool:
    """Whether ``name`` is the release's own force ("Essex Police" in a release of Essex Police): every fact of a
    force's release is that force's, whether or not its sentence says so. Not the bare area ("in Hertfordshire"):
    a force's release may give figures for several areas (a joint unit's), and that was tried and cost tune F1."""
    if not area:
        return False
    place = re.sub(r"\s+(?:Police(?:\s+Service)?|Constabulary|(?:Police\s+and\s+Crime\s+)?Commissioner|PCC)$", "",
                   name.strip())  # or its commissioner ("the Durham Commissioner" in the Durham commissioner's)
    home = _home_area(area)
    return place != name.strip() and pages.is_area(place) and pages.AREA_ALIASES.get(place, place) == \
        pages.AREA_ALIASES.get(home, home)


def _home_area(area: str) -> str | None:
    """The force area a release's declared area is ("County Durham and Darlington": Durham), or None."""
    return area if pages.is_area(area) else pages.guess_area(area)


def _areas_named(release: str) -> set[str]:
    """The force areas a release names, each by its one name (aliases folded)."""
    return {pages.AREA_ALIASES.get(m.group(), m.group()) for m in pages.area_mentions(release)}


def own_commissioner(name: str, area: str | None, text: str) -> bool:
    """Whether ``name`` is the release's own commissioner ("the Suffolk Commissioner" in the Suffolk commissioner's
    release, :func:`own_area`) and ``text`` says them as the release does, by the office alone ("The Commissioner
    will hold a drop-in session …")."""
    office = re.search(r"(?:Police\s+and\s+Crime\s+)?Commissioner$|PCC$", name.strip())
    return bool(office) and own_area(name, area) and re.search(rf"\b{office.group().split()[-1]}\b", text) is not None


# A list of names: three or more ("Hull, Grimsby, Scunthorpe, Bridlington, Goole and Cleethorpes"), or two of one
# word each ("the Queensway and Kingsway tunnels"; not "Police and Crime Commissioner")
_LISTED = r"[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,2}"
_ONE = r"\b[A-Z][\w'’\-]*\b"
NAME_LIST = re.compile(rf"{_LISTED}(?:,\s+{_LISTED})+,?\s+(?:and|or)\s+{_LISTED}|"
                       rf"(?<![A-Z][\w'’\-]\s){_ONE}\s+(?:and|or)\s+{_ONE}(?!\s+[A-Z])")


def listed_only(name: str, text: str, question: str) -> bool:
    """Whether ``name`` is said in ``text`` only as one of a list of names (:data:`NAME_LIST`), none of the others of
    which the question names: a figure beside "the three custody suites at St Asaph, Caernarfon and Wrexham" is said
    of all three, not of Caernarfon. False when ``text`` does not say the name as written. (Letting the figure's own
    sentence decide, where it says the name, was tried: it refused "120 catalytic converters recovered after
    officers raided addresses in Gateshead and Sunderland" for the Sunderland raids.)"""
    at = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    if not at:
        return False
    lists = list(NAME_LIST.finditer(text))
    for a in at:
        inside = next((m for m in lists if m.start() <= a < m.end()), None)
        if inside is None:
            return False
        others = [_unheaded(x) for x in re.split(r",|\band\b|\bor\b", inside.group()) if x.strip()]
        others = [o for o in others if o and o != name]  # "Sussex Police" asked as "Sussex"
        if any(re.search(rf"\b{re.escape(o)}\b", question) for o in others):
            return False
    return True


def _unheaded(name: str) -> str:
    """A listed name without the body's word that ends it ("Sussex Police": Sussex), as a question may say it."""
    words = name.split()
    while len(words) > 1 and words[-1] in ORGANISATION_ENDINGS:
        words.pop()
    return " ".join(words)


# A name said in a sentence: capitalised words in a row, with "of", "the", "and" or "de" between two of them
NAMED = re.compile(r"[A-Z][\w'’\-]*(?:\s+(?:(?:of|the|and|de|upon|on)\s+)?[A-Z][\w'’\-]*)*")
_NOT_NAMES = frozenset(MONTHS) | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "i"}


@lru_cache(maxsize=4096)  # asked once per candidate span, of the same name and release
def name_kind(name: str, release: str) -> str | None:
    """What a name is, as its release says it: an ``operation`` ("Operation Boxwood"), an ``organisation`` (its
    last word a body's, "Ministry of Defence"), a ``place`` (a force area, a street or quay, or said after "in",
    "at", "from" or "to"), a ``person`` (said after a rank or title, before an age, or as who said something), or a
    ``thing`` (a vessel, a car: said after "a", "named" or "the launch"). None for an acronym, or a name said none
    of those ways ("the Marine Section")."""
    words = name.split()
    if is_acronym(name):
        return None
    if words[0].lower() in NAME_HEADS or words[-1].lower() in NAME_HEADS:
        return "operation"
    if words[-1] in ORGANISATION_ENDINGS:
        return "organisation"
    said = re.escape(name)
    if pages.is_area(name) or words[-1] in PLACE_ENDINGS or re.search(
            rf"\b(?i:in|at|from|to|near|across|outside|around)\s+(?:the\s+)?{said}\b", release):
        return "place"
    if re.search(rf"(?:\b(?:{_RANKS}|Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Councillor|Cllr)\.?\s+(?:[A-Z][a-z]+\s+)?{said}\b|"
                 rf"\b{said},\s+\d{{1,3}}\s*,|\bsaid\s+{said}\b|\b{said}\s+said\b)", release):
        return "person"
    if re.search(rf"\b(?:[Aa]n?|named|called|[Tt]he\s+[a-z\-]+)\s+(?:[a-z\-]+\s+)?{said}\b", release):
        return "thing"  # "a Toyota Land Cruiser", "named Sentinel", "the launch Calpe Guardian"
    return None


def rival_named(name: str, own: str, span: str, release: str, question: str) -> bool:
    """Whether a figure's own sentence names, instead of the asked-for ``name`` (said only in the sentences
    beside it), another of the same kind: "Sentinel has a top speed of 38 knots" beside "She replaces the launch
    Calpe Guardian" is the new vessel's speed, not the old one's; "a Range Rover Sport, was valued at £118,000"
    beside "a Toyota Land Cruiser stolen from a driveway" is not the Land Cruiser's value. For things and
    operations only: a figure's sentence names other places and people as a matter of course ("The victim, a
    34-year-old local man, was taken to Bradford Royal Infirmary" for the Manningham Lane assault: tried, it
    refused 9 right answers in the twelve earlier checks), and bodies beside any fact ("funded by the Home
    Office"). A rival is a name the release says as one, not a sentence's capitalised first word alone, and
    shares no word with the question or the span."""
    if pages.is_area(name) or supported(Constraint("name", name, True), own):
        return False
    kind = name_kind(name, release)
    if kind == "person":
        return _person_before(name, own, span, release, question)
    if kind not in ("thing", "operation"):
        return False
    return _rival_in(own, kind, question + " " + span, span, release)


def _rival_in(text: str, kind: str, asked_text: str, span: str, release: str) -> bool:
    """Whether ``text`` names something of ``kind`` (:func:`name_kind`) that shares no word with ``asked_text``
    and is not in ``span``. A rival is a name the release says as one, not a sentence's capitalised first word
    alone."""
    asked = {w.lower() for w in re.findall(r"[\w'’\-]+", asked_text)}
    for m in NAMED.finditer(text):
        words = m.group().split()
        start = m.start()
        while words and words[0].lower() in _SMALL_WORDS:  # "The Marine Section", "In Gosport": capitalised to open
            start = text.index(words[0], start) + len(words[0])
            words = words[1:]
        rival = " ".join(words)
        if not words or {w.lower() for w in words} & (asked | _NOT_NAMES) or span.strip() and rival in span:
            continue
        opening = not text[:start].strip() or text[:start].rstrip()[-1:] in "\"'“‘(:.!?"
        if opening and len(words) == 1 and not re.search(rf"[a-z,;]\s+{re.escape(rival)}\b", release):
            continue  # a sentence's first word, capitalised for that alone ("Officers", "Sentinel" said only so)
        if name_kind(rival, release) == kind:
            return True
    return False


STILL_ABOUT = 4  # sentences back from a figure's own that a name it is said of may be


def still_about(name: str, release: str, bounds: list[tuple[int, int]], k: int, question: str, span: str) -> bool:
    """Whether the release is still about ``name`` at its ``k``-th sentence (``bounds``), though the sentences
    beside it do not say it: it is said at most :data:`STILL_ABOUT` sentences back, and nothing of its kind
    (:func:`name_kind`) is named from there to the figure's sentence, and it was not said as one of a list
    (:func:`listed_only`). "The man was pulled from the water at Clarendon Dock … He was taken to the Royal Victoria
    Hospital": the Clarendon Dock man's hospital; not where another dock or person is named in between. For places
    and people only: an operation, a thing or a body said a few sentences back is no more than the release's topic,
    and the figures after it are often of another part of it ("cannabis seized in Operation Reacher" answered by
    the crack cocaine's value: tried on the checks, it answered four of their near-misses so)."""
    kind = name_kind(name, release)
    if kind not in ("place", "person") or k <= 0:
        return False
    constraint = Constraint("name", name, True)
    for j in range(k - 1, max(-1, k - 1 - STILL_ABOUT), -1):
        mention = release[bounds[j][0]:bounds[j][1]]
        if supported(constraint, mention):
            between = release[bounds[j][0]:bounds[k][1]]  # its own sentence too: "the Daventry counter eleven
            # and the Rushden counter six" is about all three counters
            return not listed_only(name, mention, question) and not _rival_in(
                between, kind, question + " " + span, span, release)
    return False


def _person_before(name: str, own: str, span: str, release: str, question: str) -> bool:
    """Whether a figure's own sentence names another person before it, instead of the asked-for person ``name``
    (said only beside it): "Baldock was fined £2,400" is not Jason Meek's fine, though "Kieran Baldock, 33, …, and
    Jason Meek, 29" comes just before. The other is a person as the release says them (:func:`name_kind`), or the
    surname of one, and shares no word with the question."""
    at = own.find(span.strip()) if span.strip() else -1
    if at <= 0:
        return False
    asked = {w.lower() for w in re.findall(r"[\w'’\-]+", question + " " + span)}
    for m in NAMED.finditer(own[:at]):
        words = [w for w in m.group().split() if w.lower() not in _SMALL_WORDS]
        if not words or {w.lower() for w in words} & (asked | _NOT_NAMES):
            continue
        if name_kind(" ".join(words), release) == "person":
            return True
    return False


def sole_area(name: str, release: str) -> bool:
    """Whether ``name`` is a force area and the only one its release names ("in Sussex" of a release that names no
    other area): every fact of it is that area's, whether or not its sentence says so. A release that names
    several (a joint unit's figures for three counties) must say the asked-for one near the answer."""
    if not pages.is_area(name):
        return False
    return _areas_named(release) == {pages.AREA_ALIASES.get(name, name)}


def declared_area(name: str, area: str | None, release: str) -> bool:
    """Whether ``name`` is the area its release declares itself for (front matter's ``area: County Durham and
    Darlington``, asked "… in County Durham and Darlington"), in a release that names no force area but that one's:
    every fact of it is that area's, as every fact of a release naming one force area is (:func:`sole_area`)."""
    if not area or name.strip().casefold() != area.strip().casefold():
        return False
    home = _home_area(area)
    return home is not None and _areas_named(release) <= {pages.AREA_ALIASES.get(home, home)}


def own_territory(name: str, release: str) -> bool:
    """Whether ``name`` is a place outside the force areas of England and Wales that its release names a force after
    ("Montserrat" in a release of the Royal Montserrat Police Service, "Anguilla" in the Royal Anguilla Police
    Force's), in a release that names none of those areas: every fact of it is that territory's, as every fact of a
    release that names one force area is that area's (:func:`sole_area`)."""
    if pages.is_area(name) or not re.fullmatch(r"[A-Z][\w'’\-]*(?:[ \t][A-Z][\w'’\-]*){0,2}", name.strip()):
        return False
    said = re.escape(name.strip())
    force = re.search(rf"\b{said}[ \t]+(?:Police|Constabulary)\b|\bPolice[ \t]+{said}\b", release)
    return force is not None and not pages.area_mentions(release)


def said_short(name: str, near: str, release: str) -> bool:
    """Whether ``near`` refers to ``name`` by a short form, and the release says the whole name: a release names
    a body or a person once in full, then shortens it. The short forms: the head alone, capitalised, after "the"
    ("the Constabulary" for "Hertfordshire Constabulary"); a named operation, scheme or campaign by its kind
    after "the" or "this" ("the operation" for "Operation Mynydd"); "the force" for a force ("Merseyside Police"); a
    person's surname ("Mr Ashworth", "Prosser's" for "Daniel Ashworth", "Liam Prosser")."""
    words = name.split()
    if len(words) < 2 or not name_supported(name, release):
        return False
    head = words[-1].strip(",.;:’'")
    if head in SHORT_FORM_HEADS and re.search(rf"\b[Tt]he {re.escape(head)}\b", near):
        return True
    # a named operation, scheme or campaign by its kind: "During the operation" for "Operation Mynydd",
    # "the scheme" for "the Safer Streets Scheme"
    kinds = {w.lower() for w in (words[0], head)} & NAME_HEADS
    if any(re.search(rf"\b(?:[Tt]he|[Tt]his) {k}\b", near) for k in kinds):
        return True
    if head in FORCE_HEADS:
        return re.search(r"\b[Tt]he force\b", near) is not None
    person = len(words) <= 3 and all(NAME_WORD.fullmatch(w) for w in words) \
        and not (set(words) & ORGANISATION_ENDINGS or {w.lower() for w in words} & NAME_HEADS)
    if not person or pages.is_area(head) and name_kind(name, release) == "place":  # "in North Norfolk": no "Mr
        # Norfolk" said short (a place named after its area)
        return False
    shortened_only = re.sub(rf"\b{re.escape(name)}\b", " ", near)  # the surname said alone, not in the whole name
    for m in re.finditer(rf"\b{re.escape(head)}\b", shortened_only):
        before = re.search(r"([A-Z][\w'’\-]*)\.?\s+$", shortened_only[:m.start()])
        if not before or re.fullmatch(rf"{_RANKS}|{_TITLES}", before.group(1)):
            return True  # "Mr Ashworth", "Ashworth said": not the last word of another name ("Dublin … Region")
    return False


WHOLE_NUMBER = re.compile(r"(?<![\w.,])\d(?:[\d,.]*\d)?(?!\w)")


def restates(span: str, question: str, constraints: list[Constraint]) -> bool:
    """Whether a span only repeats the question: all its words are the question's, it is an acronym of the
    question's words, or it contains one of the question's names ("Robert Gordon CBE" for "which party did
    Robert Gordon represent?")."""
    normed_question = _norm(question)
    words = _norm(span).split()
    if not words:
        return True
    if all(f" {w} " in normed_question for w in words):
        return True
    numbers = WHOLE_NUMBER.findall(span)  # a figure of its own: not the "1" of "the M1"
    if numbers and set(numbers) <= set(WHOLE_NUMBER.findall(question)):  # "some 1,208" for "how many of the 1,208 …"
        return True
    bare = span.strip().rstrip("s")
    if bare.isupper() and len(bare) >= 2 and bare in _initials(question):
        return True
    normed_span = _norm(span)
    return any(c.kind == "name" and f" {_norm(c.text).strip()} " in normed_span for c in constraints)


def compact(expected: AnswerType, span: str) -> bool:
    """A figure is a short phrase ("157 arrests", "£1m"), not a clause; a place is a place's name, not an
    organisation's ("Hertfordshire Constabulary")."""
    words = span.split()
    if expected in FIGURES or expected == "date":
        return len(words) <= 7
    if expected == "place":
        return len(words) <= 6 and words[-1].strip(",.;:’'") not in ORGANISATION_ENDINGS
    return True


DATELINE_LABEL = re.compile(r"\b(?:first\s+)?(?:published|posted|updated|last\s+updated|issued|released|date[d]?|on|at|"
                            r"news|press\s+release|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|"
                            r"friday|saturday|sunday|am|pm|gmt|bst)\b", re.I)
PUBLISHING = re.compile(r"\b(?:publish\w*|post(?:ed|ing)?|issu\w*|releas\w* (?:date|out)|put out|went out|"
                        r"(?:this|the) (?:release|statement|news|article|story|appeal))\b", re.I)


def dateline(sentence: str) -> bool:
    """Whether ``sentence`` is only a date with its label: a full date, and nothing else of words but a label
    (published, posted, updated, a weekday), times of day, punctuation and a byline of a few capitalised words
    ("Posted on 3 November 2025 by West Yorkshire Police", "Merseyside Police - 24 October 2025")."""
    if not FULL_DATE.search(sentence):
        return False
    rest = WEEKDAY_DATE.sub(" ", FULL_DATE.sub(" ", sentence))
    rest = DATELINE_LABEL.sub(" ", TIME_OF_DAY.sub(" ", rest))
    words = re.findall(r"[A-Za-z][\w'’\-]*", rest)
    byline = [w for w in words if w not in ("by", "and", "of")]
    return not words or (len(words) <= 6 and all(w[0].isupper() for w in byline))


def asks_publishing(question: str) -> bool:
    """Whether a question asks when (or whether) a release was put out, which its dateline answers."""
    return bool(PUBLISHING.search(question))


AT_PLACE = re.compile(r"\b(?:in|at|across|near|throughout|around|within|inside)\s+(?:the\s+)?"
                      r"(?:[A-Z][\w'’\-]*,?\s+){0,3}"
                      r"(?:and\s+)?$")


NEAR_PLACE = re.compile(r"\b(?:near|outside|inside|throughout)\s+(?:the\s+)?$", re.I)


FROM_PLACE = re.compile(r"\b(?:man|woman|men|women|boy|girl|boys|girls|teenager|teenagers|youth|youths|resident|"
                        r"residents|people|family|driver|drivers|motorist)\s+from\s+$|"
                        r"[A-Za-z],\s+\d{1,3},\s+of\s+$")  # "Connor Wadsworth, 29, of Ravensthorpe": where he lives


# A place's name: capitalised words, joined by the small words place names and their dates hold ("Bury St
# Edmunds", "Newcastle upon Tyne", "Knutsford on Christmas Eve").
PLACE_NAME = re.compile(r"[A-Z][\w'’\-]*(?:\s+(?:(?:on|upon|in|under|of|the|de|le)\s+)*[A-Z][\w'’\-]*)*")


PLACE_LIST = re.compile(r"[A-Z][\w'’\-]*(?:, [A-Z][\w'’\-]*)*,? and [A-Z][\w'’\-]*")


def said_as_place(span: str, before: str) -> bool:
    """Whether a name, or a list of them, is said as a place: right after "in", "at", "across" … (a name of several
    words: right after "near", "outside" or "throughout") and the capitalised words of a list ("across County
    Durham and Darlington", "across Stockport, Trafford and Bury"), or where someone is from ("a 27-year-old man
    from Shipley"). Such a span is no person."""
    said = span.strip()
    if PLACE_LIST.fullmatch(said):
        return bool(AT_PLACE.search(before))
    if re.fullmatch(r"[A-Z][\w'’\-]*", said):
        return bool(AT_PLACE.search(before) or FROM_PLACE.search(before))
    # A name of several words only after a word said of places alone ("near Bury St Edmunds") or where someone is
    # from: after "in" or "at" it is as often a person ("in James Cameron's thriller", "vested in Queen Elizabeth
    # II": 28 gold answers in 200 articles of SQuAD 1.1 train). It may run on into its clause ("Knutsford on
    # Christmas Eve, who blew …").
    named = PLACE_NAME.match(said)
    whole = named is not None and (named.end() == len(said) or said[named.end()] in ",;(")
    return whole and bool(NEAR_PLACE.search(before) or FROM_PLACE.search(before))


NAME_ASKED = re.compile(r"\b(?:sur)?names? of\b|\bwhat (?:is|was|are|were) (?:it|they|he|she) called\b|"
                        r"\bcalled what\b|"
                        r"^who (?:is|was) the (?-i:[A-Z][\w'’\-]*(?:\s+(?:of|for|and|the|[A-Z][\w'’\-]*))*)\s*\?*$",
                        re.I)  # "Who is the Chief Constable?"


# a place's name made a word that describes ("a Portsmouth-based frigate", "a UK-wide scheme"): no name of its own
MODIFIER = re.compile(r"[A-Z][\w’']*-(?:based|born|bred|registered|owned|led|run|wide|bound|flagged|made)")


def unnamed(question: str, span: str) -> bool:
    """Whether a question asks for a name ("what is the name of the chair?") and ``span`` is written as no name
    ("a legally qualified chair", "Albanian nationals", "Shipley was arrested"): no capitalised word after its
    first, and no capital letter inside a word ("FairPlay", "Hizb ut-Tahrir" are names). A lone capitalised word
    or an acronym is a name."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'\-]*", span.strip()) if not MODIFIER.fullmatch(w)]
    lone = re.fullmatch(r"[A-Z][a-z]+", span.strip())  # a lone capitalised word, but not "Detectives" or "Officers"
    named = any(w[0].isupper() for w in words[1:]) or any(re.search(r"[A-Z]", w[1:]) for w in words) or bool(
        lone and noun_lemma(span.strip().lower()) not in PERSON_NOUNS | CIVILIANS | OFFICER_OR_ANYONE)
    return bool(NAME_ASKED.search(question)) and not named


MEASURES = frozenset("""litres liters gallons tonnes tons kilos kilograms grams pounds ounces miles metres meters
kilometres kilometers yards inches feet hours minutes seconds days weeks months years""".split())
# Nouns that count anything a question may count: "157 people were arrested" answers "how many arrests?".
ANY_COUNTED = frozenset("""people persons individuals men women children adults youths teenagers others cases incidents
offences crimes reports times""".split())
# Of those, the ones a question may ask for without naming a part of them: "how many women" asks for a part of the
# people counted, so "58 drivers" does not answer it, but "how many people" is answered by any count of them.
COUNTS_ALL = ANY_COUNTED - {"men", "women", "children", "adults", "youths", "teenagers"}


def counts_other(focus: str | None, after: str) -> str | None:
    """The plural noun right after a count (``after``: the text following the number) when it is not the asked-for
    noun ``focus``: "23 arrests" counts arrests, not the county lines asked about. None when it may be the same."""
    if not focus:
        return None
    said = quantity_of(after)
    if said is None:
        return None
    asked = focus.split()[-1]
    if said in MEASURES and asked not in MEASURES:
        return said  # "2,000 litres" is no count of people, whatever the people counted
    wanted = {spans.stem(w) for w in focus.split()}
    if spans.stem(said) in wanted or said in ANY_COUNTED or asked in COUNTS_ALL:
        return None
    if asked in KIND_WORDS and any(said in kind and asked in kind
                                   for kind in (ORGANISATION_NOUNS, PERSON_NOUNS | PEOPLE_PLURALS, PLACE_NOUNS)):
        return None  # "15 agencies" for how many organisations: the same kind of thing, another word for it
    return said  # but "60 police officers" are not the mountain rescue volunteers asked about


# The words that ask for any thing of their kind: "how many organisations" is answered by "15 agencies", but "how
# many volunteers" is not by "60 police officers", though both are people.
KIND_WORDS = frozenset("""organisations organizations bodies groups places locations areas sites people persons
individuals members officers""".split())


CHANGED = re.compile(r"\bhow much\b.*\b(?:rais\w*|ris\w*|rose|increas\w*|cut\w*|fall\w*|fell|reduc\w*|drop\w*|"
                     r"grow\w*|grew|went (?:up|down)|go(?:ing|es)? (?:up|down))\b", re.I)
CHANGE = re.compile(CHANGED.pattern + r".*\bby\W*$", re.I)


def asks_change_of_amount(question: str) -> bool:
    """Whether a question for an amount of a thing, not money, asks how much it changed ("how much did burglaries
    fall in the gated streets?"): a share answers it ("41 per cent"), with or without the closing "by"."""
    return bool(CHANGED.search(question))


def asks_change(question: str) -> bool:
    """Whether a question asks by how much something changed ("how much is he raising the precept by?"), which a
    share answers as well as a sum ("6.5 per cent", "£24.26 a year"). Without the closing "by" ("how much did the
    price of gold rise after 1971?") it was tried and cost SQuAD 2.0 calibration F1 (a share of another rise)."""
    return bool(CHANGE.search(question.strip()))


_RANKS = r"Constable|Sergeant|Inspector|Superintendent|Commissioner|PC|PS|DC|DS|DI|DCI|DSI|Supt|Insp|Sgt|PCSO"
_TITLES = r"Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady"  # a civilian's title before a name
RANKED = re.compile(rf"\b(?:{_RANKS}|Officer)\s+(?:[A-Z][a-z]+\s+)?$")  # a rank (or "Officer") before a name, or
# before its surname ("Inspector Marcus Thomas")
CIVILIANS = frozenset("""man woman boy girl men women boys girls suspect suspects victim victims driver drivers
defendant defendants offender offenders motorist motorists teenager teenagers""".split())


RANK_FIRST = re.compile(rf"(?:(?:Detective|Chief|Deputy|Assistant|Acting|Temporary|Police)\s+)*(?:{_RANKS})\s+[A-Z]")


# Who a question may ask for that a police officer can be: a rank, a role, or anyone at all.
OFFICER_OR_ANYONE = frozenset("""officer officers detective detectives inspector constable constables sergeant
superintendent commissioner chief pcso pcsos police commander investigator lead leader head spokesperson spokesman
spokeswoman chair chairman chairwoman person people name deputy director manager member members staff team
someone anyone one""".split())
_ASKED_WHO = re.compile(r"(?:\bnames? of (?:the |a |an )?|\bwho (?:is|was|are|were) (?:the |a |an ))"
                        r"(?:(?:two|three|four|five|\d+) )?([a-z][\w\-]*(?: [a-z][\w\-]*){0,2})", re.I)


def officer_for_civilian(question: str, focus: str | None, before: str, span: str = "") -> bool:
    """Whether a name introduced by a police rank ("Detective Inspector Sarah Kaur", ``before`` being the text
    before it, or the span itself), or a body ("Devon and Cornwall Police"), is offered for someone who is no
    officer ("the name of the man arrested", "the postwoman", "who was the victim?"): the officer who speaks in a
    release is not the person it is about."""
    said = _ASKED_WHO.search(question)
    asked = said.group(1).lower().split() if said else [focus]  # "the GMP detective": any of three words
    if said and said.group(1)[:1].isupper():  # "who is the College of Policing's Director …?": a body's, said by
        said = None  # its name, which says nothing of a civilian
    civilian = bool(set(asked) & CIVILIANS) or (said is not None and not set(asked) & OFFICER_OR_ANYONE)
    words = re.findall(r"[A-Za-z][\w’'\-]*", span)
    body = bool(words) and words[-1] in ORGANISATION_ENDINGS  # "Devon and Cornwall Police" is no kayaker either
    return civilian and (body or RANKED.search(before) is not None or RANK_FIRST.match(span.strip()) is not None)


POLICE_RANKS = frozenset("""officer officers detective detectives inspector constable constables sergeant superintendent
commissioner commander pcso pcsos""".split())
# Said after a name: an age ("Jalen Hodge, 24,") or a trade that is not policing ("Mr Hodge, a mechanic from North
# Side")
CIVILIAN_APPOSITION = re.compile(r"\s*,\s*(?:\d{1,3}\s*,|(?:a|an)\s+(?:\d{1,3}-year-old\s+)?"
                                 r"([a-z][a-z\-]*(?:\s+[a-z][a-z\-]*){0,2}))")  # its first three words


def civilian_for_officer(question: str, focus: str | None, span: str, after: str) -> bool:
    """Whether a name said with an age or a trade that is not policing ("Mr Hodge, a mechanic from North Side") is
    offered for an officer the question asks for by rank ("which deputy commissioner spoke …?", "who is the
    detective leading the inquiry?"): the person a release is about is not the officer who speaks in it."""
    said = _ASKED_WHO.search(question)
    asked = set(said.group(1).lower().split()) if said else {focus or ""}
    if not asked & POLICE_RANKS:
        return False
    m = CIVILIAN_APPOSITION.match(after)
    return m is not None and (m.group(1) is None or not set(m.group(1).split()) & OFFICER_OR_ANYONE)  # ranks in it


_SMALL = r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten)"


def is_share(span: str, after: str, before: str = "") -> bool:
    """Whether a number is either half of a share ("Two in three farmers", "one out of five"): no count."""
    whole = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)"  # not "14 in 2019"
    share = rf"\s+(?:in|out of)\s+{whole}\b(?![,.]?\d)"
    if re.search(rf"\b{_SMALL}{share}", span, re.I):
        return True  # the span holds it whole: "Two in three"
    if re.search(r"\b(?:\d|one|two|three|four|five|six|seven|eight|nine)\s+in\s+$", before, re.I) and re.match(
            rf"{whole}\b(?![,.]?\d)", span, re.I):
        return True  # "three" of "Two in three"; but "154 out of 230 cities" counts the cities
    return bool(re.search(rf"\b{_SMALL}\W*$", span, re.I)) and bool(re.match(share, after, re.I))


TIME_UNITS = frozenset("""years months weeks fortnights days nights hours minutes seconds decades centuries""".split())


QUANTITY = re.compile(rf"\s+(?:(?:[a-z][a-z\-]*[^s\W\-]|[a-z]+(?:-[a-z]+)+|[A-Z]{{2,5}})\s+){{0,3}}?"
                      rf"((?=[a-z]*-)[a-z][a-z\-]*[^s\W]s(?!\s+[a-z][a-z\-]*[^s\W]s\b)|(?![a-z]*-)[a-z][a-z\-]*[^s\W]s|"
                      rf"{'|'.join(sorted(PLURALS - {'police'}))})\b")  # "12 plain-clothes officers" counts officers


def quantity_of(after: str) -> str | None:
    """The plural noun a number is a quantity of, right after it or past up to three words ("1,200 cannabis plants",
    "2,000 litres", "10 new rural special constables", "412 young people", "430 LED lights"), or None. ("police"
    before a noun is not what is counted: "20 police officers".)"""
    m = QUANTITY.match(after)
    return m.group(1) if m else None


_UNIT = r"(?:year|month|week|fortnight|day|night|hour|min|sec|decade|centur|mile|km|kilomet|met|feet|foot|inch|yard)"
_WHEN = r"(?:last|this|next|that|per|each|every|a|the)"  # "186 last year": when, not a unit of the figure


def bare_length(question: str, span: str, after: str) -> bool:
    """Whether "how long" is answered with a bare figure that no unit follows and the question names none: "Megan
    Lloyd, 32, who was reported missing" gives her age, not how long she was missing. A year ("since 1996") may
    answer how long. The figure is the span's up to its first comma, less a time it is said of and a few words
    before it: "rose to 186 last year, from 131 in 2024" is the bare 186 ("last year" says when, not how long).
    (Any span with a figure and no unit was tried as bare: it rejected 47 right answers of SQuAD 1.1 train, "1901
    until 1976", "since 2004".)"""
    figure = re.sub(rf"\s+{_WHEN}\s+{_UNIT}\w*$", "", re.split(r",\s", span.strip())[0], flags=re.I)
    bare = re.fullmatch(r"(?:[a-z\-]+\s+){0,3}(\d[\d,.]*)", figure)  # "186", "rose to 186", "some 40"
    return (bool(re.search(r"\bhow long\b", question, re.I)) and not re.search(rf"\b{_UNIT}", question, re.I)
            and bare is not None and not re.fullmatch(r"1[89]\d\d|20\d\d", bare.group(1))
            and not re.match(rf"\W{{0,2}}(?:(?!{_WHEN}\b)[a-z\-]+\s+)?{_UNIT}", span.strip()[len(figure):] + after,
                             re.I))


TERM = re.compile(r"\b(?:jailed|sentenced|imprisoned|detained|banned|disqualified|suspended|locked up)\b"
                  r"(?:\s+[\w\-]+){0,4}?\s+(?:for|to|of)\s+(?:a\s+)?$", re.I)
ASKS_TERM = re.compile(r"\b(?:jail\w*|sentenc\w*|prison|imprison\w*|detain\w*|detention|custody|custodial|ban\w*|"
                       r"disqualif\w*|suspend\w*|locked|serv\w*|spen\w*|get|got|given|receiv\w*|term|order|"
                       r"behind bars)\b", re.I)


def term_of_other(question: str, before: str) -> bool:
    """Whether a length of time is a sentence or a ban ("jailed for 11 years") and the question asks how long of
    something else ("how long has she been a police officer?")."""
    return bool(TERM.search(before)) and not ASKS_TERM.search(question)


# The steps of a case, each its own fact: a count or a date of arrests does not say how many were charged, nor when.
# Words of one step are the step's own forms and the words said for it ("jailed" and "sentenced to prison").
STAGES = {
    "arrest": "arrest arrests arrested arresting",
    "charge": "charge charges charged charging",
    "convict": "convict convicts convicted conviction convictions guilty",
    "jail": "jail jailed jailing prison imprisoned imprisonment custody sentence sentenced sentencing sentences",
    "bail": "bail bailed",
    "remand": "remand remanded",
    "caution": "caution cautions cautioned",
    "summons": "summons summonsed",
}
_STAGE = {w: stage for stage, words in STAGES.items() for w in words.split()}
# A later step says the earlier ones happened: whoever was jailed was convicted, whoever was convicted was charged,
# and whoever was charged, remanded or bailed had been arrested ("the two men arrested … are accused of 17
# burglaries" is answered by "charged with 17 burglaries"). Not the other way: an arrest says no charge.
_IMPLIES = {"jail": {"convict", "charge", "arrest"}, "convict": {"charge", "arrest"}, "remand": {"charge", "arrest"},
            "charge": {"arrest"}, "bail": {"arrest"}}


def _stages(text: str) -> list[str]:
    text = re.sub(r"\b(?:in|free of|take|took|taking) charge\b", " ", text.lower())  # "the officer in charge"
    return [_STAGE[w] for w in re.findall(r"[a-z]+", text) if w in _STAGE]


# A question whose own verb is a step of a case ("when was he arrested?", "on what date did they arrest him?"), not
# one that only says who by a step ("when are the two men charged over … due at court?")
STAGE_ASKED = re.compile(r"\b(?:was|were|is|are|been|be|get|got)\s+(?:\w+\s+)?(?:arrested|charged|convicted|jailed|"
                         r"sentenced|bailed|remanded|cautioned)\b|\b(?:did|do|does|will)\b.*\b(?:arrest|charge|convict|"
                         r"jail|sentence|bail|remand|caution)"
                         r"(?=\s+(?-i:[A-Z])|\s+(?:him|her|them|the|a|an|\d)\b|\s*\?)",
                         re.I)  # the verb, not "fire a powder charge at"


def other_stage(question: str, sentence: str, exact: bool = False) -> bool:
    """Whether the answer's own sentence tells a step of a case but not the one the question asks about (its last:
    "how many of those arrested have been charged" asks about charges), said or implied: "Nine people were
    arrested" does not say how many have been charged; "73 death sentences" does say how many were convicted.
    With ``exact`` (a date asked), the step must be said: the day he was sentenced, or the day the fraud came to
    light, is not the day he was arrested."""
    asked, said = _stages(question)[-1:], set(_stages(sentence))
    implied = said if exact else said.union(*(_IMPLIES.get(s, set()) for s in said))
    return (bool(said) or exact) and bool(set(asked) - implied)


# Words before a figure that make it a length of time: "after 40 years", "for more than 19 years".
LENGTH_BEFORE = re.compile(r"\b(?:for|after|over|within|spanning|lasting)\s+(?:(?:more|less|fewer) than\s+|nearly\s+|"
                           r"almost\s+|about\s+|around\s+|some\s+|the\s+(?:last|past)\s+)?$", re.I)


def length_for_age(focus: str | None, span: str, before: str, after: str) -> bool:
    """Whether a figure asked for as an age is said as a length of time: a number of years after "for", "after",
    "over" … ("retired after 40 years", "volunteered for 19 years"), not "over 2,700 years old". On SQuAD 1.1 train
    it rejects no right answer."""
    if focus != "age":
        return False
    unit = re.sub(r"^[\d,.]+", "", re.sub(NUMBER_WORD.pattern, "", span.strip(), count=1, flags=re.I)) + after
    # the words after the figure, in the span or after it
    if re.match(r"\s*(?:years?|months?|weeks?|days?)\s+(?:in\s+(?:prison|jail|custody)|imprisonment|behind bars)\b",
                unit, re.I):
        return True  # "up to two years in prison": a term, however it opens
    return bool(LENGTH_BEFORE.search(before)) and re.match(r"\s*(?:years|months|weeks|days)\b(?!\s+old)", unit,
                                                          re.I) is not None


# A superlative and its opposite: "the youngest victim" is not answered by a sentence about the oldest one.
_OPPOSITES = [({"youngest"}, {"oldest", "eldest"}), ({"biggest", "largest"}, {"smallest"}), ({"highest"}, {"lowest"}),
              ({"longest"}, {"shortest"}), ({"earliest"}, {"latest"})]


def opposite_superlative(question: str, sentence: str) -> bool:
    """Whether the answer's own sentence says the opposite superlative of the question's and not its own: "His
    oldest victim, a 91-year-old widow" does not say how old the youngest was. (On SQuAD 1.1 train the pattern is
    in the gold sentences of 2 of 1,433 superlative questions, about a highest and a lowest elevation; gold-shapes
    counts no right answer more rejected.)"""
    asked, said = set(re.findall(r"[a-z]+", question.lower())), set(re.findall(r"[a-z]+", sentence.lower()))
    return any(one & asked and not other & asked and other & said and not one & said
               for a, b in _OPPOSITES for one, other in ((a, b), (b, a)))


ROLE_ASKED = re.compile(r"\b(?:which|what)\s+(?:[a-z\-]+\s+)?(?:officers?|detectives?|constables?|sergeants?|"
                        r"inspectors?|superintendents?|spokes(?:man|woman|person))\b", re.I)


# "Who is the Police Ombudsman's Director of Current Investigations?": an office a person holds
OFFICE_ASKED = re.compile(r"^who (?:is|was|will be|has been) (?:the |its |their |his |her )?(?:[\w'’\-]+\s+){0,5}?"
                          r"(?:director|head|chief|chair|chairman|chairwoman|leader|manager|minister|secretary|"
                          r"deputy|founder|ombudsman|commissioner)\b", re.I)


def body_for_role(question: str, span: str) -> bool:
    """Whether "which officer …?" or "who is the director of …?" is answered with a body ("North Yorkshire
    Police", "the Northern Ireland Policing Board"): a role asked for is a person. A commissioner is a person
    whatever the last word of the office's name."""
    words = re.findall(r"[A-Za-z]+", span.split(" of ")[0])  # "Office of the Police Ombudsman" is an office
    return bool(ROLE_ASKED.search(question) or OFFICE_ASKED.search(question)) and bool(words) and \
        words[-1] in ORGANISATION_ENDINGS - {"Commissioner", "Commissioners"}


TITLED = re.compile(rf"\b(?:{_TITLES})\.?\s+$")
_ROLES = "|".join(sorted(PERSON_NOUNS | {"headteacher", "headmaster", "headmistress", "executive", "owner",
                                          "landlord"}))
# a role in apposition ("Simon Aspinall, headteacher of …"), not the title of the next name (", director Eiji …")
ROLE_AFTER = re.compile(rf",\s+(?:the\s+|a\s+|an\s+)?(?:[a-z\-]+\s+){{0,2}}?(?:{_ROLES})\b(?!\s+[A-Z])|"
                        rf",\s+(?:aged\s+)?\d{{1,3}},")
INSTITUTIONS = frozenset("academy school college university hospital church club society institute".split())


# A role asked for by its verb or its noun ("who chairs …", "who is the chair of …") that no police rank holds
ROLES_ASKED = {"chair": "chair chairs chaired chairing chairman chairwoman chairperson",
               "manage": "manage manages managed managing manager",
               "coordinate": "coordinate coordinates coordinated coordinating coordinator co-ordinator",
               "found": "founded founder founders"}
_ROLE_OF = {w: role for role, words in ROLES_ASKED.items() for w in words.split()}
ASKS_ROLE = re.compile(r"\bwho\s+((?:[\w'’\-]+\s+){0,3}[\w'’\-]+)", re.I)  # the four words after "who"
# The ranks and offices said before or after a person's name ("Assistant Chief Constable Mark Gallagher")
OTHER_ROLES = frozenset("""constable sergeant inspector superintendent commissioner detective officer spokesperson
spokesman spokeswoman councillor""".split())


def other_role(question: str, before: str, after: str, span: str = "") -> bool:
    """Whether a question for who holds a role ("who chairs the Policing Board?", "who is the scheme's
    coordinator?") is answered with someone the sentence gives a police rank or another office ("Assistant Chief
    Constable Mark Gallagher", "the Police and Crime Commissioner, Sioned Rowlands"): said in the span, right
    before it (its last five words) or in apposition after it, and the asked-for role not said with it. Someone
    said with no role at all is let through. Only for roles no rank holds: who heads or leads a body is often its
    chief constable, and the other roles have too many names to tell apart ("the leader" and "Chairman,
    President, and CEO" for the head of Spectre and of Comcast: 11 right answers of SQuAD 1.1 train, when tried
    with them)."""
    asked = ASKS_ROLE.search(question)
    role = next((_ROLE_OF[w] for w in asked.group(1).lower().split() if w in _ROLE_OF), None) if asked else None
    if role is None:
        return False
    clause = re.split(r"[.;:!?\"“”]", before)[-1]
    said = re.findall(r"[A-Za-z\-]+", " ".join(clause.split()[-5:]) + " " + span)  # the span may hold the title
    apposition = re.match(r"\s*,\s*((?:the\s+|a\s+|an\s+)?[a-zA-Z\-]+(?:\s+[a-zA-Z\-]+){0,3})", after)
    if apposition:
        said += re.findall(r"[A-Za-z\-]+", apposition.group(1))
    said = {w.lower() for w in said}
    return bool(said & OTHER_ROLES) and not any(_ROLE_OF.get(w) == role for w in said)


def person_for_body(span: str, before: str, after: str) -> bool:
    """Whether an organisation asked for ("which criminal gang carried out the attack?") is answered with a
    person's name: two or three capitalised words, no body's ending, said with a title or rank before it ("Mr",
    "Inspector") or a role or an age after it ("Simon Aspinall, headteacher of Fulwood Brook Academy", "Jack
    Ellis, 34,")."""
    words = span.strip().split()
    named = 2 <= len(words) <= 3 and all(NAME_WORD.fullmatch(w) for w in words) \
        and not set(words) & ORGANISATION_ENDINGS \
        and not {w.lower() for w in words} & (ORGANISATION_NOUNS | NAME_HEADS | PLACE_NOUNS | INSTITUTIONS)
    return named and bool(TITLED.search(before) or RANKED.search(before) or ROLE_AFTER.match(after))


def body_acronym(span: str, release: str) -> bool:
    """Whether ``span`` is the acronym its release gives a body by ("the Mayor's Office for Policing and Crime
    (MOPAC)"): a body, not a place or a person, whatever the reader took it for."""
    said = span.strip()
    if not is_acronym(said):
        return False
    spelled = rf"((?:[A-Z][\w'’\-]*\s+(?:(?:for|of|and|the|&)\s+)*)+)\(\s*{re.escape(said)}\s*\)"  # "Name (NAME)"
    return any(set(m.group(1).split()) & ORGANISATION_ENDINGS for m in re.finditer(spelled, release))


BODY_GOES_ON = re.compile(r"\s+(?:and|&|of)\s+(?:[A-Z][\w'’\-]*\s+){0,5}?(?:" + "|".join(sorted(ORGANISATION_ENDINGS))
                          + r"|Band|Force|Forces|Regiment|Court|Islands)\b")


# A body's name that runs on from a span with no "and" or "of" between ("Northern Ireland" + " Policing Board")
BODY_RUNS_ON = re.compile(r"\s+(?:[A-Z][\w'’\-]*\s+){0,5}?(?:" + "|".join(sorted(ORGANISATION_ENDINGS)) + r")\b")


def force_cut(span: str, after: str) -> bool:
    """Whether a place is only the start of a force's name that goes on past it: "British Indian Ocean Territory"
    of "British Indian Ocean Territory Police have detained two vessels" says who detained them, not where they
    were taken."""
    return bool(span.strip()) and bool(re.match(r"\s+(?:Police|Constabulary|Police Service)\b(?!\s+[Ss]tation)", after))


HOW_OFTEN = re.compile(r"\bhow often\b", re.I)
LENGTH_ONLY = re.compile(r"(?:(?:about|around|up to|within|some|nearly|almost)\s+)?(?:\d[\d,.]*|[a-z]+(?:-[a-z]+)?)\s+"
                         r"(?:working\s+)?(?:seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?)", re.I)


def length_for_how_often(question: str, span: str) -> bool:
    """Whether "how often …?" is answered with a length of time alone ("seven days"): how often is a number of
    times, a share of cases or a frequency ("every week", "twice a year"), which a length is not."""
    return bool(HOW_OFTEN.search(question) and LENGTH_ONLY.fullmatch(span.strip(" .,")))


STOCK_ASKED = re.compile(r"\bhow many\b.*\b(?:(?:does|do|did)\b.*\bhave|has|have got|employ\w*|are there|is there|"
                         r"in total|altogether|in all)\b", re.I)
INCREMENT = re.compile(r"\s*(?:additional|extra|more|new|further)\b", re.I)
INCREMENT_ASKED = re.compile(r"\b(?:additional|extra|more|new|further|added|recruited|increase|rise)\b", re.I)


def increment_for_total(question: str, span: str, after: str) -> bool:
    """Whether a question for how many there are in all ("how many officers does Surrey Police have?") is answered
    with how many were added ("the 350 additional officers recruited since 2020"): the increase, not the total.
    Not when the question asks for the added ones too ("how many extra officers …")."""
    return bool(STOCK_ASKED.search(question) and not INCREMENT_ASKED.search(question)
                and re.search(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred)\b", span)
                and (INCREMENT.match(after) or re.search(r"\d\s+(?:additional|extra|more|new|further)\b", span, re.I)))



def body_cut(span: str, before: str, after: str) -> bool:
    """Whether a name asked for as a person's is the start of a body's name that goes on past it: "the Royal Turks"
    of "The Royal Turks and Caicos Islands Police Band", "Northern Ireland" of "the Northern Ireland Policing
    Board". Said after "the", which a person's name is not."""
    return bool(re.search(r"\b[Tt]he\s+$", before) and (BODY_GOES_ON.match(after) or BODY_RUNS_ON.match(after))
                or re.match(r"[Tt]he\s", span) and BODY_RUNS_ON.match(after))


SPEED_UNIT = re.compile(r"(?:\b|(?<=\d))(?:mph|miles an hour|miles per hour|km/h|kmh|kph|kilometres (?:an|per) hour|"
                        r"kilometers (?:an|per) hour|knots?|m/s|metres per second|meters per second|mach)\b", re.I)


def unspeeded(question: str, span: str, after: str) -> bool:
    """Whether how fast someone went ("how fast was the boat travelling?") is answered by a figure no unit of speed
    goes with, in the span or right after it ("24-foot motorboat": a length). Not "what speed": SQuAD asks so of
    a disc's rpm, a film's ISO, a link's Mbit/s."""
    return re.search(r"\bhow fast\b", question, re.I) is not None and not SPEED_UNIT.search(span + after[:25])


def vague_count(span: str) -> bool:
    """Whether a count is said without a figure ("dozens", "hundreds of", "several recommendations"): where another
    candidate that passes gives one ("A total of 63"), that one answers "how many"; where none does, the releases
    do not say how many."""
    vague = VAGUE.match(span.strip(" ,.;:"))
    return vague is not None and not DIGIT.search(span) and not NUMBER_WORD.search(span.strip(" ,.;:")[vague.end():])


VAGUE = re.compile(r"(?:(?:tens|hundreds|thousands|millions|dozens|scores|several|many|a few|a number)(?:\s+of)?\s*)+",
                   re.I)


def said_as_age(focus: str | None, span: str, before: str, after: str) -> bool:
    """Whether a bare figure is someone's age, written between commas after their name ("Kyle Bramley, 24, of
    Kirkby") or after "aged" ("young people aged 13 to 17"), for a count of something else."""
    figure = span.strip().rstrip(".;:")  # the span may take its sentence's full stop ("13 to 17.")
    if figure.endswith(","):  # the span took the closing comma ("36,")
        figure, after = figure[:-1].rstrip(), "," + after
    if focus == "age":
        return False
    if re.fullmatch(r"\d{1,3}(?:\s*(?:to|-|–|and)\s*\d{1,3})?", figure) and re.search(
            r"\baged\s+(?:between\s+)?(?:\d{1,3}\s*(?:to|-|–|and)\s*)?$", before, re.I):
        return True  # "13 to 17", or the reader's "17" of it
    return bool(re.fullmatch(r"\d{1,3}", figure)) and bool(
        re.search(r"[A-Z][\w'’\-]+,\s*$", before)) and bool(re.match(r"\s*,", after))


# The words a sentence that gives an age says it with: "aged 16", "16 years old", "a 16-year-old", "at 16", "when
# he was 16", "as young as four", "the oldest was 81", "over 18", "his 74th birthday", "the age limit was raised to 28"
AGE_WORDS = re.compile(r"\b(?:ages?d?|old|older|oldest|young|younger|youngest|elder|eldest|year-old|birthday|born|"
                       r"teen\w*|adults?|child\w*|boys?|girls?|when|then|until|till|above|over|under|below|at|"
                       r"turn\w*|retire\w*|upwards)\b|"
                       r"\d(?:st|nd|rd|th)\b", re.I)


def age_unsaid(focus: str | None, span: str, before: str, after: str) -> bool:
    """Whether a bare figure given for "how old …" is in a sentence that says no age at all (none of
    :data:`AGE_WORDS`, and no "Name, 16,"): a 16 in a table of lifebuoys stolen at Clarendon Dock is not the age of
    the man pulled from the water there."""
    figure = span.strip().rstrip(".;:,")
    if focus != "age" or not re.fullmatch(r"\d{1,3}|" + "|".join(SMALL_NUMBERS.values()), figure, re.I):
        return False
    sentence = before + span + re.split(r"(?<=[.!?])\s|\n", after, maxsplit=1)[0]
    apposition = re.search(r"[A-Z][\w'’\-]+,\s*$", before) and re.match(r"\s*,", after)
    return not apposition and not AGE_WORDS.search(sentence)


# What a release counts that is never a number of people ("how many people were arrested?" is not answered by "891
# shoplifting offences"). "Cases" may be people ("10,000 cases of Toxocara infection": SQuAD 1.1 train), and
# "deaths", "lives", "visits" are counts of people too; of SQuAD 1.1 train's 425 "how many people" questions, no
# right answer is a count of these.
NOT_PEOPLE = frozenset("incidents offences offenses crimes reports calls".split())


def misread_figure(expected: str, focus: str | None, span: str, after: str) -> bool:
    """Whether a number is of the wrong kind for the question, read from the span's last figure on (the span may
    hold its unit): a time of day or a share cut short ("6.15" of "6.15am", "29" of "29%") for a count or a length
    of time; a measure ("2,000 litres", in the span or after it) for how many people, though "how old", "what
    age" and "how much" take one; a number of things ("1,200 cannabis plants") for how long; a number of years,
    months … ("19" of "for 19 years") for a date; a count of offences or reports for how many people."""
    # "a six-month operation" is a length of time, no count of the bikes it seized; but "two four-year terms" counts
    # terms (a figure before it), and "how old" or "how many months" take it
    counted = (focus or "").split()[-1:]
    joined = re.search(rf"(?:\d+|{NUMBER_WORD.pattern})-(?:year|month|week|day|hour|minute)\b(?!-old)", span, re.I)
    if expected == "count" and joined and counted not in (["age"], ["years"], ["months"], ["weeks"], ["days"]) \
            and not FIGURE.search(span[:joined.start()]):
        return True
    numbers = list(re.finditer(r"\d[\d,.:]*", span))
    if expected == "date" and numbers and not spans.DATE.search(span):  # "19" of "for 19 years" is no date
        return not span[numbers[-1].end():].strip() and re.match(
            r"[\s-]*(?:years|months|weeks|days|hours|minutes)\b(?!\s+(?:ago|earlier|later|after|before|since)\b)",
            after, re.I) is not None
    if expected not in ("count", "duration") or not numbers:
        return False
    # read from the span's last figure on: the span may hold the measure itself ("2,000 litres" for how many people)
    figure, inside = numbers[-1], span[numbers[-1].end():]
    measure = quantity_of(inside + " ")
    if expected == "count" and measure in MEASURES and not (
            counted and plural(counted[0]) and counted[0] not in MEASURES and not NUMBER_WORD.fullmatch(counted[0])
            and noun_lemma(counted[0]) != noun_lemma(measure)):
        return False  # "how old", "how much" and "what age" are answered in measures ("5,000 years", "985 grams")
    after = inside + after
    if CLOCK.match(figure.group().rstrip(",.") + after[:4].rstrip()):
        return True
    if re.match(r"\s?(?:%|per ?cent\b)", after, re.I):
        return True  # "29" of "29%": a share, cut short
    noun = quantity_of(after)
    if expected == "count":
        if counted == ["age"] and noun in TIME_UNITS:
            return False  # "28" of "28 years" answers how old
        if counted in (["people"], ["persons"], ["individuals"]) and noun in NOT_PEOPLE:
            return True  # "891 shoplifting offences" for how many people were arrested
        return noun in MEASURES and counted != [noun] and (focus or "") not in MEASURES and not (
            counted and NUMBER_WORD.fullmatch(counted[0]))  # "how many millions of tons"
    return noun is not None and noun not in TIME_UNITS and noun not in MEASURES


# What a sum of money is, by the words said beside it: a question for one kind is not answered by a sum of another
# ("what was the street value of the drugs?" by "£18,000 in cash"; "how much cash was in the machine?" by "the
# damage runs into tens of thousands of pounds"). A price, a value, a cost and a sum spent or given are one kind:
# the same sum is said all those ways ("an offer worth $17 billion" is the price paid; SQuAD 1.1 train).
SUM_KINDS = {
    "cash": "cash",
    "damage": "damage damaged damages",
    "loss": "stolen stole theft lost losses defrauded scammed conned swindled fraud",
    "penalty": "fine fined fines compensation",
    "salary": "salary salaries paid-a-year wage wages",
    "price": "worth value valued cost costs costing costed price priced spend spent spending bill fee fees funding "
             "fund funds funded grant grants invest invested investing investment awarded allocated budget",
}
_SUM_KIND = {w: kind for kind, words in SUM_KINDS.items() for w in words.split()}


def _sum_kinds(words: list[str]) -> set[str]:
    return {_SUM_KIND[w] for w in words if w in _SUM_KIND}


def sum_of_other(question: str, span: str, before: str, after: str) -> bool:
    """Whether a sum of money (``span``, which may hold words of its own: "£18,000 in cash") is said, by its words
    and the nearest words beside it (five before, two after, within its clause), to be of another kind than the
    question asks for. Undecided (False) when the question names no kind ("how much will a household pay?") or
    the sum's words and neighbours name none."""
    asked = _sum_kinds(re.findall(r"[a-z]+", question.lower()))
    if not asked:
        return False
    near = (re.split(r"[,;:.!?]", before)[-1].lower().split()[-5:] + span.lower().split()
            + re.split(r"[,;:.!?]", after)[0].lower().split()[:2])
    said = _sum_kinds([w.strip("'’\"()") for w in near])
    return bool(said) and not said & asked


YOUNG = frozenset("""teenage teenager teenagers boy boys girl girls child children youth youths youngster
youngsters schoolboy schoolgirl pupil pupils toddler baby juvenile""".split())
ELDERLY = frozenset("elderly pensioner pensioners widow widower grandmother grandfather".split())
# The age of the person a question asks for, said in it: "the name of the 81-year-old man", "who was the 19-year-old"
ASKED_AGE = re.compile(r"(?:\bnames? of|\bwho (?:is|was|are|were)) (?:the |a |an )?(\d{1,3})-year-old\b", re.I)
AGE_SAID = re.compile(r"\b(\d{1,3})-year-old\b|^,\s*(\d{1,3})\s*[,.]|\baged (\d{1,3})\b")


def aged_otherwise(question: str, before: str, after: str, span: str = "") -> bool:
    """Whether the person a question asks to name ("the name of the teenage girl who escaped") is said, beside the
    candidate name, to be of an age the asked-for words cannot have ("The woman who lived at the house, 71-year-old
    Margaret Ollerenshaw"): young words against an age of 20 or more, elderly ones against one under 50, and an age
    the question states for them against another ("the 81-year-old man" and "Connor Wadsworth, 29,"). Beside is
    the eight words before the name in its sentence and its apposition after it (", 71, of Staveley"). (The other
    sex said beside a name was tried as well: on SQuAD 1.1 train it rejected four right answers, its words being
    about someone else in the sentence: "illegitimate son: Charles Léon (1806–1881) by <his mother>".)"""
    near_before = " ".join(before.split()[-8:])
    apposition = re.split(r"[.;:!?]|\bsaid\b", after, maxsplit=1)[0][:40]
    ages = [int(g) for text in (near_before, apposition) for m in AGE_SAID.finditer(text) for g in m.groups() if g]
    stated = ASKED_AGE.search(question)  # "the name of the 81-year-old man": not "Connor Wadsworth, 29,"
    if stated:
        ages += [int(m.group(1)) for m in re.finditer(r"\w,\s*(\d{1,3})\s*(?:[,.]|$)", span)]  # the span may hold it
        return bool(ages) and int(stated.group(1)) not in ages
    said = _ASKED_WHO.search(question)
    if not said:
        return False
    asked = set(said.group(1).lower().split())
    return bool(ages) and (bool(asked & YOUNG) and min(ages) >= 20 or bool(asked & ELDERLY) and max(ages) < 50)


SHARED_BEFORE = re.compile(r"\b(?:share|shares|shared|sharing|split|splitting|divide|divided|a share of|part of)\s+"
                           r"(?:a\s+|the\s+)?(?:total\s+of\s+|pot\s+of\s+|fund\s+of\s+)?$", re.I)
SHARED_AFTER = re.compile(r"\s*(?:(?:is|was|will\s+be|has\s+been|have\s+been|to\s+be)\s+)?(?:shared|split|divided)\s+"
                          r"(?:between|among)|"
                          r"\s*(?:between|among)\s+(?:them|the|all|(?!(?:19|20)\d\d)\d|"  # not "between 2024 and 2026"
                          r"two|three|four|five|six|seven|eight|nine|ten)", re.I)
ASKS_TOGETHER = re.compile(r"\b(?:share|shared|split|between|among|total|altogether|together|combined|in all|"
                           r"overall)\b", re.I)


def shared_sum(question: str, span: str, before: str, after: str) -> bool:
    """Whether a sum that several share ("The remaining five organisations … will share £509,000", "£40,000 split
    between six groups") is offered for what one of them gets: unless the question asks about the sum they share
    (a total, "between", "altogether"), one's part of it the release does not say. The span may hold the words
    around its figure ("share £509,000")."""
    figure = re.search(r"(?:[£$€]\s?)?\d[\d,.]*(?:\s?(?:m|bn|million|billion|pounds?)\b)?", span)
    if figure is None or ASKS_TOGETHER.search(question):
        return False
    said_before, said_after = before + span[:figure.start()], span[figure.end():] + after
    return bool(SHARED_BEFORE.search(said_before) or SHARED_AFTER.match(said_after))


YEAR_SAID = re.compile(r"(?<![\w£$€])(?:19|20)\d\d(?![\w%])")
YEAR_SPAN = re.compile(r"\bbetween\b|\bsince\b|\bfrom\b.*\b(?:to|until|till)\b|\b(?:19|20)\d\d\s*[-–/]\s*\d\d", re.I)


def year_of_other(year: str, sentence: str, start: int, end: int) -> bool:
    """Whether a figure (characters ``start:end`` of its ``sentence``) is said of another year than the asked-for
    ``year``, which the sentence names too: the year said nearest to it is another ("In 2025 the laboratory
    received 4,870 samples, up from 3,960 in 2024": 4,870 is 2025's, 3,960 is 2024's). False when the sentence
    does not name ``year``, or names no other."""
    said = [(m.start(), m.end(), m.group()) for m in YEAR_SAID.finditer(sentence)
            if not spans.overlaps(m.start(), m.end(), start, end)]  # a year inside the span is the span's own
    if year not in {y for _, _, y in said} or len({y for _, _, y in said}) < 2:
        return False
    nearest = min(said, key=lambda m: start - m[1] if m[1] <= start else m[0] - end)
    return nearest[2] != year


def only_other_year(year: str, sentence: str, start: int, end: int) -> bool:
    """Whether a figure's ``sentence`` (the figure at ``start:end``) names a year, and only other years than the
    asked-for ``year``: "Of the 2025 discharges, … 17 in Lanarkshire" is 2025's, though the sentence before says
    "rose from 74 in 2024". A financial year holds its calendar years ("2025/26" is of 2025)."""
    said = {m.group() for m in YEAR_SAID.finditer(sentence) if not spans.overlaps(m.start(), m.end(), start, end)}
    if RELATIVE_YEAR.search(sentence):  # "9,874 last year, down from 11,203 in 2024": see relative_year_of_other
        return False
    return bool(said) and not any(year[:4] in y or y[:4] in year for y in said)


RELATIVE_YEAR = re.compile(r"\b(last|this|the previous|the past)\s+year(?:'s|’s)?\b", re.I)


def relative_year_of_other(year: str, sentence: str, published: str | None) -> bool:
    """Whether a figure's ``sentence`` names no year but says "last year" or "this year", which the release's
    date makes another year than the asked-for ``year`` ("Of last year's reports, 192 came from Barnsley", in a
    release of February 2026, is 2025's figure, not 2024's). False without a date or a plain year asked."""
    said = RELATIVE_YEAR.search(sentence)
    if not said or not published or not re.fullmatch(r"(?:19|20)\d\d", year) or YEAR_SAID.search(sentence):
        return False
    meant = int(published[:4]) - (0 if said.group(1).lower() == "this" else 1)
    return meant != int(year)


def year_of_release(year: str, sentence: str, lead: str) -> bool:
    """Whether a figure's ``sentence``, which names no year (nor "last year" or "this year"), is of the one year its
    release's ``lead`` (its title and first sentence) names, the asked-for ``year``: "Complaints … rose by 7% in
    2025/26" leads a release whose "905 of incivility" is 2025/26's."""
    asked = re.fullmatch(r"(?:(?:in|during)\s+)?((?:19|20)\d\d)(?:[/\-–]\d\d)?", year.strip(), re.I)  # or "in 2025"
    return asked is not None and set(YEAR_SAID.findall(lead)) == {asked.group(1)} and not YEAR_SAID.search(
        sentence) and not RELATIVE_YEAR.search(sentence)


# A sentence's list of figures, each said of its own thing: "29 were at the Royal Seaforth Dock, 18 at the Alexandra
# Dock and 11 at the Langton Dock", "The Mixed Pond had 27 thefts, the Highgate Men's Pond 19 and the Kenwood Ladies'
# Pond 12". Its items are split at commas, semicolons, colons and "and"; an item that compares ("up from 41 in
# 2024", "compared with 35") goes on with the item before it, the same thing at another time, as does the end of a
# range ("between May and September").
ITEM_BREAK = re.compile(r"[,;:]\s+(?:and\s+|or\s+|while\s+|whereas\s+)?|\s+(?:and|or|while|whereas)\s+")
ITEM_GOES_ON = re.compile(r"(?:up|down|rising|falling|rose|fell)?\s*(?:from|compared\s+(?:with|to)|against|than|"
                          r"to|on|over|versus|vs)\b", re.I)
# a name not only a sentence's capital, or led by an acronym ("HMNB Clyde", "RAF Marham")
NAMED_INSIDE = re.compile(r"(?<=[a-z,;:'’\d]\s)(?:[A-Z][a-z]|[A-Z]{2,}\s+[A-Z][a-z])|(?<=^)[A-Z][a-z]+\s+[A-Z]")
RANGE_OPEN = re.compile(r"\bbetween\s+\S+$", re.I)  # "between May and September": one item
ITEM_FIGURE = re.compile(r"(?<![\w/\-])[£$€]?\d[\d,.]*\d%?(?![\w/\-])|(?<![\w/\-])[£$€]?\d%?(?![\w/\-])")
# (not "556" of "A556", nor "13" of "the 13-year-old Toghun Temür": an age, not the name's figure)


def list_items(sentence: str) -> list[tuple[int, int, int, int]]:
    """The items of a list of figures in ``sentence``, each as (item start, item end, figure start, figure end):
    the items holding exactly one figure (a year is none), where two at least do; [] for a sentence that is no
    such list."""
    bounds: list[list[int]] = []
    at = 0
    breaks = [m for m in ITEM_BREAK.finditer(sentence) if not (  # not the "and" inside "Derry City and Strabane"
        m.group()[:1].isspace() and re.search(r"\b[A-Z][\w'’\-]*$", sentence[:m.start()])
        and sentence[m.end():m.end() + 1].isupper())]
    for m in [*breaks, None]:
        end = m.start() if m else len(sentence)
        if bounds and (ITEM_GOES_ON.match(sentence, at) or RANGE_OPEN.search(sentence, bounds[-1][0], bounds[-1][1])):
            bounds[-1][1] = end
        else:
            bounds.append([at, end])
        at = m.end() if m else len(sentence)
    out = []
    for a, b in bounds:
        figures = [f for f in ITEM_FIGURE.finditer(sentence, a, b) if not YEAR_SAID.fullmatch(f.group())]
        if len(figures) == 1:
            out.append((a, b, figures[0].start(), figures[0].end()))
    return out if len(out) >= 2 else []


@lru_cache(maxsize=4096)  # asked for every candidate span of a passage, of the same sentences
def figure_of(name: str, sentence: str) -> tuple[int, int] | None:
    """Where the figure of the one item of a list of figures (:func:`list_items`) that names ``name`` is in
    ``sentence``; None when no item, or more than one, names it, or no other item names anything: "Flint has been
    deployed more than 1,900 times, helped to make 212 arrests" says Flint of the whole list, not of its first
    item."""
    items = list_items(sentence)
    hits = [(a, fs, fe) for a, b, fs, fe in items if name_supported(name, sentence[a:b])]
    if len(hits) != 1:
        return None
    labelled = [a for a, b, _, _ in items if a != hits[0][0] and NAMED_INSIDE.search(sentence, a, b)]
    return hits[0][1:] if labelled else None


WHOLE_TAKEN_APART = re.compile(r"\s*(?:Of|Among)\s+(?:the|these|those|them|all)\b")


@lru_cache(maxsize=4096)  # asked for every candidate span of a passage, of the same sentences
def item_asked(question: str, sentence: str, focus: str | None = None) -> tuple[int, int] | None:
    """Where the figure of the one item of a list of figures (:func:`list_items`) whose words the question all says
    is in ``sentence``, named in lower case as often as not: "5 for assaults" of "19 arrests: 11 for drugs offences,
    5 for assaults and 3 for public order offences" asked "how many were arrested for assaults?". None when no item,
    or more than one, is so asked, or the list's items say nothing but their figures, or it has fewer than three
    items. An item must say more of the question than its ``focus``, the noun counted ("23 boats were broken into"
    is the total of the boats asked about, not the part asked for)."""
    asked = {spans.stem(w) for w in content_words(question)}
    counted = {spans.stem(w) for w in content_words(focus or "")}
    worded, hits, items = 0, [], list_items(sentence)
    if len(items) < 3:
        return None  # two clauses with a figure each ("212 groups, and they have 1,900 volunteers") are no list
    for a, b, fs, fe in items:
        if WHOLE_TAKEN_APART.match(sentence, a):
            continue  # "Of the 73 dogs seized in 2025": the whole the items are parts of
        words = {spans.stem(w) for w in content_words(sentence[a:fs] + " " + sentence[fe:b])
                 if not w[0].isdigit()}
        worded += bool(words)
        if words - counted and words <= asked:
            hits.append((fs, fe))
    return hits[0] if len(hits) == 1 and worded >= 2 else None


TIME_UNIT = re.compile(r"\b(?:years?|months?|weeks?|fortnights?|days?|nights?|hours?|minutes?|seconds?|decades?)\b",
                       re.I)


def item_of_type(expected: AnswerType, item: str) -> bool:
    """Whether a list item (:func:`list_items`) gives a figure of the ``expected`` type: a list of counts ("640 for
    sexual offences") gives no length of time, however well its words match the question ("how long are victims of
    sexual offences waiting?"); a list of sums gives no count."""
    if expected == "duration":
        return bool(TIME_UNIT.search(item))
    return type_ok(expected, item)


RESIDUAL = re.compile(r"\b(?:the rest|the remain\w*|remaining|the others?|among them|including)\b", re.I)


@lru_cache(maxsize=4096)  # asked for every candidate span of a passage, of the same sentences
def left_in_the_rest(name: str, sentence: str) -> bool:
    """Whether a list of figures (:func:`list_items`) leaves ``name`` in its rest, given no figure of its own: "41
    were at RAF Brize Norton, 29 at RAF Coningsby …, with the remaining 25 spread across other stations, among them
    RAF Valley"; "… 2,760 in North Norfolk, with the rest in Broadland, Great Yarmouth and Norwich"."""
    items = list_items(sentence)
    rest = RESIDUAL.search(sentence)
    if not items or not rest or not any(NAMED_INSIDE.search(sentence, a, b) for a, b, _, _ in items):
        return False
    return name_supported(name, sentence[rest.start():]) and not any(
        name_supported(name, sentence[a:b]) for a, b, _, _ in items if a < rest.start())


PART_ASKED = re.compile(r"\bon (?:its|their|his|her) own\b|\bindividually\b|\bapiece\b|\bby (?:itself|themselves)\b",
                        re.I)
TOTAL_SAID = re.compile(r"\b(?:combined|in total|total(?:led|ling)?|altogether|in all|between them)\b", re.I)


def total_for_part(question: str, sentence: str) -> bool:
    """Whether a question for what one or each of several is worth on its own ("what were the two cacti worth on
    their own?") is answered from a sentence that gives their total ("had a combined market value of £4,600"):
    each one's part, the release does not say."""
    return bool(PART_ASKED.search(question) and TOTAL_SAID.search(sentence))


_MANY = r"(?:[2-9]|\d{2,}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|dozens?)"


COST_ASKED = re.compile(r"\b(?:cost|costs|costing|price|priced|spent|spend|worth|pa(?:y|id) for|buy|bought)\b", re.I)


def cost_of_many(question: str, sentence: str) -> bool:
    """Whether a question for what one thing cost ("how much did the drone detection system at RAF Coningsby
    cost?") is answered from a sentence that gives the cost of several ("drone detection systems for four stations
    at a cost of £2.3 million", "two custody suites"): the one's own cost the release does not say. The thing is
    a noun the question says in the singular and the sentence in the plural, counted (or "for four stations")."""
    if not COST_ASKED.search(question):
        return False  # "how much was the man fined for bird trapping?" asks no thing's cost
    asked = {w.lower() for w in content_words(question) if len(w) >= 4 and w.isalpha() and not w.endswith("s")}
    return any(re.search(rf"\b{_MANY}\s+(?:[\w\-]+\s+){{0,3}}?{w}s\b|\b{w}s\s+(?:for|at|in|across)\s+{_MANY}\s",
                         sentence, re.I) for w in asked)


# "on what date", "what day": a day is asked for, which a month alone does not give
ASKS_DAY = re.compile(r"\b(?:what|which)\s+(?:exact\s+)?(?:date|day)\b(?!\s+of\s+the\s+(?:week|month))", re.I)
A_MONTH = re.compile(rf"\b(?:{'|'.join(m.title() for m in MONTHS)})\b")  # "May", not "may"
A_DAY = re.compile(r"\d|\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|yesterday|christmas|new year)|"
                   r"(?-i:\b[A-Z]\w* Day\b)", re.I)  # "May Day", "Boxing Day"


ASKS_WEEKDAY = re.compile(r"\b(?:what|which)\s+day\b(?!\s+of\s+the\s+(?:week|month))", re.I)
WEEKDAY_OR_DATE = re.compile(rf"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:today|tomorrow|yesterday)\b|"
                             rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{'|'.join(MONTHS)})|"
                             rf"(?:{'|'.join(MONTHS)})\s+\d{{1,2}}\b|\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b|"
                             rf"(?-i:\b[A-Z]\w* Day\b)|\b(?:christmas|easter|new year)",
                             re.I)


LASTING = re.compile(r"\b([a-z]{3,})\s+(?:lasting|that lasted|which lasted)\s+"
                     r"(?:(?:more|less) than\s+|nearly\s+|almost\s+|about\s+|around\s+|some\s+)?$")


def lasting_other(question: str, before: str) -> bool:
    """Whether a length of time is said of a thing ("an investigation lasting eleven months") the question does not
    ask about ("how long did his court martial hearing last?"): the noun before "lasting" is no word of the
    question's, in a form :func:`_word_in` accepts."""
    m = LASTING.search(before)
    return m is not None and not _word_in(m.group(1), _norm(question))


def month_for_day(question: str, span: str) -> bool:
    """Whether a question for a day ("on what date will the court sit?", "on what day does it start?") is
    answered with a month or a season alone ("a hearing in September", "last summer"): which day, the release
    does not say. A month with its year ("March 1969") is
    let through: SQuAD's writers ask "on what date" of those (a year alone or a month and year is the gold answer
    of 14 "what date" questions in SQuAD 1.1 train's first 200 articles; a month alone, of none)."""
    if ASKS_WEEKDAY.search(question):  # "on what day does it start?": a day, not a year ("25" for "what day in May")
        return not WEEKDAY_OR_DATE.search(span) and not (A_MONTH.search(question) and re.fullmatch(
            r"\s*\d{1,2}(?:st|nd|rd|th)?\s*", span))
    return bool(ASKS_DAY.search(question)) and not A_DAY.search(span)


ASKS_WHICH = re.compile(r"\b(?:which|what)\s+((?:[a-z][\w\-]*\s+){0,3}[a-z][\w\-]*)", re.I)
VAGUE_HEAD = re.compile(r"(?:the|a|an|one|this|that|its|their|his|her)\s+", re.I)
UNITS_ASKED = frozenset({"percent", "percentage", "cent", "proportion", "share", "fraction", "number", "amount"})


# A court is named as one ("Highbury Corner Magistrates' Court", "Bulford Military Court Centre")
COURT_ASKED = re.compile(r"^(?:at |in )?(?:which|what) court(?:\s+(?:\w+ed|is|was|will|would|did|does|has|had|heard|"
                         r"sat|sent|gave|made|found|held|dealt)\b|\s*\?)", re.I)  # not "which court case …"


def unsaid_which(question: str, span: str) -> bool:
    """Whether a question for one of a kind ("at which custody suite were the showers out of use?") is answered with
    that kind unnamed ("one suite", "the hospital"): "the", "a" or "one", then only words of the question's own
    "which …" phrase, in lower case ("The Times" is a name). Which one, the release does not say. ("Other humans"
    and "every continent" are let through: SQuAD's writers take them as answers.)"""
    asked = ASKS_WHICH.search(question)
    head = VAGUE_HEAD.match(span.strip() + " ")
    if asked is None or head is None:
        return False
    if head.end() >= len(span.strip()):  # "one" alone: no name at all
        return True
    rest = span.strip()[head.end():].split()  # in lower case: "An County", "The Times" are names
    kind = {noun_lemma(w) for w in asked.group(1).lower().split()} - UNITS_ASKED
    return bool(rest) and all(w.isalpha() and w.islower() and noun_lemma(w) in kind for w in rest)


def read_as(analysis: Analysis, span: str) -> AnswerType:
    """The type ``span`` is checked as: the asked-for one, but a share for "how much did burglaries fall?" when the
    span is one ("41 per cent")."""
    if analysis.expected == "count" and asks_change_of_amount(analysis.question) and type_ok("percentage", span):
        return "percentage"
    return analysis.expected


# "what time did the collision happen?", not "during/around/by what time" (an era, a deadline) nor "what time of day"
CLOCK_ASKED = re.compile(r"(?:^|[,;]\s*)(?:and\s+)?(?:at\s+(?:about\s+|roughly\s+)?)?what time\s+"
                         r"(?:(?:in|of)\s+the\s+(?:morning|afternoon|evening|night|day)\s+)?"
                         r"(?:did|does|do|was|were|is|are|will|would|had|has|should|must)\b|\bat what hour\b", re.I)


CLOCK_TIME = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm|a\.m\.?|p\.m\.?)|\b\d{1,2}:\d{2}(?!\d)|"
                        r"\b\d{4}\s?(?:hrs|hours)\b|"
                        r"\bmidnight\b|\bnoon\b|\bmidday\b|\bo[’']clock\b", re.I)


def clock_unsaid(question: str, span: str) -> bool:
    """Whether a question asks for a time of day ("at what time did the keepers hear the shots?") and ``span`` gives
    no time on a clock ("3 November 2025", "the night of 3 November"): the day, or the part of it, is not the
    time."""
    return bool(CLOCK_ASKED.search(question)) and not CLOCK_TIME.search(span)


START_ASKED = re.compile(r"\b(?:begins?|began|begun|start\w*|opens|opened|opening|commenc\w*|kicks? off|get under way)\b|"
                         r"\b(?:do|does|did|will|would)\b.*\bopen\b", re.I)  # not "when is the counter open?": hours
END_ASKED = re.compile(r"\b(?:ends?|ended|finish\w*|close[sd]?|closing|stops?|stopped|over)\b", re.I)


def end_for_start(question: str, span: str, before: str) -> bool:
    """Whether a time asked for as when something starts is said as when it ends ("evenings until 1am" for when the
    patrols begin), or one asked for as when it ends is said as when it starts ("from 7pm")."""
    clocks = list(CLOCK_TIME.finditer(span))
    if not clocks:
        return False
    if START_ASKED.search(question) and not END_ASKED.search(question):  # the first time said ends it: "until 1am"
        said = (before + span[:clocks[0].start()]).rstrip()  # (not "9am to 5pm", which says the start)
        return re.search(r"\b(?:until|till|til|to|through)$|[-–]$", said, re.I) is not None
    if END_ASKED.search(question) and not START_ASKED.search(question):  # the last time said starts it: "from 7pm"
        said = (before + span[:clocks[-1].start()]).rstrip()
        return re.search(r"\b(?:from|starting at|starting from|beginning at)$", said, re.I) is not None
    return False


CURRENCIES = {"pound": re.compile(r"£|(?<!per )(?<!a )\bpounds?\b(?! (?:of|in weight))|\b(?:sterling|GBP)\b|\bpence\b|"
                                  r"\d\s?p\b", re.I),
              "dollar": re.compile(r"\$|\bdollars?\b|\b(?:USD|NZD|AUD|CAD)\b"),
              "euro": re.compile(r"€|\beuros?\b|\bEUR\b")}


def other_currency(question: str, span: str) -> bool:
    """Whether the question asks for a sum in one currency ("fined in pounds sterling") and ``span`` gives it in
    another ("NZ$400"): a sum in dollars is no sum in pounds, whatever the rate."""
    asked = [c for c, said in CURRENCIES.items() if said.search(question)]
    given = [c for c, said in CURRENCIES.items() if said.search(span)]
    return len(asked) == 1 and bool(given) and asked[0] not in given


ORIGIN_ASKED = re.compile(r"\bwhere\s+(?:is|was|are|were|does|did|do)\b.*\b(?:from|come from)\W*$|"
                          r"\b(?:which|what)\s+(?:town|city|village|county|country|area|place|part of)\b.*"
                          r"\bfrom\W*$|\bhome\s?town\b", re.I)
NEARBY = re.compile(r"\b(?:near|outside|beside|close to|off|towards)\s+(?:the\s+)?$", re.I)


DESTINATION_ASKED = re.compile(r"\bwhere\s+(?:is|was|are|were|will|has|have|had)\b.*\b(?:taken|brought|escorted|moved|"
                               r"transferred|sent|towed|flown|driven|returned|removed)\b", re.I)


def said_near(span: str, before: str) -> bool:
    """Whether the place a span ends with is said as one something happened near: "near Tarporley", with "near" in
    the span ("field gateway near Tarporley") or just before it."""
    said = before + re.sub(r"[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*\W*$", "", span)
    return NEARBY.search(said) is not None


def destination_unsaid(question: str, span: str, before: str) -> bool:
    """Whether a question asks where someone or something was taken ("where were the two fishing vessels taken?")
    and the place is said as one something happened near ("boarded eight days later near Salomon Atoll"): a place
    near which is no destination."""
    return bool(DESTINATION_ASKED.search(question)) and said_near(span, before)


def origin_unsaid(question: str, span: str, before: str) -> bool:
    """Whether a question asks where someone is from ("which town does Craig Whitlow come from?") and the place is
    said as one something happened near ("dumping 30 tyres in a field gateway near Tarporley"). Only "near" and its
    like: after "in" or "at" a place is as often where someone is from as not (SQuAD 1.1 train: "Where did Bell's
    uncle live?", "his uncle in Dublin")."""
    return bool(ORIGIN_ASKED.search(question)) and said_near(span, before)


EVENT_AFTER = re.compile(r"\s*,?\s*(?:after|before|once|following)\s+([^.;,]{3,80})", re.I)
VERB_BEFORE = re.compile(r"\b([a-z]+ed)\s+(?:on\s+|in\s+|at\s+)?(?:the\s+)?$")


def date_of_other_event(question: str, span: str, before: str, after: str) -> bool:
    """Whether a date is said of one event and the question asks for another the sentence says only happened before
    or after it: "were warned on 3 February after they anchored off Henderson Island" gives when they were warned,
    not when they anchored. The asked event is the clause's ("anchored"), the date the verb's before it
    ("warned"), which the question does not say."""
    rest = re.match(rf"(?:\s+(?:{'|'.join(MONTHS)})\b)?(?:\s+\d{{4}}\b)?", after, re.I)  # "3" of "3 February"
    clause, verb = EVENT_AFTER.match(after, rest.end()), VERB_BEFORE.search(before)
    if not clause or not verb:
        return False
    asked = {spans.stem(w) for w in content_words(question)}
    if spans.stem(verb.group(1)) in asked:
        return False
    said_before = {spans.stem(w) for w in content_words(before)}
    event = {spans.stem(w) for w in content_words(clause.group(1))} - said_before
    return any(re.fullmatch(r"[a-z]+ed", w) and spans.stem(w) in asked for w in clause.group(1).split()) and \
        bool(event & asked)


SHARE_OF = re.compile(r"\b(?:percentage|proportion|share|per ?cent|fraction)\s+of\s+(?:the\s+|all\s+)?([a-z\-]+)", re.I)
SHARE_SAID_OF = re.compile(r"\s*of\s+(?:the\s+|all\s+|those\s+)?([a-z\-]+)")


def share_of_other(question: str, span: str, after: str, sentence: str) -> str | None:
    """The people or things a share in ``span`` is said of, right after it ("71 per cent of sergeants", read on
    into the text ``after`` the span), when the question asks the share of others ("what percentage of inspectors
    …?") that its ``sentence`` names apart ("Of the 12,617 constables, sergeants, inspectors …"): the noun said,
    or None. Only a plural said against a plural asked: "of them" says nothing against it, and "in 64 per cent of
    pursuits the driver …" may answer for the drivers chased."""
    asked = SHARE_OF.search(question)
    if not asked or not plural(asked.group(1).lower()) or not re.search(rf"\b{re.escape(asked.group(1))}\b", sentence,
                                                                         re.I):
        return None
    a, text = asked.group(1).lower(), span + after
    for figure in re.finditer(r"\d[\d.,]*\s*(?:per ?cent|%)?", span):
        said = SHARE_SAID_OF.match(text, figure.end())
        b = said.group(1).lower() if said else ""
        if b and plural(b) and b not in ("them", "those", "these", "all") and spans.stem(a) != spans.stem(b):
            return b
    return None


EACH_ASKED = re.compile(r"\beach\b(?!\s+other)|\ba single\b|\bapiece\b|\bper (?!cent\b|year\b|month\b|week\b|day\b)",
                        re.I)


def price_of_each(question: str, sentence: str) -> bool:
    """Whether a question for what each of several things cost ("how much does each of the naloxone kits cost?")
    is answered from a sentence that spends a sum on a number of them ("spending £126,000 on 2,400 nasal spray
    kits"): each one's price the release does not say."""
    if not (COST_ASKED.search(question) and EACH_ASKED.search(question)):
        return False
    things = {w.lower().rstrip("s") for w in content_words(question) if len(w) >= 4 and w.isalpha()}
    return any(re.search(rf"\b(?:on|for|buy|buying|bought)\s+(?:{_MANY}|\d[\d,]*)\s+(?:[\w\-]+\s+){{0,3}}?{w}s?\b",
                         sentence, re.I) for w in things)


NEGATED = re.compile(r"\b(?:not|never|no longer|failed to|fail to|refused to)\b|n[’']t\b")  # not "Choices Not Knives"
NEGATION_SAID = re.compile(r"\b(?:not|no|never|none|nobody|neither|nor|without|fail\w*|refus\w*|declin\w*|unable|"
                           r"missing|absent|outstanding|yet to)\b|n[’']t\b", re.I)


def negation_unsaid(question: str, text: str) -> str | None:
    """Whether a question asks for what did not happen ("which forces did not answer the requests?") and ``text``
    (the answer's sentence and its neighbours) says nothing that did not: "answered by 39 of the 43 forces" names
    those that did. ("not only" and "whether or not" ask no negation.) The negation and the word after it ("not
    answer"), or None."""
    if re.match(r"\s*(?:why|how)\b(?!\s+many\b)", question, re.I):
        return None  # "why can't PCCs raise more?" asks a reason, which need not be said in the negative
    asked = [m for m in NEGATED.finditer(question)
             if not re.match(r"not only\b", question[m.start():], re.I)
             and not re.search(r"\bor\s+$", question[:m.start()], re.I)]
    if not asked or NEGATION_SAID.search(text):
        return None
    return " ".join(question[asked[0].start():].split()[:2]).strip("?.,")


def named_apart(question: str, sentence: str, span: str) -> bool:
    """Whether a question asks the name of something it describes ("what is the name of the BIOT patrol vessel?")
    and the answer's sentence says that thing unnamed, apart from the name given ("the longliner Sanda Mali was
    boarded by officers from the territory's patrol vessel"): that name is another thing's. Only a name said first,
    then a clause that says the thing apart ("was boarded by … the patrol vessel"): a description before a name
    is most often the name's own ("the first torchbearer, … swimmer Lin Li", "the trade name Adrenalin"), as is
    one after "is the", "as" or "called"."""
    m = re.search(r"\bnames? of (?:the |a |an |its |their )?((?:[\w\-’']+ ){0,3}?[a-z\-]+)\s*\??\s*$", question)
    if not m or not span.strip():
        return False
    words = [w for w in m.group(1).split() if w[:1].islower()]
    described = " ".join(words[-2:]) if len(words) >= 2 else (words[0] if words else "")
    if len(described) < 4:
        return False
    at = sentence.find(span.strip())
    if at < 0:
        return False
    for d in re.finditer(rf"\b{re.escape(described)}\b", sentence[at + len(span.strip()):], re.I):
        between = sentence[at + len(span.strip()):at + len(span.strip()) + d.start()]
        if re.search(r"\b(?:was|were|is|are|has|have|had)\b", between) and not re.search(
                r"\b(?:called|named|known|as|became|becomes|is the|was the|the name)\b", between):
            return True  # the name, then a clause that says the asked-for thing apart from it
    return False


_NO_KINDS = frozenset("around among along behind beyond towards upon since without last next first".split())
# Words that say how many or which of a noun, not what kind: "additional call handlers" are the "18 extra" ones.
_ANY_KIND = frozenset("""additional extra further more fewer new newly total overall other various several separate
current recent latest former existing different single individual whole entire full actual""".split())


@lru_cache(maxsize=256)
def _stems(text: str) -> frozenset[str]:
    """The stems of a text's words, a hyphenated word's whole and its parts ("body-worn", "body", "worn")."""
    words = re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower())
    return frozenset({spans.stem(w) for w in words} | {spans.stem(p) for w in words for p in w.split("-")})


def kind_unsaid(question: str, focus: str | None, counted: str, window: str, release: str,
                elsewhere: tuple[str, ...] = ()) -> str | None:
    """The kind a question asks of a thing that the answer's sentence (``counted``: with the sentence it takes apart)
    says of another kind, or not at all, where the release says the asked kind elsewhere with a figure of its own:
    "special constables put on the advisory list" beside "612 people were added to the police barred list … 45 were
    special constables" ("advisory list" against "barred list"), "disability hate crimes" beside "9,842 hate
    crimes" when "702 were linked to disability". The kind is said nowhere in the ``window`` around the answer
    (its release's title, its sentence and those beside it). The kind's word (or words), or None."""
    normed = counted.lower()
    q = question.lower().replace("’", "'")
    said_words = _stems(window)
    # a kind said against another: "<kind> <noun>" asked, "<other> <noun>" said
    for m in re.finditer(r"\b([a-z]{4,})\s+([a-z]{3,})\b", q):
        kind, noun = m.groups()
        if {kind, noun} & (_SMALL_WORDS | STOPWORDS | PREPOSITIONS | _NO_KINDS) or spans.stem(kind) in said_words:
            continue
        other = re.search(rf"\b([a-z]{{3,}})\s+{noun}\b", normed)
        if other and other.group(1) not in _SMALL_WORDS | STOPWORDS and re.search(
                rf"\b{kind}\s+{noun}\b", release, re.I):
            return f"{kind} {noun}"
    # a kind of the counted noun the release never says, though another release read does ("12,617 constables" in
    # a release with no special constables, where another's "45 were special constables"), or gives its own
    # figure as an item of a list elsewhere, without the noun: "702 were linked to disability" under "Hate crime in
    # Greater Manchester in 2025"
    if focus and len(focus.split()) >= 2:
        head = spans.stem(focus.split()[-1])
        for kind in focus.lower().split()[:-1]:
            if len(kind) < 4 or kind in _SMALL_WORDS | STOPWORDS or spans.stem(kind) in said_words:
                continue
            if kind.isalpha() and kind not in _ANY_KIND and spans.stem(kind) not in _stems(release) and any(
                    re.search(rf"\b{kind}\b", other, re.I) for other in elsewhere):
                return kind
            for item in re.split(r"(?<=[.!?])\s+|\n+", release):
                words = re.findall(r"[a-z]+", item.lower())
                if re.match(r"\s*(?:[-*•]\s*)?\d[\d,]*\s", item) and len(item.split()) <= 12 and kind in words \
                        and head not in {spans.stem(w) for w in words}:
                    return kind
    return None


def shaped(analysis: Analysis, span: str, before: str, after: str) -> bool:
    """Whether a candidate ``span`` has the shape of the asked-for answer, read with its sentence's text ``before``
    it and the passage's text ``after`` it: the type's shape (:func:`type_ok`; a share also answers "how much …
    rise by"), not a restatement of the question, and none of the misreadings the other-forces checks found."""
    expected, question = read_as(analysis, span), analysis.question
    typed = type_ok(expected, span) or (expected == "money" and asks_change(question) and type_ok("percentage", span))
    if not typed or restates(span, question, analysis.constraints):
        return False
    # a person is not a place ("across County Durham and Darlington"), nor an officer for the man arrested
    if expected == "person" and (said_as_place(span, before) or body_for_role(question, span)
                                 or officer_for_civilian(question, analysis.focus, before, span)
                                 or civilian_for_officer(question, analysis.focus, span, after)
                                 or aged_otherwise(question, before, after, span)
                                 or body_cut(span, before, after)
                                 or other_role(question, before, after, span)):
        return False
    if expected == "organisation" and person_for_body(span, before, after):  # "Simon Aspinall, headteacher of …"
        return False
    if expected == "place" and force_cut(span, after):  # "British Indian Ocean Territory" of "… Territory Police"
        return False
    if length_for_how_often(question, span):  # "seven days" for how often a target was met
        return False
    if misread_figure(expected, analysis.focus, span, after):  # "6.15" of 6.15am, "2,000" litres for people
        return False
    sentence = before + span + re.split(r"(?<=[.!?])\s", after, maxsplit=1)[0]
    if expected in ("count", "date", "duration") and other_stage(  # a day, not a year, is one step's alone
            question, sentence, exact=expected == "date" and STAGE_ASKED.search(question) is not None
            and not re.search(r"\b(?:what|which) year\b", question, re.I)):
        return False
    if opposite_superlative(question, sentence):  # "his oldest victim" for the youngest
        return False
    if expected == "percentage" and share_of_other(question, span, after, sentence):  # "71 per cent of sergeants"
        return False  # for the inspectors, said beside them
    if expected == "count" and unspeeded(question, span, after):  # "24-foot motorboat" for how fast
        return False
    if expected == "count" and increment_for_total(question, span, after):  # "350 additional officers" for how
        return False  # many Surrey Police has
    if expected == "count" and said_as_age(analysis.focus, span, before, after):  # "Kyle Bramley, 24," is no count
        return False
    if expected == "count" and length_for_age(analysis.focus, span, before, after):  # "retired after 40 years"
        return False
    if expected == "count" and age_unsaid(analysis.focus, span, before, after):  # a table's "16" is no age
        return False
    if expected == "duration" and (bare_length(question, span, after)  # "Megan Lloyd, 32," for how long missing
                                   or term_of_other(question, before)  # "jailed for 11 years": not her service
                                   or lasting_other(question, before)):  # "an investigation lasting eleven months"
        return False
    if expected == "date" and month_for_day(question, span):  # "September" for the date of a hearing
        return False
    if expected == "count" and is_share(span, after, before):  # "Two in three farmers" is a share, not how many
        return False
    if expected == "money" and sum_of_other(question, span, before, after):  # "£18,000 in cash" is no street value
        return False
    if expected == "money" and shared_sum(question, span, before, after):  # five groups "will share £509,000"
        return False
    if expected in FIGURES and total_for_part(question, sentence):  # "a combined value of £4,600" for each one's
        return False
    if expected == "money" and cost_of_many(question, sentence):  # "systems for four stations at a cost of £2.3
        return False  # million" for what the one at RAF Coningsby cost
    if expected == "money" and price_of_each(question, sentence):  # "£126,000 on 2,400 kits" for each kit's price
        return False
    if expected == "date" and clock_unsaid(question, span):  # "3 November 2025" for the time the shots were heard
        return False
    if expected == "date" and (end_for_start(question, span, before)  # "until 1am" for when patrols begin
                               or date_of_other_event(question, span, before, after)):  # "warned on 3 February
        return False  # after they anchored" for when they anchored
    if expected == "money" and other_currency(question, span):  # "NZ$400" for a fine in pounds
        return False
    if expected == "place" and (origin_unsaid(question, span, before)  # "near Tarporley" for his home town
                                or destination_unsaid(question, span, before)):  # "near Salomon Atoll" for where
        return False  # the vessels were taken
    if named_apart(question, sentence, span):  # "the longliner Sanda Mali" for the name of "the patrol vessel"
        return False
    if unsaid_which(question, span):  # "one suite" for which suite
        return False
    if COURT_ASKED.search(question) and not re.search(r"\bcourts?\b", span, re.I):  # "Heath Constables"
        return False
    return not unnamed(question, span)  # "a legally qualified chair" is no name

