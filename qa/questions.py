"""question → analysis: what kind of answer a question asks for, and what an answer must respect.

``analyze(question)`` gives

* ``expected``: the answer type — ``count``, ``money``, ``percentage``, ``date`` (a day,
  month, year, period or time), ``duration``, ``person``, ``organisation``, ``place``,
  ``contact`` (a phone number, address, email or web address), ``list`` or
  ``description`` (why, how, what … mean: no type to check);
* ``focus``: the noun the question asks about ("arrests" in "how many arrests …");
* ``constraints``: the named things, numbers, years, places, times and qualifiers of the
  question. Each is ``strict`` or not. A strict constraint narrows the asked-for fact —
  after a preposition ("in Watford", "of Cambridgeshire Constabulary", "in 2015"), a
  possessive ("Bedfordshire's commissioner"), a time ("last year") or a qualifier
  ("alone", "first") — and must be supported by the answer's own sentence or its
  neighbours. The others name the topic ("Operation Hotspot" in "how many arrests did
  Operation Hotspot make") and must be supported somewhere in the answer's release and,
  but for acronyms, near the answer: its sentence, the neighbours, or the release's title
  and lead (a near-miss question's named thing is often in the release, but the fact
  beside the answer is about something else).

The rules read the question's words only: the wh-word and the noun after it, a table of
head nouns for each type, and written shapes for names and numbers. No rule knows any
release. ``indirect(question)`` turns a question into the clause a refusal needs ("how
many arrests did Operation Hotspot make?" → "how many arrests Operation Hotspot made"),
with lemminflect for the verb form, or returns None when it cannot do so safely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Protocol

from qa.store import STOPWORDS

AnswerType = Literal["count", "money", "percentage", "date", "duration", "person", "organisation", "place",
                     "contact", "list", "description"]
ConstraintKind = Literal["name", "number", "year", "time", "qualifier", "noun",  # noun: a count's counted noun
                         "predicate"]  # what a partitive count's part is or does (``subset``)

WORD = re.compile(r"[A-Za-z0-9£$€][A-Za-z0-9'’\-/.,£%]*[A-Za-z0-9%]|[A-Za-z0-9]")
AUX = frozenset("do does did is are was were will would can could has have had should shall may might must".split())
PLURALS = frozenset({"people", "children", "men", "women", "police", "staff"})  # plurals without an -s
DETERMINERS = frozenset("the a an this that these those its their his her our your my each every any some no".split())
PREPOSITIONS = frozenset("in at of for from across within on during under outside inside near by between".split())
QUESTION_WORDS = frozenset("what which who whom whose when where why how".split())

PERSON_NOUNS = frozenset("""person people officer officers commissioner commissioners detective inspector
superintendent constable constables chief director head leader lead minister secretary mp councillor chair
chairman chairwoman man woman boy girl spokesperson spokesman spokeswoman judge victim suspect sergeant pcc
deputy manager founder member members volunteer volunteers visitor visitors name""".split())
# Money put in, gained, lost or got back: "how much is he putting into the cadets?", "how much has been recovered?"
GAIN_VERBS = frozenset("""secured secure secures lost lose loses losing received receive receives won win wins earned
earn earns owed owe owes stolen stole scammed defrauded conned swindled claimed claim claims made make makes
taken promised offered given put puts putting invest invests investing invested spend spends spending spent pay pays
paying paid contribute contributes contributing contributed recovered repaid refunded""".split())
PEOPLE_PLURALS = frozenset("men women children boys girls suspects victims defendants offenders".split())
# People a release names as one of several, by what they did: "which of the two poachers was fined?"
PEOPLE_NOUNS = frozenset("""poacher thief burglar robber dealer smuggler fraudster driver rider motorist cyclist
trespasser attacker offender defendant suspect victim brother sister son daughter""".split())
ONE_OF = re.compile(r"^(?:which|who) (?:one )?of (?:the|these|those|its|their) (?:[\w\-'’£,.]+ ){0,5}?([a-z]+) "
                    r"(?:was|is|has|had|did|will|got|received|admitted|pleaded)\b")

ORGANISATION_NOUNS = frozenset("""company companies firm firms organisation organisations organization charity
charities body bodies agency agencies force forces department departments unit units team teams council
councils group groups partnership partnerships service services inspectorate authority authorities trust
trusts association associations business businesses foundation committee party court gang gangs""".split())
PLACE_NOUNS = frozenset("""town towns city cities village villages county counties area areas place places
location locations street streets road roads country countries region regions district districts borough
boroughs ward wards station stations venue venues site sites hospital hospitals prison prisons""".split())
# the last word of a place's name ("Riverside Quay", "Tees Dock", "Pan Am Beach")
PLACE_ENDINGS = frozenset("""Street Road Lane Avenue Square Park Quay Dock Docks Harbour Bay Beach Bridge Tunnel Station
Airport Port Island Islands Hill Green Way Estate Centre Hospital Prison""".split())
DATE_NOUNS = frozenset("year years date dates day days month months period time times week weeks deadline".split())
# "how much a year", "how much per hour": a rate of pay or cost, asked without a money word
RATE = re.compile(r"(?:a|an|per|each|every) (?:year|month|week|day|hour|night|shift)\b")
DURATION_NOUNS = frozenset("sentence sentences duration length".split())
# Things with proper names: asked for by "which/what … name", answered by a capitalised name.
NAME_HEADS = frozenset("""operation operations scheme schemes project projects programme programmes campaign
campaigns initiative initiatives strategy strategies plan plans report reports award awards event events
conference app""".split())
IMPERATIVES = frozenset("name list give describe explain tell according identify state".split())
# Words that open a question's first clause and are capitalised only for that ("Since Luther believed …, what …",
# "Besides scrutiny, why …"): not the start of a name.
OPENING_WORDS = frozenset("""since while if because after before although though despite besides apart other than
unlike like given as once until whereas""".split())
DURATION_UNITS = frozenset("years months weeks days hours minutes seconds".split())
MONEY_WORDS = frozenset("""cost costs money funding fund funds worth spend spending spent paid pay budget grant grants
price fine fines value raise raised bill charge cash invested investment amount reward compensation
salary salaries precept committed commit commits allocated allocate allocation awarded donated donation donations
pledged earmarked invest invests funded costing costed pays paying spends fee fees payment payments payout
fined penalty penalties levy wage wages rent fare fares""".split())
CONTACT = re.compile(r"\b(?:phone|telephone|mobile|helpline|contact|reference|case|crime|incident|log) number\b|"
                     r"\b(?:what|which) number\b|"
                     r"\b(?:what|which)(?:'s|\s+is|\s+are|\s+was)?\s+(?:the\s+)?(?:[a-z0-9\-']+\s+){0,3}numbers?\s*\?*$|"
                     r"\bnumber (?:can|should|do|must) (?:i|you|we|people|residents|victims)\b|\bnumber to (?:ring|call|text)\b|"
                     r"\b(?:e-?mail|web|postal|home) address\b|\bwebsite\b|\bwhat is the address\b|"
                     r"\bwhere can (?:i|you|people) (?:read|find|download|see)\b|\bhow (?:can|do|should) (?:i|you) "
                     r"(?:contact|call|ring|email|reach)\b")
MODALS = frozenset("did does do will would could can should might may to".split())  # before a verb: "did it last?"
QUALIFIERS = {"alone": None, "only": None, "first": "first", "second": "second", "third": "third", "last": "last",
              "each": None, "per": None, "annual": "annual", "annually": "year",
              "every": None}
TIME_PHRASE = re.compile(r"\b(?:last|this|next|previous|past)\s+(?:year|month|week|summer|winter|spring|autumn)\b"
                         r"|\b(?:since|in|during|before|after|until|by)\s+(?:(?:19|20)\d{2}(?:/\d{2,4})?"
                         r"|january|february|march|april|may|june|july|august|september|october|november|"
                         r"december)\b", re.I)
YEAR = re.compile(r"\b(?:19|20)\d{2}(?:/\d{2,4})?\b")
NUMBER = re.compile(r"(?:£|\$|€)?\d[\d,]*(?:\.\d+)?(?:m|bn|k)?%?")
ROAD = re.compile(r"\b[ABM]\d{1,4}\b")  # a British road's name ("M4", "A14", "B1234"): a name, not a number


@dataclass(frozen=True)
class Constraint:
    kind: ConstraintKind
    text: str
    strict: bool


@dataclass(frozen=True)
class Analysis:
    question: str
    expected: AnswerType
    focus: str | None = None
    constraints: tuple[Constraint, ...] = field(default_factory=tuple)
    subset: tuple[str, ...] = ()  # a partitive count's predicate: "how many of the 19 arrested were charged?"

    @property
    def strict(self) -> list[Constraint]:
        return [c for c in self.constraints if c.strict]

    @property
    def topic(self) -> list[Constraint]:
        return [c for c in self.constraints if not c.strict]


class QuestionAnalyzer(Protocol):
    def analyze(self, question: str) -> Analysis: ...


class RuleAnalyzer:
    """The rules of this module's docstring."""

    def analyze(self, question: str) -> Analysis:
        return analyze(question)


def _words(text: str) -> list[str]:
    return [w.rstrip(".,") or w for w in WORD.findall(text)]


# A closing bracket of context, as a follow-up's rewrite adds it: the last question's words, not this one's.
CONTEXT = re.compile(r"\s*\([^()]*\)\s*\??\s*$")


def noun_lemma(noun: str) -> str:
    """A noun's singular, as lemminflect gives it ("women": "woman", "poachers": "poacher")."""
    import lemminflect

    return (lemminflect.getLemma(noun, upos="NOUN") or (noun,))[0]


def expected_type(question: str) -> tuple[AnswerType, str | None]:
    """(answer type, focus noun) of a question. A closing bracket of context, as a follow-up's rewrite adds it
    ("what's the police number (Anti-slavery campaign launched)?"), is not read: what is asked is before it."""
    asked = CONTEXT.sub("?", question.strip()) or question
    q = " ".join(asked.lower().replace("’", "'").split())
    words = _words(q)
    if CONTACT.search(q) and not re.search(r"\bhow many\b|(?<!reference )(?<!case )(?<!crime )\bnumber of\b|"
                                           r"\b(?:total|overall|final|exact|rough|approximate|estimated|same|"
                                           r"registration|serial) numbers?\b", q):
        return "contact", None
    if re.search(r"\b(what|which) (percentage|proportion|per cent|percent|share|fraction)\b|\bper cent\b|"
                 r"\bpercentage\b|\bby how much\b", q):
        return "percentage", None
    # "how many 999 calls" counts calls; "how many of the drivers arrested …" counts a part of the drivers
    m = re.search(r"\bhow many\s+(?:of\s+(?:the|those|these|its|their|his|her|[a-z\-]+'s)\s+)?([a-z\d\-']+)", q)
    if m or re.search(r"\b(what|which) (?:(?:is|was|are|were) the )?(number|total|figure|count|tally) of\b", q) \
            or re.search(r"\bwhat (?:is|was|are|were) (?:the |[a-z\-]+'s )?(?:[a-z\-]+ ){0,2}(?:count|tally)\b", q):
        # "What was Halton's fly-tipping count for 2025?"
        noun = m.group(1) if m else None
        if m:
            import lemminflect

            phrase: list[str] = []
            for w in q[m.start(1):].split():
                if w in AUX or w in PREPOSITIONS or len(phrase) == 3:
                    break
                # The counted noun ends at its verb: "how many officers took part" counts officers, not "part".
                # A present-tense form ends it only after a plural ("officers take part"): "victim case
                # managers" is one noun, though "case" can be a verb.
                word = w.strip(",.?")
                plural = bool(phrase) and (re.search(r"[^s]s$", phrase[-1]) or phrase[-1] in PLURALS)
                if phrase and _verb(word, lemminflect, ("VBD",) + (("VBP", "VBZ") if plural else ())) \
                        and not _noun_of_type(word):
                    break
                phrase.append(word)
            if noun not in DURATION_UNITS:
                noun = " ".join(phrase) or (None if noun in AUX else noun)  # "how many have been charged"
        if noun in DURATION_UNITS and not re.search(rf"\b{noun} of\b", q):
            return "duration", noun
        return "count", noun
    m = re.search(r"\b(?:figures?|numbers|statistics|stats)\s+(?:on|for|about|of)\s+(?:the\s+)?([a-z\-']+)", q)
    if m and not re.search(r"\bhow much\b", q):  # "any figures on arrests?" asks how many
        return ("money" if MONEY_WORDS & set(words) or "£" in q else "count"), m.group(1)
    m = re.search(r"\bhow much\s+(\w+)", q)
    if m:  # "how much cannabis": an amount of a thing; "how much has she secured / lost / did it cost": money
        said_money = MONEY_WORDS & set(words) or "£" in q or RATE.match(q, m.start(1))  # "how much a year"
        # "how much of that has been got back?": an amount of what the last question was about, which a follow-up's
        # bracket of context says ("(the businesses lose to the scam)")
        of_that = re.match(r"of (?:that|it|this|them|those|these)\b", q[m.start(1):])
        if of_that and (bracket := CONTEXT.search(question)):
            words = words + _words(bracket.group().lower())
            said_money = said_money or MONEY_WORDS & set(words) or "£" in bracket.group()
        asked_thing = m.group(1) not in AUX and m.group(1) not in MONEY_WORDS and m.group(1) not in ("more", "less") \
            and not of_that
        gained = not asked_thing and GAIN_VERBS & set(words)  # "how much has she secured / have they lost?"
        return ("money" if said_money or gained else "count"), None
    if re.search(r"\bhow long\b|\bfor how long\b|\bhow many (years|months|weeks|days|hours)\b", q):
        return "duration", None
    if re.search(r"\bhow old\b|\bwhat age\b|^(?:what|which) (?:is|was|are|were) (?:the |his |her |their )?"
                 r"(?:\w+ )?age\b", q):  # "what is the minimum age to …"
        return "count", "age"
    m = re.search(r"^(?:what|which) (?:weight|quantity|volume|amount) of (?!money\b|cash\b)(\w+)", q)
    if m:  # "what weight of drugs": an amount of a thing, as "how much cannabis"
        return "count", None
    if re.search(r"^what (?:will|would|does|do|did|is|are) .*\b(?:pay|cost)\b(?! for\s*\??$)", q):
        return "money", None  # "what will a Band D household pay for policing?"; not "what did it pay for?"
    if re.search(r"^(?:\w+ly,? )?what (?:is|was|are|were|will|would) .*\bworth\b", q):  # "roughly what is … worth"
        return "money", None  # "what were the two cacti worth on their own?"
    if re.search(r"\bhow fast\b.*\b(?:go|going|went|drive|driving|drove|travel\w*|ride|riding|rode)\b|"
                 r"\bwhat speeds?\b", q):  # a speed; "how fast did they get there?" asks how long it took
        return "count", "speed"
    m = re.search(r"\bnames? of (?:the |his |her |their |both |all )?(?:\w+ )?(\w+)\b", q)
    if m and m.group(1) in PERSON_NOUNS | PEOPLE_PLURALS:  # "the names of the two men": people, named
        return "person", m.group(1)
    if re.search(r"\bwhen\b(?!\s+\w+ing\b)|\bsince when\b|\bwhat time\b|"  # not "when reporting"
                 r"\b(what|which) (date|day|year|month|period|time|week)\b|"
                 r"\bover what period\b|\bby what date\b|\bon what date\b|\bin what year\b", q) and not \
            re.match(r"(?:where|who|whom|whose)\b", q):  # "where was it sent when the drone was seen?": a place
        return "date", None
    source = r"\bwhere\b.*\b(?:money|funding|funds?|cash|budget|grants?|income)\b.*\bcom(?:e|es|ing) from\b"
    if re.search(r"\bwhere\b", q) and not re.search(source, q):
        return "place", None  # "where does the money come from?" asks for a source, said any way
    if re.search(r"\b(who|whom|whose)\b", q) and not re.match(r"(?:which|what)\b", q):
        return "person", None  # not "which court jailed the man who …?": there "who" only says which man
    if re.search(r"\b(?:jail|prison|custodial) (?:term|sentence)s?\b", q):  # "the longest prison term": not a prison
        return "duration", "term"
    m = ONE_OF.match(q)
    if m and (m.group(1) in PEOPLE_PLURALS or noun_lemma(m.group(1)) in PERSON_NOUNS | PEOPLE_NOUNS):
        return "person", noun_lemma(m.group(1))  # "which of the two poachers was fined £2,400?": one of them, by name
    head = _head_noun(q)
    for kind, nouns in (("person", PERSON_NOUNS), ("organisation", ORGANISATION_NOUNS | NAME_HEADS),
                        ("place", PLACE_NOUNS)):
        if head in nouns:
            plural = head.endswith("s") and head not in ("boss",) and kind != "person"
            return ("list" if plural and re.search(r"\b(which|what) " + head, q) else kind), head
    if head in DATE_NOUNS:
        return "date", head
    if head in DURATION_NOUNS:
        return "duration", head
    if head in MONEY_WORDS or head in ("amount",) and "money" in q:
        return "money", head
    if re.search(r"\b(list|name) (all|the)\b|\bwhat are the\b|\bwhich .*\bare\b", q):
        return "list", head or None
    return "description", head or None


def _head_noun(q: str) -> str:
    """The noun a what/which question asks for: "which testing company's results" → "company",
    "what is the name of bedfordshire's police and crime commissioner" → "commissioner"."""
    m = re.search(r"\b(?:what|which)\s+(?:(?:is|was|are|were)\s+)?(?:the\s+)?(?:name\s+of\s+(?:the\s+)?)?(.*)", q)
    if not m:
        return ""
    import lemminflect

    words = re.findall(r"[a-z\-']+", m.group(1))[:6]
    candidates = []
    for k, w in enumerate(words):
        if (w in AUX or w in PREPOSITIONS) and candidates:
            break
        # "police" in "the police operation that …" is a noun before a noun, not the verb "to police"
        before_noun = k + 1 < len(words) and _noun_of_type(words[k + 1])
        if candidates and w not in DETERMINERS and _verb(w, lemminflect, ("VBD", "VBZ", "VBP")) \
                and not _noun_of_type(w) and not before_noun:
            break
        candidates.append(w)
        if w.endswith(("'s", "s'")):
            return re.sub(r"'s?$", "", w)
    for w in reversed(candidates):
        if _noun_of_type(w):
            return w
    if re.search(r"\bname of\b", q):
        return "name"
    return candidates[0] if candidates else ""


def _noun_of_type(word: str) -> bool:
    return word in PERSON_NOUNS | ORGANISATION_NOUNS | PLACE_NOUNS | DATE_NOUNS | MONEY_WORDS | DURATION_NOUNS \
        | NAME_HEADS


def constraints(question: str) -> tuple[Constraint, ...]:
    """The named things, numbers, years, times and qualifiers of a question (see the module docstring). In a
    closing bracket of context (:data:`CONTEXT`) only names count, and none narrows: they say what the last
    question was about ("any convictions (victims identified in Hertfordshire since 2009)?" asks for no year)."""
    found: list[Constraint] = []
    seen: set[str] = set()
    bracket = CONTEXT.search(question)
    context_at = bracket.start() if bracket else len(question) + 1

    def add(kind: ConstraintKind, text: str, strict: bool, at: int) -> None:
        if at >= context_at:
            if kind != "name":
                return
            strict = False
        key = text.lower()
        if key and key not in seen:
            seen.add(key)
            found.append(Constraint(kind, text, strict))

    for m in TIME_PHRASE.finditer(question):
        add("time", m.group(), True, m.start())
    for m in YEAR.finditer(question):
        add("year", m.group(), True, m.start())
    # a road's digits ("M4") and a year's second half (the 26 of "2025/26") are no number
    named = [m.span() for m in ROAD.finditer(question)] + [m.span() for m in YEAR.finditer(question)]
    for m in NUMBER.finditer(question):
        if not YEAR.fullmatch(m.group()) and not any(a < m.start() < b for a, b in named):
            add("number", m.group(), True, m.start())
    tokens = list(re.finditer(ROAD.pattern + r"|[A-Za-z][A-Za-z'’\-&.]*", question))
    i = 0
    while i < len(tokens):
        word = tokens[i].group()
        first = i == 0 or question[:tokens[i].start()].strip().endswith(("?", ".", ":"))
        common = QUESTION_WORDS | AUX | DETERMINERS | PREPOSITIONS | STOPWORDS | IMPERATIVES | OPENING_WORDS
        single_first = first and not (i + 1 < len(tokens) and tokens[i + 1].group()[0].isupper()) \
            and not (word.isupper() and len(word) > 1) and not any(ch.isupper() for ch in word[1:])
        if word[0].isupper() and not (first and word.lower() in common) and not single_first \
                and word.lower() not in ("i",):
            j = i
            while j + 1 < len(tokens) and not re.search(r"['’]s?$", tokens[j].group()) \
                    and not question[tokens[j].end():tokens[j + 1].start()].strip() \
                    and (tokens[j + 1].group()[0].isupper()
                                           or (tokens[j + 1].group() in ("and", "for")
                                               and j + 2 < len(tokens) and tokens[j + 2].group()[0].isupper())):
                j += 1
            a, b = tokens[i].start(), tokens[j].end()
            name = question[a:b]
            possessive = bool(re.search(r"['’]s?$", name)) or bool(re.match(r"['’]", question[b:b + 1]))
            possessive = possessive and not re.sub(r"['’]s?$", "", name).isupper()
            before = question[:a].split()
            prep = bool(before) and before[-1].lower() in PREPOSITIONS
            if question[:a].rstrip().endswith(",") and found and found[-1].kind == "name":
                prep = prep or found[-1].strict  # a list goes on: "for Beds, Cambs and Herts" narrows all three
            # "Palma-bound", "Sizewell C-funded": the name is what the modifier is said of
            name = re.sub(r"['’]s?$", "", name)
            name = re.sub(r"-(?:based|born|bred|registered|owned|led|run|wide|bound|flagged|made|funded|backed|"
                          r"linked|sponsored|related)$", "", name)
            add("name", name, prep or possessive, a)
            i = j + 1
            continue
        low = word.lower()
        if low in QUALIFIERS and not (low == "last" and _last_is_no_qualifier(
                tokens[i - 1].group().lower() if i else "", question[tokens[i].end():],
                bool(re.match(r"\s*how long\b", question, re.I)))):
            if not (low == "first" and i > 0 and tokens[i - 1].group().lower() == "the"
                    and i + 1 < len(tokens) and tokens[i + 1].group().lower() in ("time",)):
                add("qualifier", low, True, tokens[i].start())
        i += 1
    return tuple(found)


def _last_is_no_qualifier(before: str, rest: str, how_long: bool = False) -> bool:
    """"last year" is a time, and "how long did the trial last (for residents, in the review)?" a verb: neither asks
    for the last of anything. ``before``: the word before "last", lower-case; ``rest``: the question after it;
    ``how_long``: whether the question asks how long."""
    return bool(re.match(r"\s+(?:year|month|week)", rest) or not re.search(r"\w", rest)
                or re.match(r"\s+(?:for|until|till|into|beyond|through)\b", rest) or before in MODALS
                or how_long and re.match(r"\s+(?:in|at|on|during|when|after|before|according)\b|\s*[,?]", rest))


def analyze(question: str) -> Analysis:
    kind, focus = expected_type(question)
    return Analysis(question=question, expected=kind, focus=focus, constraints=constraints(question),
                    subset=subset(question) if kind == "count" else ())


PARTITIVE = re.compile(r"\bhow many of\s+(.+)", re.I)
# The whole said first: "Of the 87 people given naloxone in 2025, how many were women?"
WHOLE_FIRST = re.compile(r"^\s*of\s+(?:the|those|these|its|their)\s+(.+?),\s*how many\s+(.+)", re.I)
# Verbs too light to say which part is counted ("how many of the gates will go in Wirral?": Wirral says it)
LIGHT_VERBS = frozenset("go come get make take do have be become".split())


def subset(question: str) -> tuple[str, ...]:
    """The content words of what a partitive count's part is said to do or be: "how many of the nineteen people
    arrested come from Xylofagou?" asks for those of the nineteen who come from Xylofagou, so ("Xylofagou",);
    "how many of them were women?" and "of the 87 people …, how many were women?" give ("women",). A count that
    answers it says one of these in its own sentence ("14 have been charged"); a count of the whole or of another
    part does not. () when the question is no partitive count, or its predicate holds no such word ("how many of
    the officers?"). A closing bracket of context is not read."""
    asked = CONTEXT.sub("?", question.strip())
    m, first = PARTITIVE.search(asked), WHOLE_FIRST.match(asked)
    if not m and not first:
        return ()
    import lemminflect

    said = m.group(1) if m else f"{first.group(1)} {first.group(2)}"  # (the whole, then what its part does)
    words = [w.strip(",.?'’") for w in said.rstrip(" ?").split()]
    # The predicate starts at the first auxiliary ("were found"), else at the last present-tense verb, else at the
    # last past one: a past form right after the noun is most often a participle of the noun phrase ("the people
    # arrested over bird trapping come from …"), and a present form that is a noun too is a verb only after a
    # plural ("the alley gates go", but "domestic abuse incidents" and "alley gates" are nouns).
    start = next((i for i, w in enumerate(words) if i and w.lower() in AUX), None)
    if start is None:
        def finite(tags: tuple[str, ...]) -> list[int]:
            found = []
            for i, w in enumerate(words[1:], 1):
                before = words[i - 1].lower()
                after_plural = before.endswith("s") or before in PLURALS
                if not w[:1].islower() or w.lower() in PREPOSITIONS or before in DETERMINERS:
                    continue
                if _verb(w, lemminflect, tags) and (after_plural or tags == ("VBD",) or not lemminflect.getAllLemmas(
                        w.lower(), upos="NOUN")) or after_plural and _verb(w, lemminflect, ("VBZ",)):
                    found.append(i)
            return found
        verbs = finite(("VBP",)) or finite(("VBD",))
        if not verbs:
            return ()
        start = verbs[-1] - 1
    subject = {w.lower() for w in words[:start + 1]}
    said = [w for w in words[start + 1:] if len(w) > 1 and w.lower() not in STOPWORDS | AUX | subject
            and not LIGHT_VERBS & set(lemminflect.getAllLemmas(w.lower(), upos="VERB").get("VERB", (w.lower(),)))]
    return tuple(dict.fromkeys(said))


def indirect(question: str) -> str | None:
    """The question as an embedded clause ("how many arrests Operation Hotspot made in Watford alone"),
    or None when its shape is not one these rules can turn safely."""
    import lemminflect

    text = " ".join(question.strip().rstrip("?").split())
    words = text.split(" ")
    if not words or words[0].lower() not in QUESTION_WORDS:
        return None
    # The wh-phrase: the wh-word and, for "how many/much/long/old" or "what/which + noun", the words before the aux.
    k = 1
    while k < len(words) and words[k].lower() not in AUX and k < 6:
        k += 1
    if k == len(words) or k >= 6:  # no auxiliary: "who leads X", "how many officers took part in X"
        return _lower_first(text)
    wh, aux, rest = words[:k], words[k], words[k + 1:]
    if len(wh) > 1 and rest and aux.lower() not in ("do", "does", "did") and rest[0].islower() \
            and _verb(rest[0], lemminflect, ("VBN", "VBG")):
        return _lower_first(text)  # the wh-phrase is the subject: "how many crimes were reported in X"
    a = aux.lower()
    tags = {"do": ("VB",), "does": ("VB",), "did": ("VB",), "has": ("VBN",), "have": ("VBN",), "had": ("VBN",),
            "is": ("VBN", "VBG"), "are": ("VBN", "VBG"), "was": ("VBN", "VBG"), "were": ("VBN", "VBG")}
    verb_at = _find_verb(rest, lemminflect, tags.get(a, ("VB",)))
    if a in ("do", "does", "did"):
        if verb_at is None:
            return None
        negated = next((i for i, w in enumerate(rest[:verb_at]) if w.lower() in ("not", "never")), None)
        if negated is not None:  # "which forces did not answer": the auxiliary stays, before its "not"
            return _lower_first(" ".join(wh + rest[:negated] + [a] + rest[negated:]))
        tag = {"do": "VBP", "does": "VBZ", "did": "VBD"}[a]
        forms = lemminflect.getInflection(rest[verb_at].lower(), tag)
        if not forms:
            return None
        clause = rest[:verb_at] + [forms[0]] + rest[verb_at + 1:]
    elif verb_at is not None and verb_at > 0:
        clause = rest[:verb_at] + [aux.lower()] + rest[verb_at:]
    elif a in ("is", "are", "was", "were") and rest:
        tail = next((i for i, w in enumerate(rest) if i > 0 and (w.lower() in ("worth", "like", "about", "for")
                                                                  or w.lower() in SUBORDINATORS)), None)
        clause = rest[:tail] + [a] + rest[tail:] if tail is not None else rest + [a]
    else:
        return None
    return _lower_first(" ".join(wh + clause))


def _lower_first(text: str) -> str:
    first, _, rest = text.partition(" ")
    return (first.lower() if first[1:].islower() or len(first) == 1 else first) + (" " + rest if rest else "")


SUBORDINATORS = frozenset("when while who whom that which where if because after before since".split())


def _verb(word: str, lemminflect, tags: tuple[str, ...] = ("VB", "VBD", "VBN", "VBG", "VBZ", "VBP")) -> bool:
    """Whether ``word`` is a verb in one of the Penn ``tags`` (lemminflect's lexicon)."""
    w = word.lower().strip(",.")
    for lemma in lemminflect.getAllLemmas(w, upos="VERB").get("VERB", ()):
        if any(w in lemminflect.getInflection(lemma, tag) or (tag == "VB" and w == lemma) for tag in tags):
            return True
    return False


def _find_verb(rest: list[str], lemminflect, tags: tuple[str, ...]) -> int | None:
    """The index of the clause's verb: a lower-case word of the form the auxiliary needs (base form after
    "did", participle after "has" or "was"), not the subject's first word and not right after a determiner;
    for participles, the first past participle before the first -ing form; a noun that can be a verb is passed over
    when a verb follows it ("did the justice team receive"). The scan stops at a clause boundary ("when he
    died")."""
    found: dict[str, int] = {}
    for i, w in enumerate(rest):
        if w.lower() in SUBORDINATORS or w.endswith(","):
            break
        if i == 0 or not w[:1].islower() or w.lower() in DETERMINERS | PREPOSITIONS | {"and", "or"}:
            continue
        if rest[i - 1].lower() in DETERMINERS:
            continue
        for tag in tags:
            if tag not in found and _verb(w, lemminflect, (tag,)) and not (  # "did the team receive": a noun
                    i + 1 < len(rest) and rest[i + 1][:1].islower() and _verb(rest[i + 1], lemminflect, (tag,))
                    and lemminflect.getAllLemmas(w.lower(), upos="NOUN")):
                found[tag] = i
    return next((found[t] for t in tags if t in found), None)
