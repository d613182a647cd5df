"""A fixture news website of a fictional police force, served on 127.0.0.1 for the crawler tests and `make bench`.

Why: the crawler (``qa/fetch.py``, ``qa/crawler.py``) has to be tested against something that behaves
like a real force's news site, without reaching the network. ``FixtureSite`` serves "Westshire Police"
(a force and county that do not exist) from a daemon thread with the standard library's
``ThreadingHTTPServer``; every page is generated from the Python data in this module, nothing is read
from disk.

What the site has:

* twelve hand-written releases (``RELEASES``) whose dates are given in four ways: Open Graph
  ``article:published_time``, JSON-LD ``datePublished``, a visible ``<time>`` only, and, for one
  release (``WEEKDAY_RELEASE_PATH``), nowhere but its own words ("On Wednesday 18 October ..." and a
  mention of 2017). Two of them name successive Police and Crime Commissioners (``COMMISSIONER_*``);
* optional generated releases (``FixtureSite(generated=1000)``) for a benchmark;
* the boilerplate of a real site on every HTML page: cookie banner, header and navigation, a
  "Quickly exit this site" link, footer, and a "Related news" block on articles;
* pages that are not releases: home, paginated news listing, a tag page, a search page, about;
* traps: robots.txt rules (one only for ``qa-bot``), a 500, a redirect loop, a 301 to a real release,
  a page over a 5 MB cap, a PDF, off-site links;
* robots.txt, a sitemap index with two sitemaps, an RSS feed;
* ``ETag`` and ``Last-Modified`` on every 200, and 304 for ``If-None-Match`` / ``If-Modified-Since``.

A test changes the site while it runs with ``change``, ``remove`` and ``add``, and reads every request
it received from ``hits``.

The release that is dated only by its text carries its date nowhere else either: no visible date, no
date in the listing teaser, no ``<lastmod>`` in the sitemap, no ``<pubDate>`` in the feed, and a
``Last-Modified`` that is the site's constant, not the release's date. Its page does say
``og:type`` ``article`` (with no time), which is what tells it from the undated about page. Like a real
site, every footer says "(c) 2025", which a date guesser that searches the whole page will take for a date.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FORCE = "Westshire Police"
PAGE_SIZE = 5  # teasers per listing page
SITE_UPDATED = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)  # Last-Modified of every page that is not a release
HUGE_PAGE_BYTES = 6_000_000  # over the crawler's 5 MB cap
DATE_MARKUPS = ("og", "json-ld", "time")  # how a release page states its date (unless date_in_text)

HTML_TYPE = "text/html; charset=utf-8"
XML_TYPE = "application/xml"
RSS_TYPE = "application/rss+xml"
TEXT_TYPE = "text/plain"
PDF_TYPE = "application/pdf"

REPORT_CRIME_URL = "https://www.gov.uk/report-crime"
QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
SHARE_URL = "https://www.facebook.com/sharer/sharer.php"
EXTERNAL_URLS = (REPORT_CRIME_URL, QUICK_EXIT_URL, SHARE_URL)  # linked from the site, never to be requested

PRIVATE_PATH = "/private/staff-notice"
EMBARGOED_PATH = "/news/embargoed/court-result"
BROKEN_PATH = "/news/broken-page"
LOOP_A_PATH = "/news/loop-a"
LOOP_B_PATH = "/news/loop-b"
MOVED_PATH = "/news/moved-release"
HUGE_PATH = "/news/huge-page"
PDF_PATH = "/docs/annual-report-2023.pdf"
TAG_PATH = "/news/tag/burglary"
SEARCH_PATH = "/search?q=burglary"

ROBOTS_TXT = """User-agent: *
Disallow: /private/

User-agent: qa-bot
Disallow: /private/
Disallow: /news/embargoed/

Sitemap: {base}/sitemap.xml
"""


@dataclass(frozen=True)
class Hit:
    """One request the site received."""

    at: float  # time.monotonic() when the request arrived
    method: str
    path: str  # path with query string, e.g. "/news/?page=2"
    headers: dict[str, str]  # request headers, keys lower-cased
    status: int


@dataclass
class FixtureRelease:
    """A release page: its text is ``body``, paragraphs separated by a blank line."""

    path: str
    title: str
    published: str  # ISO date "2023-05-14"
    body: str
    date_in_text: bool = False  # True only for the release dated by its words alone
    date_markup: str = "og"  # og, json-ld or time: how the page states its date (ignored when date_in_text)

    def __post_init__(self) -> None:
        if not self.path.startswith("/"):
            raise ValueError(f"path must start with '/', got {self.path!r}")
        date.fromisoformat(self.published)  # raises ValueError showing the bad value
        if self.date_markup not in DATE_MARKUPS:
            raise ValueError(f"date_markup must be one of {DATE_MARKUPS}, got {self.date_markup!r}")

    @property
    def day(self) -> date:
        return date.fromisoformat(self.published)

    @property
    def published_at(self) -> datetime:
        """The publication time the metadata gives: 09:30 UTC on the day."""
        return datetime.combine(self.day, clock(9, 30), UTC)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def teaser(self) -> str:
        """The first sentence of the first paragraph."""
        first = self.paragraphs[0]
        end = first.find(". ")
        return first if end < 0 else first[: end + 1]


def _prose(text: str) -> str:
    """Paragraphs written wrapped in the source, each joined into one line, separated by a blank line."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(paragraphs)


def slugify(title: str) -> str:
    """'Three arrested after burglary' -> 'three-arrested-after-burglary'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower().replace("'", "")).strip("-")


def _release(title: str, published: str, date_markup: str, body: str) -> FixtureRelease:
    """A release at /news/<year>/<month>/<slug of title>."""
    path = f"/news/{published[:4]}/{published[5:7]}/{slugify(title)}"
    return FixtureRelease(path, title, published, _prose(body), date_markup=date_markup)


# --- the hand-written releases ---------------------------------------------------------------------------------

COMMISSIONER_BEFORE = "Alex Morgan"
COMMISSIONER_BEFORE_DATE = "2016-05-12"
COMMISSIONER_NOW = "Priya Natarajan"
COMMISSIONER_DATE = "2021-05-13"
WEEKDAY_RELEASE_PATH = "/news/community-speedwatch-volunteers-honoured"
WEEKDAY_RELEASE_DATE = "2017-10-18"  # the only year from 2017 to 2019 in which 18 October is a Wednesday

JEWELLERS_BURGLARY = _release("Three arrested following burglary at Kingsmere jewellers", "2023-05-14", "og", """
Three men have been arrested after a burglary at a jewellery shop on Kingsmere High Street in the early
hours of Friday 12 May.

Officers were called at about 3.10am after the shop's alarm was activated and a member of the public
reported seeing a group of men forcing the rear door. Patrols arrived within four minutes and saw a grey
estate car leaving Bell Yard at speed.

The car was followed by the force's roads policing unit and stopped on the Brackwell bypass with the help
of a stinger device. Three men, aged 24, 31 and 38, were arrested on suspicion of burglary and remain in
custody. A quantity of watches and rings was recovered from the car and has been returned to the shop.

Detective Inspector Laura Finch said: "This was a fast and well co-ordinated response by our officers,
helped by a quick-thinking member of the public who called 999 straight away. I would like to reassure
business owners in Kingsmere that we are treating this very seriously."

Detectives would still like to hear from anyone who was in the High Street or Bell Yard area between
2.30am and 3.30am and who may have dashcam or doorbell footage. Information can be given online or by
calling 101, quoting reference 41/22871/23.
""")

VILLAGE_HALL_BURGLARY = _release("Appeal for witnesses after burglary at Hartbury village hall", "2022-11-02",
                                 "json-ld", """
Police are appealing for witnesses after a burglary at Hartbury village hall in which sound equipment and
a charity collection tin were stolen.

The burglary happened between 10pm on Sunday 30 October and 7.30am on Monday 31 October, when a volunteer
arrived to open the hall for a toddler group and found that a window at the back of the building had been
smashed.

A mixing desk, two speakers, a laptop and a collection tin holding money raised for the hall's new roof
were taken. The total value of the property is estimated at around £3,500.

Police Constable Sam Okafor, of the Hartbury neighbourhood team, said: "The village hall is at the heart
of the community and is run entirely by volunteers, so this burglary has caused real upset. The equipment
is used by local groups every week. We are carrying out house-to-house enquiries and checking CCTV in the
area."

The thieves are likely to have needed a vehicle to carry the equipment away. Anyone who saw a vehicle
parked near the hall on Church Lane late on Sunday night, or who has been offered sound equipment for
sale, is asked to contact police online or on 101, quoting crime reference 41/60312/22. Information can
also be passed anonymously to Crimestoppers.
""")

BURGLARY_GANG_JAILED = _release("Burglary gang jailed for a total of 19 years", "2021-03-08", "time", """
Four members of a gang that carried out a string of night-time burglaries across rural Westshire have been
jailed for a total of 19 years.

The men were sentenced at Westshire Crown Court on Friday 5 March after earlier admitting conspiracy to
commit burglary. The court heard that between August and November 2020 the gang targeted 23 farms,
stables and detached homes in the Farrowby and Stenfold areas, stealing quad bikes, power tools, horse
saddles and jewellery worth more than £180,000.

The gang was caught after officers from the force's rural crime team linked a stolen quad bike to a
lock-up garage in Corriton. A search of the garage and three addresses uncovered much of the stolen
property, and phone records placed the men near the scenes of the burglaries.

Daniel Royce, 34, of Corriton, was jailed for six years. Lee Carver, 29, and Jordan Carver, 27, both of
Farrowby, were each jailed for five years. Kyle Neston, 22, of Stenfold, was jailed for three years.

Detective Sergeant Mark Elwood said: "These men caused fear and misery in rural communities, where people
often feel isolated and vulnerable. I hope today's sentences bring some comfort to the victims, and I want
to thank them for their patience while we built the case."

Anyone who has information about rural crime can contact the rural crime team on 101 or report it online.
""")

BYPASS_COLLISION = _release("Driver sought after serious collision on the Brackwell bypass", "2024-02-20", "og", """
Officers are searching for the driver of a black hatchback after a serious collision on the Brackwell
bypass on Monday 19 February that left a motorcyclist in hospital.

The collision happened at about 5.45pm near the junction with Tanner's Lane. A 46-year-old man riding a
red motorcycle was thrown from his machine when a car pulled out of the junction into his path. The car
did not stop and was last seen heading towards Brackwell town centre.

The rider was taken to Westshire General Hospital with injuries described as serious but not
life-threatening. The bypass was closed in both directions for around four hours while collision
investigators examined the scene.

Sergeant Claire Dunmore, of the serious collision investigation unit, said: "Failing to stop after a
collision is an offence, and I would urge the driver of the car to come forward. We are also keen to hear
from anyone who was travelling on the bypass at the time, particularly drivers with dashcams, as their
footage could be vital."

The car is believed to have damage to its front nearside. Anyone with information is asked to call 101 or
use the online reporting form, quoting Operation Larkspur.
""")

SAFER_STREETS_FUNDING = _release("£1.2 million Safer Streets funding awarded to Farrowby and Stenfold", "2023-09-27",
                                 "json-ld", """
Farrowby and Stenfold are to receive £1.2 million from the Home Office Safer Streets Fund to cut
neighbourhood crime and make public spaces feel safer, particularly for women and girls.

The bid was put together by the Office of the Police and Crime Commissioner, Westshire Police and the two
district councils after residents highlighted concerns about poorly lit alleyways, anti-social behaviour
around the town centres and vehicle crime in residential car parks.

The money will pay for new street lighting on eleven footpaths, forty additional CCTV cameras linked to
the council control rooms, improved locks and gates for residents in the most affected streets, and a
team of trained street marshals who will work in both town centres on Friday and Saturday nights.

Police and Crime Commissioner Priya Natarajan said: "This is excellent news for Farrowby and Stenfold.
Everyone should be able to walk home at night without feeling afraid, and this investment will make a
visible difference to the places people told us worried them most."

Superintendent Rachel Oduya, who leads neighbourhood policing in the south of the county, said the funding
would work alongside extra foot patrols already in place. The work will be carried out over the next
eighteen months, and residents will be kept updated through the force's neighbourhood alerts service.
""")

OPERATION_STEER_CLEAR = _release("Operation Steer Clear: 214 drivers stopped in week-long road safety operation",
                                 "2022-06-30", "time", """
A week-long road safety operation across Westshire has led to 214 drivers being stopped and 37 arrests for
drink or drug driving.

Operation Steer Clear ran from Monday 20 June to Sunday 26 June and saw roads policing officers,
neighbourhood teams and volunteers from the Special Constabulary carry out checks on main roads and
residential streets at all times of the day and night.

Of the drivers stopped, 81 were caught speeding, 29 were using a mobile phone at the wheel, 22 were not
wearing a seatbelt and 15 were driving without insurance. Nine vehicles were seized. The 37 drivers
arrested for drink or drug driving included a man who was found to be more than three times over the
legal limit on the school run in Lowdon Cross.

Inspector Gareth Lyle said: "Most people in Westshire drive safely and responsibly, but the results of
this week show that a minority are still putting lives at risk. The 'fatal four' offences of speeding,
drink and drug driving, using a phone and not wearing a seatbelt are behind most of the deaths and
serious injuries on our roads."

The operation is part of the force's summer road safety campaign, which continues until the end of
August. Anyone with information about people who drink or drug drive can call 101 or contact
Crimestoppers anonymously.
""")

DRUGS_SUPPLY_JAILED = _release("Farrowby man jailed for supplying heroin and crack cocaine", "2020-01-15", "og", """
A Farrowby man who ran a drugs line supplying heroin and crack cocaine in the town has been jailed for
four years and eight months.

Marcus Pell, 26, of Orchard Street, Farrowby, was sentenced at Westshire Crown Court on Friday 10 January
after pleading guilty to two counts of being concerned in the supply of class A drugs.

The court heard that Pell was arrested during a warrant at his home on Friday 13 December 2019, when
officers found 86 wraps of heroin and crack cocaine, £2,400 in cash and two mobile phones. Messages on one
of the phones showed he had been advertising drugs to hundreds of customers over several months.

Detective Constable Ravi Mehta said: "Drug dealing brings violence and exploitation into our communities,
and the people who run these lines often use vulnerable young people to do their dirty work. Information
from local residents was crucial in this case, and I would encourage anyone who suspects drug dealing in
their street to tell us."

Pell will also face proceedings under the Proceeds of Crime Act to recover money he made from the drugs
trade. Information about drug dealing can be reported online, on 101, or anonymously through
Crimestoppers.
""")

COMMISSIONER_MORGAN = _release(f"{COMMISSIONER_BEFORE} sworn in as Police and Crime Commissioner for Westshire",
                               COMMISSIONER_BEFORE_DATE, "json-ld", """
Alex Morgan was sworn in as the Police and Crime Commissioner for Westshire on Thursday 12 May, one week
after being elected by voters across the county.

Mr Morgan, who previously served for twelve years as a councillor in Hartbury and chaired the county's
community safety partnership, made the statutory declaration of acceptance of office at a short ceremony
at Westshire Police headquarters in Kingsmere.

As commissioner, Mr Morgan is responsible for setting the force's priorities, holding the Chief Constable
to account and setting the policing budget. He will publish a new Police and Crime Plan for Westshire
later this year.

Speaking after the ceremony, Mr Morgan said: "It is a privilege to be trusted with this role. People
across Westshire have told me they want to see more officers on their streets, quicker answers when they
call 101 and more support for victims of crime. Those will be my priorities for the next four years."

Chief Constable Diane Harrow said: "I congratulate Alex on his election and look forward to working with
him. The commissioner gives residents a direct voice in how their county is policed, and I know he will be
a strong advocate for the communities of Westshire."

Mr Morgan succeeds the county's first commissioner, Geoffrey Laine, who did not stand for re-election. The
term of office runs until May 2020.
""")

COMMISSIONER_NATARAJAN = _release(f"{COMMISSIONER_NOW} sworn in as Westshire's new Police and Crime Commissioner",
                                  COMMISSIONER_DATE, "og", """
Priya Natarajan has been sworn in as the new Police and Crime Commissioner for Westshire, succeeding Alex
Morgan, who held the post for five years.

Ms Natarajan made her declaration of acceptance of office on Thursday 13 May at Westshire Police
headquarters in Kingsmere, a week after the election on Thursday 6 May. The election was delayed by a year
because of the coronavirus pandemic, so Mr Morgan's term ran for five years rather than the usual four.

A former magistrate and chief executive of the Westshire Victims' Support Trust, Ms Natarajan is the third
person to hold the office since commissioners were introduced in 2012, and the first woman to do so in the
county.

She said: "I want to thank Alex Morgan for his years of service to Westshire. My priorities are clear:
tackling violence against women and girls, putting more officers into neighbourhood teams and making sure
victims are kept informed at every stage of their case. I will publish my Police and Crime Plan within the
next six months."

Chief Constable Diane Harrow said: "I welcome Priya to the role and look forward to working with her to
keep Westshire safe."

As commissioner, Ms Natarajan will set the force budget and the council tax precept for policing, and will
hold the Chief Constable to account on behalf of the public. Her term runs until May 2024.
""")

SPEEDWATCH_HONOURED = FixtureRelease(WEEKDAY_RELEASE_PATH, "Community Speedwatch volunteers honoured at awards evening",
                                     WEEKDAY_RELEASE_DATE, date_in_text=True, body=_prose("""
On Wednesday 18 October officers from the Westshire Police roads policing unit joined more than sixty
Community Speedwatch volunteers at Farrowby Town Hall for an evening celebrating their work to make the
county's roads safer.

Community Speedwatch groups are made up of local residents who, after training from the force, use
hand-held speed detection devices to monitor traffic in their own villages. Drivers seen speeding receive
a letter from the force explaining the dangers of their behaviour, and repeat offenders receive a visit
from a neighbourhood officer.

Since the scheme began in Westshire in January 2017, volunteers have recorded more than 11,400 vehicles
travelling above the speed limit and the force has sent over 9,000 advisory letters. Forty-two groups are
now active across the county, from Kingsmere in the north to Stenfold in the south.

Chief Inspector Owen Prichard, head of roads policing, said: "Our volunteers give up their own time,
often in the cold and the rain, because they care about the streets where they live. Speeding is one of
the concerns residents raise with us most often, and Community Speedwatch lets communities do something
practical about it. I want to thank every one of them."

Awards were presented to the Brackwell group, which carried out the most sessions this year, and to
Margaret Hale, 81, of Corriton, the county's most active volunteer, who has taken part in more than 120
sessions.

Anyone interested in joining a Community Speedwatch group can find out more on the force website or by
calling the non-emergency number.
"""))

CANNABIS_FACTORY = _release("Cannabis factory discovered in Corriton industrial unit", "2019-08-09", "time", """
Two men have been arrested after officers discovered a large cannabis factory in an industrial unit in
Corriton.

Officers executed a warrant at the unit on the Fenwick Road industrial estate on Wednesday 7 August after
receiving information from the public about a strong smell and unusual comings and goings late at night.

Inside, they found more than 600 cannabis plants at various stages of growth across five rooms, together
with lighting, ventilation and irrigation equipment. The electricity supply had been illegally bypassed,
creating a serious fire risk to neighbouring businesses. The plants have an estimated street value of
around £500,000.

Two men, aged 19 and 41, were arrested at the scene on suspicion of producing a controlled drug and
abstracting electricity. They have been released on bail while enquiries continue.

Inspector Tom Whitfield said: "Cannabis factories are often linked to organised crime and the
exploitation of vulnerable people, who are forced to tend the plants. They are also a real danger to the
buildings around them. This result came about because members of the public trusted their instincts and
reported what they had noticed, and I would like to thank them."

Signs of a cannabis factory include a strong sweet smell, windows that are covered up at all times, and
people visiting at unusual hours. Anyone with concerns can report them on 101 or online.
""")

COURIER_FRAUD = _release("Courier fraud warning after Stenfold residents lose £40,000", "2024-03-26", "og", """
Westshire Police is warning residents to be on their guard against courier fraud after three elderly
people in Stenfold were tricked out of a total of £40,000 in a single week.

In each case, the victim received a phone call from someone claiming to be a police officer or a member of
bank staff. The caller said the victim's bank account had been compromised and persuaded them to withdraw
cash, or to buy gold, which was then collected from their home by a courier. The calls were made between
Monday 18 March and Thursday 21 March.

Detective Sergeant Helen Ashby, of the economic crime unit, said: "These criminals are convincing and
persistent, and they deliberately target older people who live alone. Police officers and banks will
never ask you to withdraw money, buy gold or hand over your bank card. If you get a call like this, hang
up, wait five minutes, and call your bank or the police on a different phone if you can."

Officers are visiting residents in Stenfold to offer advice, and are working with local banks so that
staff can spot customers who may be under pressure to withdraw large sums.

Anyone who thinks they have been targeted can report it to Westshire Police on 101 or online. Friends and
relatives are asked to talk to older family members about this type of scam.
""")

RELEASES: tuple[FixtureRelease, ...] = (
    JEWELLERS_BURGLARY, VILLAGE_HALL_BURGLARY, BURGLARY_GANG_JAILED, BYPASS_COLLISION, SAFER_STREETS_FUNDING,
    OPERATION_STEER_CLEAR, DRUGS_SUPPLY_JAILED, COMMISSIONER_MORGAN, COMMISSIONER_NATARAJAN, SPEEDWATCH_HONOURED,
    CANNABIS_FACTORY, COURIER_FRAUD,
)
MOVED_TARGET = OPERATION_STEER_CLEAR.path  # where /news/moved-release 301s to
BURGLARY_PATHS = (JEWELLERS_BURGLARY.path, VILLAGE_HALL_BURGLARY.path, BURGLARY_GANG_JAILED.path)

NEVER_REQUESTED = (PRIVATE_PATH, EMBARGOED_PATH)  # robots.txt forbids both to qa-bot
FAILING_PATHS = {
    BROKEN_PATH: "500",
    LOOP_A_PATH: "redirect loop",
    HUGE_PATH: "over size cap",
    PDF_PATH: "pdf",
}


# --- generated releases (for a benchmark) ----------------------------------------------------------------------

TOWNS = ("Hartbury", "Kingsmere", "Farrowby", "Stenfold", "Brackwell", "Corriton", "Lowdon Cross", "Pellingham",
         "Millbourne", "Redcastle", "Thornleigh", "Elverton")
STREETS = ("Mill Lane", "Station Road", "Church Street", "Victoria Avenue", "Orchard Close", "Market Square",
           "Bridge Street", "Park Road", "Westgate", "Kingsway", "Meadow Rise", "Chapel Walk", "Queen's Parade",
           "Foundry Lane")
OFFICERS = ("Detective Sergeant Helen Ashby", "Inspector Tom Whitfield", "Detective Constable Ravi Mehta",
            "Sergeant Claire Dunmore", "Chief Inspector Owen Prichard", "Police Constable Sam Okafor",
            "Detective Inspector Laura Finch", "Inspector Gareth Lyle", "Sergeant Nadia Rahman",
            "Detective Sergeant Mark Elwood")
COUNT_WORDS = ("Two", "Three", "Four", "Five")

# Each topic: a title and paragraphs, filled from the release's index. Titles name a street and a town so that
# 8 topics x 12 towns x 14 streets give 1,344 distinct titles; later ones get a number.
TOPICS = (
    ("Appeal for witnesses after robbery on {street}, {town}", """
Detectives in {town} are appealing for witnesses after a {age}-year-old man was robbed on {street} at about
{hour}pm earlier this week.

The victim was approached by two men who demanded his phone and wallet. One of them showed what appeared
to be a knife before both ran off in the direction of the town centre. The victim was shaken but was not
physically hurt.

{officer} said: "This was a frightening experience for the victim and we are doing everything we can to
find the people responsible. Officers are reviewing CCTV from {street} and the roads around it, and extra
patrols are taking place in the area this week."

The first man is described as white, in his twenties, of slim build and wearing a dark hooded top. The
second was taller and wore a grey tracksuit and a face covering.

Anyone who was on {street} at the time, or who has doorbell or dashcam footage, is asked to contact
Westshire Police online or on 101, quoting crime reference {ref}. Information can also be given
anonymously to Crimestoppers.
"""),
    ("Vans broken into and tools stolen on {street}, {town}", """
Police in {town} are warning tradespeople to remove tools from their vans overnight after {count} vehicles
were broken into on {street} and the surrounding roads.

In each case the thieves punched the lock or peeled back the side door, then took power tools,
generators and other equipment. The thefts happened between late evening and the early hours of the
morning, and most were discovered by the owners as they set off for work.

{officer} said: "For many tradespeople their tools are their livelihood, and losing them means losing work
while they wait for the insurance to pay out. We are linking these offences together and following
several lines of enquiry."

Officers are offering free property marking at {town} police station so that recovered tools can be
returned to their owners, and are advising van owners to fit additional locks and to park with the side
door against a wall where possible.

Anyone offered tools for sale in suspicious circumstances, or who saw anyone acting suspiciously around
vans on {street}, is asked to call 101 quoting reference {ref}.
"""),
    ("Appeal after collision involving a cyclist on {street}, {town}", """
Officers investigating a collision between a car and a cyclist on {street} in {town} are asking witnesses
to come forward.

The collision happened at about {hour}pm when a silver saloon car and a bicycle collided near the junction
with the main road. The cyclist, a {age}-year-old woman, was taken to Westshire General Hospital with
injuries to her arm and shoulder. The driver of the car stopped at the scene and is helping officers with
their enquiries.

{street} was closed for around {minutes} minutes while officers examined the scene and the vehicles were
recovered.

{officer} said: "We want to establish exactly what happened, and I would ask anyone who saw the
collision, or the car and the bicycle beforehand, to get in touch. Dashcam footage from drivers who were in
the area at the time could be particularly helpful."

Information can be given online or by calling 101 and quoting reference {ref}. Officers would also remind
all road users to take extra care at junctions, especially in poor light.
"""),
    ("Arrests made after drugs warrant on {street}, {town}", """
{count_word} people have been arrested after officers carried out a drugs warrant at a house on {street} in
{town}.

Officers from the {town} neighbourhood team, supported by a police dog, entered the property at about
{hour}am. They found a quantity of what is believed to be cocaine and cannabis, along with cash, scales and
several mobile phones, which have been seized for examination.

Those arrested, the oldest of whom is {age}, are being questioned on suspicion of possession with intent to
supply controlled drugs. Enquiries are continuing.

{officer} said: "This warrant was the result of information passed to us by people living in the area, who
told us about frequent visitors to the house at all hours. Drug dealing causes a great deal of harm, and we
will act on the information you give us."

Residents with concerns about drug dealing in their neighbourhood can report them online, by calling 101
quoting reference {ref}, or anonymously through Crimestoppers.
"""),
    ("Cars damaged overnight on {street}, {town}", """
Officers are investigating after {count} cars parked on {street} in {town} had their tyres slashed and their
paintwork scratched overnight.

Residents discovered the damage when they came out to their cars in the morning. Several vehicles also had
their wing mirrors broken off. The cost of the repairs is expected to run into thousands of pounds.

{officer} said: "This was senseless damage that has left people out of pocket and unable to get to work. We
understand how upsetting this is for the residents of {street}, and we have increased patrols in the area
at night."

Officers are carrying out house-to-house enquiries and would like to hear from anyone who has home
security cameras covering the street, or who heard anything unusual after {hour}pm.

Anyone with information is asked to report it online or to call 101 quoting reference {ref}. Information
can also be given anonymously to Crimestoppers.
"""),
    ("Shoplifting arrests follow extra patrols on {street}, {town}", """
A programme of extra patrols on {street} in {town} has led to {count} arrests for shoplifting in a
fortnight, police have said.

The patrols were stepped up after shop owners told the neighbourhood team about a rise in thefts of
groceries, cosmetics and alcohol, and about staff being threatened when they challenged offenders.

Officers have been working closely with the {town} business crime partnership, which shares images of
suspected offenders between shops by radio. A {age}-year-old man arrested during the operation has since
been charged with eight offences.

{officer} said: "Shoplifting is not a victimless crime. It hurts small businesses, and shop workers have
the right to do their jobs without being abused or threatened. We will continue to target the small number
of people responsible for most of these offences."

Shop staff are reminded to report every theft, however small, online or on 101, quoting reference {ref}.
This helps officers to identify patterns and to put patrols where they are needed.
"""),
    ("Residents of {street}, {town} warned about rogue doorstep traders", """
Police are urging residents in {town} to be wary of cold callers after an elderly resident of {street} was
charged hundreds of pounds for roof repairs that were never needed.

A man knocked at the door at about {hour}pm claiming that loose tiles had been spotted on the roof. After
spending less than an hour at the property, he and a second man demanded payment in cash and drove the
victim, who is {old_age}, to a bank to withdraw it.

{officer} said: "Rogue traders often target older people and those who live alone, and they can be very
persuasive. Genuine tradespeople will not turn up uninvited and demand cash the same day. If in doubt, do
not open the door, and never agree to work on the doorstep."

The men were driving a white flatbed van. Officers are working with Westshire Trading Standards and would
like to hear from anyone else who has been approached in the area.

Reports can be made online or by calling 101, quoting reference {ref}. Anyone who sees cold callers
targeting a vulnerable neighbour is encouraged to call the police straight away.
"""),
    ("Neighbourhood officers to hold street surgery on {street}, {town}", """
Residents of {street} and the surrounding area of {town} are invited to meet their neighbourhood policing
team at a street surgery next week.

Officers and police community support officers will be on {street} from {hour}pm for two hours to listen
to concerns, give crime prevention advice and explain what the team has been doing in the area.

In the last three months the {town} team has dealt with reports of anti-social behaviour, speeding and
vehicle crime, and has made {count} arrests. It has also visited local schools to talk to pupils about
staying safe online.

{officer} said: "Street surgeries are a chance for people to tell us face to face what matters to them. The
issues raised will help us decide where to focus our patrols over the coming months, so please come
along, even if only for a few minutes."

Anyone who cannot attend can contact the team online or by calling 101, quoting reference {ref}. The
team's monthly update is published on the force website.
"""),
)
GENERATED_FIRST_DAY = date(2015, 1, 1)
GENERATED_DAYS = 3653  # 2015-01-01 to 2024-12-31


def generated_release(index: int) -> FixtureRelease:
    """The synthetic release number ``index``: a topic, town and street chosen from the index, dated 2015-2024."""
    title_template, body_template = TOPICS[index % len(TOPICS)]
    town = TOWNS[(index // len(TOPICS)) % len(TOWNS)]
    street = STREETS[(index // (len(TOPICS) * len(TOWNS))) % len(STREETS)]
    day = GENERATED_FIRST_DAY + timedelta(days=(index * 7919) % GENERATED_DAYS)
    title = title_template.format(street=street, town=town)
    round_ = index // (len(TOPICS) * len(TOWNS) * len(STREETS))
    if round_:
        title += f" ({round_ + 1})"
    body = body_template.format(
        town=town, street=street, age=18 + (index * 7) % 60, old_age=68 + index % 25, hour=1 + index % 11,
        minutes=30 + (index * 5) % 90, count=2 + index % 9, count_word=COUNT_WORDS[index % len(COUNT_WORDS)],
        officer=OFFICERS[index % len(OFFICERS)], ref=f"41/{10000 + index}/{day:%y}")
    return _release(title, day.isoformat(), "og" if index % 2 == 0 else "json-ld", body)


# --- HTML -----------------------------------------------------------------------------------------------------

def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _human(day: date) -> str:
    """date(2021, 3, 8) -> '8 March 2021'."""
    return f"{day.day} {day:%B %Y}"


def _json_ld(data: dict) -> str:
    text = json.dumps(data).replace("</", "<\\/")  # a title cannot close the script element
    return f'<script type="application/ld+json">{text}</script>'


def _og(kind: str, title: str, url: str) -> str:
    return (f'<meta property="og:type" content="{kind}">\n<meta property="og:title" content="{_attr(title)}">\n'
            f'<meta property="og:url" content="{_attr(url)}">\n<meta property="og:site_name" content="{FORCE}">')


def _layout(base: str, canonical: str, title: str, main: str, head: str = "") -> str:
    """A whole page: cookie banner, header and navigation, ``main``, footer."""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_text(title)} | {FORCE}</title>
<link rel="canonical" href="{_attr(base + canonical)}">
<link rel="alternate" type="application/rss+xml" title="{FORCE} news" href="/feed.xml">
{head}
</head>
<body>
<div class="cookie-banner" role="region" aria-label="Cookie consent">
<p>We use cookies on our website to make it work and to understand how you use it. Some optional cookies are
set by third parties. You can accept all cookies or reject the optional ones.
<a href="/about#cookies">Read our cookie policy</a>.</p>
<button type="button" name="cookies" value="accept">Accept all</button>
<button type="button" name="cookies" value="reject">Reject</button>
</div>
<a class="quick-exit" href="{QUICK_EXIT_URL}">Quickly exit this site</a>
<header class="site-header">
<a class="logo" href="/">{FORCE}</a>
<nav aria-label="Main menu"><ul>
<li><a href="/">Home</a></li>
<li><a href="/news/">News</a></li>
<li><a href="/about">About us</a></li>
<li><a href="/about#contact">Contact us</a></li>
<li><a href="{REPORT_CRIME_URL}">Report a crime</a></li>
</ul></nav>
<form class="site-search" action="/search" method="get" role="search">
<label for="site-search-q">Search this site</label> <input id="site-search-q" name="q" type="search">
<button type="submit">Search</button>
</form>
</header>
<main id="main-content">
{main}
</main>
<footer class="site-footer">
<ul>
<li><a href="/about#accessibility">Accessibility statement</a></li>
<li><a href="/about#privacy">Privacy notice</a></li>
<li><a href="/about#cookies">Cookies</a></li>
<li><a href="/feed.xml">News RSS feed</a></li>
</ul>
<p>In an emergency always call 999. For non-emergencies call 101.</p>
<p>&copy; 2025 {FORCE}. All rights reserved.</p>
</footer>
</body>
</html>
"""


def _date_head(base: str, release: FixtureRelease) -> str:
    """The <head> lines that state the release's date, in the release's own way."""
    url = base + release.path
    if release.date_in_text:
        return _og("article", release.title, url)
    if release.date_markup == "og":
        return (_og("article", release.title, url) +
                f'\n<meta property="article:published_time" content="{release.published_at.isoformat()}">')
    if release.date_markup == "json-ld":
        return _json_ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": release.title,
                         "datePublished": release.published, "url": url,
                         "publisher": {"@type": "Organization", "name": FORCE}})
    return ""


def _date_line(release: FixtureRelease) -> str:
    """The visible date under the headline: plain text, a <time>, or nothing."""
    if release.date_in_text:
        return ""
    if release.date_markup == "time":
        stamp = f'<time datetime="{release.published}">{_human(release.day)}</time>'
        return f'<p class="article-date">Published: {stamp}</p>'
    return f'<p class="article-date">Published: {_human(release.day)}</p>'


def _tags(release: FixtureRelease) -> str:
    if "burglary" not in release.title.lower():
        return ""
    return f'<p class="tags">Tags: <a href="{TAG_PATH}">Burglary</a></p>'


def article_html(base: str, release: FixtureRelease, related: tuple[tuple[str, str], ...]) -> str:
    """A release page; ``related`` is (path, title) of the three releases in its "Related news" block."""
    paragraphs = "\n".join(f"<p>{_text(p)}</p>" for p in release.paragraphs)
    links = "\n".join(f'<li><a href="{_attr(path)}">{_text(title)}</a></li>' for path, title in related)
    main = f"""<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> &gt; <a href="/news/">News</a>
&gt; <span>{_text(release.title)}</span></nav>
<article class="news-article">
<header>
<h1>{_text(release.title)}</h1>
{_date_line(release)}
</header>
<div class="article-body">
{paragraphs}
</div>
{_tags(release)}
<p class="share">Share this page: <a href="{SHARE_URL}">Facebook</a></p>
</article>
<aside class="related-news">
<h2>Related news</h2>
<ul>
{links}
</ul>
</aside>"""
    return _layout(base, release.path, release.title, main, _date_head(base, release))


def _teaser(release: FixtureRelease) -> str:
    """A listing entry: headline link, date (none for the release dated by its words) and one sentence."""
    shown = "" if release.date_in_text else f'\n<time datetime="{release.published}">{_human(release.day)}</time>'
    return (f'<li class="teaser">\n<h3><a href="{_attr(release.path)}">{_text(release.title)}</a></h3>{shown}\n'
            f"<p>{_text(release.teaser)}</p>\n</li>")


def _teasers(releases: list[FixtureRelease]) -> str:
    return '<ul class="teasers">\n' + "\n".join(_teaser(r) for r in releases) + "\n</ul>"


def _collection_head(base: str, canonical: str, title: str, kind: str = "CollectionPage") -> str:
    return _og("website", title, base + canonical) + "\n" + _json_ld(
        {"@context": "https://schema.org", "@type": kind, "name": title, "url": base + canonical})


TRAP_LINKS = f"""<section class="also-on-this-site">
<h2>Also on this site</h2>
<ul>
<li><a href="{PRIVATE_PATH}">Staff notice</a></li>
<li><a href="{EMBARGOED_PATH}">Court result (embargoed)</a></li>
<li><a href="{BROKEN_PATH}">Latest appeals</a></li>
<li><a href="{LOOP_A_PATH}">Weekly round-up</a></li>
<li><a href="{MOVED_PATH}">Operation Steer Clear results</a></li>
<li><a href="{HUGE_PATH}">Complete archive of press releases</a></li>
<li><a href="{PDF_PATH}">Annual report 2023 (PDF)</a></li>
<li><a href="{REPORT_CRIME_URL}">Report a crime online</a></li>
<li><a href="{TAG_PATH}">News about burglary</a></li>
<li><a href="{SEARCH_PATH}">Search for burglary</a></li>
</ul>
</section>"""


def listing_html(base: str, releases: list[FixtureRelease], page: int, pages: int) -> str:
    """Page ``page`` of ``pages`` of the news listing; page 1 also links to the traps."""
    canonical = "/news/" if page == 1 else f"/news/?page={page}"
    title = "News" if page == 1 else f"News - page {page} of {pages}"
    links = []
    if page > 1:
        previous = "/news/" if page == 2 else f"/news/?page={page - 1}"
        links.append(f'<a rel="prev" href="{previous}">Previous page</a>')
    if page < pages:
        links.append(f'<a rel="next" href="/news/?page={page + 1}">Next page</a>')
    main = (f"<h1>News</h1>\n<p>The latest news and appeals from {FORCE}. Page {page} of {pages}.</p>\n"
            f'{_teasers(releases)}\n<nav class="pagination" aria-label="Pages">{" ".join(links)}</nav>')
    if page == 1:
        main += "\n" + TRAP_LINKS
    return _layout(base, canonical, title, main, _collection_head(base, canonical, title))


def home_html(base: str, newest: list[FixtureRelease]) -> str:
    main = f"""<h1>Welcome to {FORCE}</h1>
<p>We keep the people of Westshire safe, from Kingsmere and Hartbury in the north to Stenfold and the coast in
the south. Find out what is happening in your area, read our latest appeals, or tell us about a crime.</p>
<h2>Latest news</h2>
{_teasers(newest)}
<p><a href="/news/">See all news</a></p>
<p><a href="/about">About {FORCE}</a></p>"""
    return _layout(base, "/", "Home", main, _collection_head(base, "/", FORCE, "WebSite"))


def tag_html(base: str, tag: str, releases: list[FixtureRelease]) -> str:
    canonical = f"/news/tag/{tag}"
    title = f"News tagged {tag}"
    main = f"<h1>{_text(title)}</h1>\n{_teasers(releases)}"
    return _layout(base, canonical, title, main, _collection_head(base, canonical, title))


def search_html(base: str, query: str, releases: list[FixtureRelease]) -> str:
    count = f"{len(releases)} result{'' if len(releases) == 1 else 's'} for {query}"
    main = f'<h1>Search results</h1>\n<p class="result-count">{_text(count)}</p>\n{_teasers(releases)}'
    head = '<meta name="robots" content="noindex">\n' + _collection_head(base, "/search", "Search results",
                                                                        "SearchResultsPage")
    return _layout(base, "/search", "Search results", main, head)


ABOUT_MAIN = f"""<h1>About {FORCE}</h1>
<p>{FORCE} serves more than 900,000 people living in the county of Westshire, from the market towns of
Kingsmere and Hartbury in the north to the coastal communities around Stenfold in the south. The force employs
around 2,100 police officers, 1,100 police staff and 180 police community support officers, and is supported by
a Special Constabulary of more than 250 volunteers.</p>
<p>Our mission is to keep people safe and to reduce crime and harm in Westshire. We do this by working in
partnership with councils, health services, schools and voluntary organisations, and by listening to the
communities we serve through neighbourhood policing teams in every district.</p>
<p>The force is led by Chief Constable Diane Harrow. The Police and Crime Commissioner for Westshire, who is
elected by the public, sets the force's budget and priorities in the Police and Crime Plan and holds the Chief
Constable to account on behalf of residents.</p>
<p>Our headquarters is in Kingsmere, and twelve police stations across the county have front counters that are
open to the public. In an emergency, or if a crime is happening now, always call 999. For everything else,
report online or call 101.</p>
<h2 id="contact">Contact us</h2>
<p>Call 101 for non-emergencies, or write to {FORCE} Headquarters, Castle Road, Kingsmere, KM1 4PQ.</p>
<h2 id="accessibility">Accessibility statement</h2>
<p>We want as many people as possible to be able to use this website. You should be able to zoom in without the
text spilling off the screen and to navigate the whole site using just a keyboard.</p>
<h2 id="privacy">Privacy notice</h2>
<p>We process personal information to prevent and detect crime and to keep people safe, in line with data
protection law.</p>
<h2 id="cookies">Cookies</h2>
<p>Essential cookies make the site work. Optional analytics cookies are only set if you accept them.</p>"""

PRIVATE_MAIN = """<h1>Staff notice: changes to the duty rota</h1>
<p>This page is for officers and staff of Westshire Police only. Changes to the duty rota for the north
district take effect from next month. Speak to your line manager before booking leave.</p>"""

EMBARGOED_MAIN = """<article class="news-article">
<header><h1>Kingsmere man jailed for arson at family home</h1></header>
<div class="article-body">
<p>EMBARGOED: not for publication until sentencing has concluded.</p>
<p>A Kingsmere man who set fire to his former partner's home while her children slept upstairs has been jailed
for nine years at Westshire Crown Court.</p>
</div>
</article>"""


def huge_html(base: str) -> bytes:
    """A valid page of about HUGE_PAGE_BYTES bytes: one paragraph repeated."""
    paragraph = ("<p>This archive lists every press release issued by Westshire Police, from the most recent "
                 "appeals to statements made many years ago, in the order in which they were published.</p>\n")
    page = _layout(base, HUGE_PATH, "Complete archive of press releases", "<h1>Archive</h1>\n@@FILLER@@",
                   _og("website", "Archive", base + HUGE_PATH))
    head, tail = page.encode().split(b"@@FILLER@@")
    repeats = (HUGE_PAGE_BYTES - len(head) - len(tail)) // len(paragraph) + 1
    return head + paragraph.encode() * repeats + tail


def pdf_bytes() -> bytes:
    """A small one-page PDF (without a cross-reference table, which readers rebuild)."""
    stream = b"BT /F1 18 Tf 72 720 Td (Westshire Police Annual Report 2023) Tj ET"
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
            b"4 0 obj << /Length " + str(len(stream)).encode() + b" >> stream\n" + stream + b"\nendstream endobj\n"
            b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def small_html(base: str, path: str, title: str, message: str) -> str:
    return _layout(base, path, title, f"<h1>{_text(title)}</h1>\n<p>{_text(message)}</p>")


# --- XML ------------------------------------------------------------------------------------------------------

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_index_xml(base: str) -> str:
    entries = "\n".join(f"<sitemap><loc>{base}{name}</loc><lastmod>{SITE_UPDATED:%Y-%m-%d}</lastmod></sitemap>"
                        for name in ("/sitemap-news.xml", "/sitemap-pages.xml"))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{entries}\n</sitemapindex>\n'


def urlset_xml(base: str, entries: list[tuple[str, str | None]]) -> str:
    """A sitemap of (path, lastmod or None)."""
    lines = []
    for path, lastmod in entries:
        stamp = "" if lastmod is None else f"<lastmod>{lastmod}</lastmod>"
        lines.append(f"<url><loc>{_text(base + path)}</loc>{stamp}</url>")
    urls = "\n".join(lines)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{urls}\n</urlset>\n'


def _rss_item(base: str, release: FixtureRelease) -> str:
    pub_date = "" if release.date_in_text else f"<pubDate>{format_datetime(release.published_at)}</pubDate>"
    url = _text(base + release.path)
    return (f"<item><title>{_text(release.title)}</title><link>{url}</link><guid isPermaLink=\"true\">{url}</guid>"
            f"{pub_date}<description>{_text(release.teaser)}</description></item>")


def feed_xml(base: str, releases: list[FixtureRelease]) -> str:
    items = "\n".join(_rss_item(base, r) for r in releases)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>{FORCE} news</title>
<link>{base}/news/</link>
<description>News and appeals from {FORCE}</description>
<language>en-gb</language>
{items}
</channel></rss>
"""


# --- HTTP -----------------------------------------------------------------------------------------------------

@dataclass
class Response:
    """What the site answers to one request; ``modified`` (epoch seconds) is for 200s only."""

    status: int
    body: bytes = b""
    content_type: str = HTML_TYPE
    modified: float | None = None
    location: str | None = None


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest() + '"'


def _http_date_seconds(value: str) -> int | None:
    try:
        return int(parsedate_to_datetime(value).timestamp())
    except (TypeError, ValueError, IndexError):
        return None


def not_modified(request: dict[str, str], etag: str, modified: float) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when it is sent; otherwise If-Modified-Since not older than
    Last-Modified."""
    if "if-none-match" in request:
        tags = [t.strip().removeprefix("W/") for t in request["if-none-match"].split(",")]
        return "*" in tags or etag in tags
    since = _http_date_seconds(request.get("if-modified-since", ""))
    return since is not None and since >= int(modified)


def _release_modified(release: FixtureRelease) -> float:
    """Last-Modified of a release: its publication (09:30 UTC), or the site's constant for the release dated
    only by its words."""
    if release.date_in_text:
        return SITE_UPDATED.timestamp()
    return release.published_at.timestamp()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: FixtureSite) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-answer (the huge page) is expected and prints nothing; a bug still does."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "WestshireFixture/1.0"
    sys_version = ""
    timeout = 30
    disable_nagle_algorithm = True  # headers and body go in two writes; without this each answer waits ~40 ms
    server: _Server

    def do_GET(self) -> None:
        self._serve(with_body=True)

    def do_HEAD(self) -> None:
        self._serve(with_body=False)

    def log_message(self, format: str, *args) -> None:
        """Log nothing: the tests read ``FixtureSite.hits`` instead."""

    def _serve(self, with_body: bool) -> None:
        arrived = time.monotonic()
        request = {k.lower(): v for k, v in self.headers.items()}
        site = self.server.site
        response = site.respond(self.path)
        status, headers = response.status, [("Content-Type", response.content_type)]
        if response.location:
            headers.append(("Location", response.location))
        if status == 200:
            etag = etag_of(response.body)
            headers += [("ETag", etag), ("Last-Modified", formatdate(int(response.modified), usegmt=True))]
            if not_modified(request, etag, response.modified):
                status = 304
        body = b"" if status == 304 else response.body
        if status != 304:
            headers.append(("Content-Length", str(len(body))))
        site.record(Hit(arrived, self.command, self.path, request, status))
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if with_body and body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


@dataclass
class _State:
    """The releases the site serves now, in listing order (newest first), with what is fixed per release."""

    releases: dict[str, FixtureRelease] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    modified: dict[str, float] = field(default_factory=dict)
    related: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    site_modified: float = SITE_UPDATED.timestamp()


class FixtureSite:
    """The Westshire Police site on a free 127.0.0.1 port while the ``with`` block runs."""

    def __init__(self, generated: int = 0) -> None:
        if generated < 0:
            raise ValueError(f"generated must be 0 or more, got {generated}")
        everything = list(RELEASES) + [generated_release(i) for i in range(generated)]
        everything.sort(key=lambda r: r.published, reverse=True)
        self.hits: list[Hit] = []
        self.never_requested: list[str] = list(NEVER_REQUESTED)
        self.failing_paths: dict[str, str] = dict(FAILING_PATHS)
        self._lock = threading.Lock()
        self._state = _State()
        for position, release in enumerate(everything):
            self._put(replace(release), position, self._related(everything, position))
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._huge: bytes | None = None
        self._routes = {  # every page at a fixed path; tags and releases are looked up
            "/": self._home, "/about": self._about, "/news/": self._listing, "/search": self._search,
            "/robots.txt": self._robots, "/sitemap.xml": self._sitemap_index, "/sitemap-news.xml": self._sitemap_news,
            "/sitemap-pages.xml": self._sitemap_pages, "/feed.xml": self._feed, PRIVATE_PATH: self._private,
            EMBARGOED_PATH: self._embargoed, BROKEN_PATH: self._broken, LOOP_A_PATH: self._loop_a,
            LOOP_B_PATH: self._loop_b, MOVED_PATH: self._moved, HUGE_PATH: self._huge_page, PDF_PATH: self._pdf,
        }

    # --- serving ---

    def __enter__(self) -> FixtureSite:
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fixture-site", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FixtureSite is not serving: use it as 'with FixtureSite() as site:'")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # --- what tests read ---

    @property
    def releases(self) -> list[FixtureRelease]:
        """Every release the site serves now, newest first (as the listing shows them)."""
        with self._lock:
            return [self._state.releases[p] for p in self._state.order]

    @property
    def non_release_paths(self) -> list[str]:
        pages = [f"/news/?page={n}" for n in range(2, self._page_count() + 1)]
        return ["/", "/about", "/news/", *pages, TAG_PATH, SEARCH_PATH]

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def downloads(self) -> list[Hit]:
        """The requests answered 200."""
        with self._lock:
            return [h for h in self.hits if h.status == 200]

    # --- changing the site ---

    def change(self, path: str, body: str) -> None:
        """Replace a release's text; its ETag changes and its Last-Modified becomes now."""
        with self._lock:
            release = self._get(path)
            self._state.releases[path] = replace(release, body=body)
            self._state.modified[path] = self._state.site_modified = time.time()

    def remove(self, path: str) -> None:
        """The release answers 404 from now on and leaves the listing, the sitemap and the feed."""
        with self._lock:
            self._get(path)
            del self._state.releases[path]
            self._state.order.remove(path)
            self._state.site_modified = time.time()

    def add(self, release: FixtureRelease) -> None:
        """A new release, at the top of the listing, the sitemap and the feed."""
        with self._lock:
            if release.path in self._state.releases:
                raise ValueError(f"a release is already at {release.path!r}")
            current = [self._state.releases[p] for p in self._state.order]
            self._put(replace(release), 0, tuple((r.path, r.title) for r in current[:3]))
            self._state.site_modified = time.time()

    def _get(self, path: str) -> FixtureRelease:
        release = self._state.releases.get(path)
        if release is None:
            raise ValueError(f"no release at {path!r}")
        return release

    def _put(self, release: FixtureRelease, position: int, related: tuple[tuple[str, str], ...]) -> None:
        if release.path in self._state.releases:
            raise ValueError(f"two releases at {release.path!r}")
        self._state.releases[release.path] = release
        self._state.order.insert(position, release.path)
        self._state.modified[release.path] = _release_modified(release)
        self._state.related[release.path] = related

    @staticmethod
    def _related(releases: list[FixtureRelease], position: int) -> tuple[tuple[str, str], ...]:
        """The three releases after this one in the listing (wrapping round); fixed when the site is made, so a
        removed release leaves a dead link behind, as real sites do."""
        others = [releases[(position + step) % len(releases)] for step in (1, 2, 3)]
        return tuple((r.path, r.title) for r in others if r.path != releases[position].path)

    def _page_count(self) -> int:
        with self._lock:
            return max(1, -(-len(self._state.order) // PAGE_SIZE))

    # --- answering ---

    def respond(self, target: str) -> Response:
        """The answer to a GET of ``target`` (path and query), before conditional-request handling."""
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path in self._routes:
            return self._routes[path](query)
        if path.startswith("/news/tag/"):
            return self._tag(path.removeprefix("/news/tag/"))
        return self._article(path)

    def _html(self, page: str, modified: float | None = None) -> Response:
        return Response(200, page.encode(), modified=SITE_UPDATED.timestamp() if modified is None else modified)

    def _not_found(self) -> Response:
        return Response(404, small_html(self.base_url, "/404", "Page not found",
                                        "Sorry, we cannot find the page you asked for.").encode())

    def _snapshot(self) -> tuple[list[FixtureRelease], float]:
        """The releases in listing order, and the Last-Modified of the pages that list them."""
        with self._lock:
            return [self._state.releases[p] for p in self._state.order], self._state.site_modified

    def _matching(self, word: str) -> tuple[list[FixtureRelease], float]:
        releases, modified = self._snapshot()
        return [r for r in releases if word and word.lower() in r.title.lower()], modified

    def _article(self, path: str) -> Response:
        with self._lock:
            release = self._state.releases.get(path)
            modified, related = self._state.modified.get(path), self._state.related.get(path)
        if release is None:
            return self._not_found()
        return self._html(article_html(self.base_url, release, related), modified)

    def _home(self, query) -> Response:
        releases, modified = self._snapshot()
        return self._html(home_html(self.base_url, releases[:3]), modified)

    def _listing(self, query) -> Response:
        releases, modified = self._snapshot()
        pages = max(1, -(-len(releases) // PAGE_SIZE))
        number = query.get("page", ["1"])[0]
        if not number.isdigit() or not 1 <= int(number) <= pages:
            return self._not_found()
        page = int(number)
        shown = releases[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        return self._html(listing_html(self.base_url, shown, page, pages), modified)

    def _tag(self, tag: str) -> Response:
        releases, modified = self._matching(tag)
        if not releases:
            return self._not_found()
        return self._html(tag_html(self.base_url, tag, releases), modified)

    def _search(self, query) -> Response:
        words = query.get("q", [""])[0].strip()
        releases, modified = self._matching(words)
        return self._html(search_html(self.base_url, words, releases), modified)

    def _about(self, query) -> Response:
        head = _og("website", f"About {FORCE}", self.base_url + "/about")
        return self._html(_layout(self.base_url, "/about", f"About {FORCE}", ABOUT_MAIN, head))

    def _robots(self, query) -> Response:
        return Response(200, ROBOTS_TXT.format(base=self.base_url).encode(), TEXT_TYPE, SITE_UPDATED.timestamp())

    def _sitemap_index(self, query) -> Response:
        return Response(200, sitemap_index_xml(self.base_url).encode(), XML_TYPE, SITE_UPDATED.timestamp())

    def _sitemap_news(self, query) -> Response:
        releases, modified = self._snapshot()
        entries = [(r.path, None if r.date_in_text else r.published) for r in releases]
        return Response(200, urlset_xml(self.base_url, entries).encode(), XML_TYPE, modified)

    def _sitemap_pages(self, query) -> Response:
        entries = [(p, None) for p in ("/", "/about", "/news/")]
        return Response(200, urlset_xml(self.base_url, entries).encode(), XML_TYPE, SITE_UPDATED.timestamp())

    def _feed(self, query) -> Response:
        releases, modified = self._snapshot()
        return Response(200, feed_xml(self.base_url, releases).encode(), RSS_TYPE, modified)

    def _private(self, query) -> Response:
        return self._html(_layout(self.base_url, PRIVATE_PATH, "Staff notice", PRIVATE_MAIN))

    def _embargoed(self, query) -> Response:
        head = _og("article", "Kingsmere man jailed for arson at family home", self.base_url + EMBARGOED_PATH)
        head += '\n<meta property="article:published_time" content="2024-11-29T16:00:00+00:00">'
        return self._html(_layout(self.base_url, EMBARGOED_PATH, "Court result", EMBARGOED_MAIN, head))

    def _broken(self, query) -> Response:
        page = small_html(self.base_url, BROKEN_PATH, "Something went wrong", "Please try again later.")
        return Response(500, page.encode())

    def _redirect(self, status: int, path: str) -> Response:
        return Response(status, small_html(self.base_url, path, "Moved", f"This page has moved to {path}.").encode(),
                        location=self.url(path))

    def _loop_a(self, query) -> Response:
        return self._redirect(302, LOOP_B_PATH)

    def _loop_b(self, query) -> Response:
        return self._redirect(302, LOOP_A_PATH)

    def _moved(self, query) -> Response:
        return self._redirect(301, MOVED_TARGET)

    def _huge_page(self, query) -> Response:
        if self._huge is None:
            self._huge = huge_html(self.base_url)
        return Response(200, self._huge, modified=SITE_UPDATED.timestamp())

    def _pdf(self, query) -> Response:
        return Response(200, pdf_bytes(), PDF_TYPE, SITE_UPDATED.timestamp())
