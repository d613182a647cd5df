"""corpus → releases: the three sample shapes, HTML, JSON/JSONL, front matter and de-duplication."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qa.chunks import Chunker, word_counter
from qa.errors import SkipFile
from qa.releases import LoadReport, load_corpus, read_corpus, read_file

from conftest import SAMPLE_CORPUS

PCC_TITLES = [
    "Data Manipulation in Forensic Services",
    "Hertfordshire Spends More on Police Front Line",
    "Volunteer Pilot Schemes Receive National Backing",
    "PCC to Appear Before Home Affairs Select Committee",
    "Become an ICV",
    "Good Rating for Hertfordshire Police Welcomed",
    "Commissioner meets Rural Community in Hertsmere",
    "Beacon Shines a Light on Hertfordshire Victims",
    "Commissioner Supports Herts Anti-Slavery Campaign",
    "New Herts Hate Crime Strategy",
    "Robert Gordon CBE",
    "Column for Herts and Essex Observer",
]
CHROME = re.compile(r"cookie|quickly exit|leave this site|escape key|this site is a beta|technical problem|"
                    r"try again", re.I)


@pytest.fixture(scope="module")
def sample():
    report = load_corpus([SAMPLE_CORPUS], SAMPLE_CORPUS)
    assert report.skipped == [] and report.duplicates == []
    return report


def by_source(report, name):
    return [r for r in report.releases if r.source == name]


def test_multi_release_page_has_the_twelve_titles_in_order(sample):
    releases = by_source(sample, "herts-pcc-news-page.txt")
    assert [r.title for r in releases] == PCC_TITLES
    assert len({r.id for r in releases}) == 12
    # No release starts with the next one's title, none is empty.
    for r in releases:
        assert len(r.body) > 200
        assert not any(t in r.body.split("\n") for t in PCC_TITLES)


def test_multi_release_page_header_belongs_to_no_release(sample):
    for r in sample.releases:
        assert "Hertfordshire Police and Crime Commissioner." not in r.body.split("\n")[0]
        assert "Commissioner's Office" not in r.body
        assert "01707 806100" not in r.body
        assert "01707 806100" not in r.title


def test_release_bodies_start_and_end_where_the_page_says(sample):
    first, *_, last = by_source(sample, "herts-pcc-news-page.txt")
    assert first.body.startswith("Statement about issues of data manipulation in forensic services")
    assert first.body.endswith("please contact the NPCC Press Office.")
    assert "Hertfordshire Spends More" not in first.body
    assert last.body.rstrip().endswith("David Lloyd, Police and Crime Commissioner for Hertfordshire")


def test_scraped_page_has_no_site_chrome(sample):
    (release,) = by_source(sample, "herts-operation-hotspot-page.txt")
    assert release.body.startswith("More than 12,000 hours of additional patrols")
    assert not CHROME.search(release.body)
    assert not CHROME.search(release.title)
    chunks = Chunker(word_counter, 64).chunk(release)
    assert len(chunks) > 2
    for chunk in chunks:
        assert not CHROME.search(chunk.embed_text)


def test_scraped_page_title_is_derived_from_its_text(sample):
    (release,) = by_source(sample, "herts-operation-hotspot-page.txt")
    assert release.title.startswith("More than 12,000 hours of additional patrols")
    assert len(release.title.split()) <= 14
    assert release.area == "Hertfordshire"


def test_markdown_front_matter_fields(sample):
    (release,) = by_source(sample, "herts-jps-year-in-review.md")
    assert release.title == "Joint Protective Services – A Year in Review"
    assert release.published == "2019-06-13"
    assert release.url == "https://www.herts.police.uk/news-and-appeals/joint-protective-services-a-year-in-review-0345"
    assert release.area == "Hertfordshire"
    assert release.id == "herts-jps-year-in-review"
    assert "```" not in release.body and "og:" not in release.body and "###" not in release.body
    assert "secured over 400 years custodial sentences" in release.body


def test_release_ids_are_stable(sample):
    again = load_corpus([SAMPLE_CORPUS], SAMPLE_CORPUS)
    assert [r.id for r in again.releases] == [r.id for r in sample.releases]
    assert len({r.id for r in sample.releases}) == len(sample.releases) == 14


def test_a_long_file_name_is_its_id_whole_not_cut_at_its_start(tmp_path: Path):
    """A file name longer than 60 characters was cut to its last 60, so a user saw "ast-international-…" for
    belfast-international-airport-constabulary-disruptive-passengers.txt: the id is the file name, whole."""
    name = "belfast-international-airport-constabulary-disruptive-passengers"
    (tmp_path / f"{name}.txt").write_text("Passengers warned\n\nOfficers dealt with 164 incidents on flights.\n")
    (tmp_path / "short.txt").write_text("Short one\n\nA second release about a stolen bike in the town.\n")
    loaded = load_corpus([tmp_path], tmp_path)
    assert sorted(r.id for r in loaded.releases) == [name, "short"]


def test_dash_front_matter(tmp_path: Path):
    path = tmp_path / "appeal.md"
    path.write_text("---\ntitle: Appeal after Stevenage burglary\ndate: 2023-03-04\nurl: https://example.org/a\n"
                    "area: Hertfordshire\n---\n\n# Heading\n\nPolice are appealing for **witnesses** after a "
                    "burglary in Stevenage on Friday night.\n\nCall 101 quoting crime reference 41/1234/23.\n")
    (draft,) = read_file(path)
    assert (draft.title, draft.published, draft.url, draft.area) == (
        "Appeal after Stevenage burglary", "2023-03-04", "https://example.org/a", "Hertfordshire")
    assert draft.body.startswith("Heading\n\nPolice are appealing for witnesses after a burglary")
    assert "**" not in draft.body and "---" not in draft.body


def test_markdown_without_front_matter_takes_its_heading_as_the_title(tmp_path: Path):
    """A release written as Markdown with no front matter: its "# Heading" is the title, without the "#", and
    each level-1 heading of a page starts a release."""
    path = tmp_path / "fund.md"
    path.write_text("# Community Fund open for applications\n\nPublished: 2 December 2025\n\nThames Valley "
                    "Police and Crime Commissioner Matthew Barber has opened his **Community Fund**.\n\n"
                    "- grants of up to £5,000\n- 42 projects last year\n")
    (draft,) = read_file(path)
    assert draft.title == "Community Fund open for applications"
    assert "#" not in draft.body and "**" not in draft.body and draft.area == "Thames Valley"
    assert draft.body.startswith("Published: 2 December 2025\n\nThames Valley Police")
    assert "grants of up to £5,000\n\n42 projects last year" in draft.body
    page = tmp_path / "page.md"
    page.write_text("Merseyside Police news\n\n# First release\n\nOfficers made 23 arrests in a week of action "
                    "against county lines.\n\n# Second release\n\nA man has been jailed for dangerous driving.\n")
    assert [(d.title, d.area) for d in read_file(page)] == [("First release", "Merseyside"),
                                                            ("Second release", "Merseyside")]


def test_an_html_release_takes_its_area_from_the_sites_name_before_the_places_it_names(tmp_path: Path):
    path = tmp_path / "jailed.html"
    path.write_text("<html><head><title>Brothers jailed for running Basildon drugs line - Essex Police</title></head>"
                    "<body><div class='article'><h1>Brothers jailed for running Basildon drugs line</h1><p>Two "
                    "brothers from Stratford in east London who ran a drugs line supplying heroin and crack cocaine "
                    "in Basildon have been jailed for a total of more than 14 years after a long investigation.</p>"
                    "</div></body></html>")
    (draft,) = read_file(path)
    assert draft.area == "Essex"  # not London, which the text names


def test_front_matter_with_written_date_and_no_title(tmp_path: Path):
    (tmp_path / "c").mkdir()
    path = tmp_path / "c" / "no-title.md"
    path.write_text("---\ndate: 4 March 2021\n---\nA man has been charged with theft after a shop in Watford "
                    "was targeted. He will appear in court next week.\n")
    (release,) = load_corpus([tmp_path / "c"], tmp_path / "c").releases
    assert release.published == "2021-03-04"
    assert release.title == "A man has been charged with theft after a shop in Watford was targeted"


HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Man jailed for Hatfield robbery | Example Constabulary</title>
<meta property="og:title" content="Man jailed for Hatfield robbery">
<meta property="article:published_time" content="2022-11-08T09:30:00Z">
<link rel="canonical" href="https://police.example.org/news/man-jailed-hatfield-robbery">
<style>body { font-family: sans-serif; } .secret-style-marker { color: red; }</style>
<script>var trackingMarker = "SCRIPT-MARKER"; console.log(trackingMarker);</script>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">NAV-MARKER News</a></li>
<li><a href="/contact">Contact us</a></li></ul></nav></header>
<main><article>
<h1>Man jailed for Hatfield robbery</h1>
<p>A man who threatened a shop worker with a knife in Hatfield has been jailed for six years at St Albans Crown Court.</p>
<p>The 34-year-old entered the convenience store on Town Centre Road on 2 March and demanded cash from the till before running off with three hundred pounds.</p>
<p>Detective Constable Jane Doe said the victim had shown great courage and that officers had worked hard to identify the offender from CCTV footage.</p>
<p>Anyone with information about knife crime in Hertfordshire can contact the police on 101 or Crimestoppers anonymously.</p>
</article></main>
<footer><nav><a href="/privacy">Privacy FOOTER-MARKER</a></nav></footer>
<script>document.write("SCRIPT-MARKER-2")</script>
</body></html>
"""


def test_html_page_main_text_and_metadata(tmp_path: Path):
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE)
    (draft,) = read_file(path)
    assert draft.title and "Man jailed for Hatfield robbery" in draft.title
    assert draft.published == "2022-11-08"
    assert draft.url == "https://police.example.org/news/man-jailed-hatfield-robbery"
    assert "jailed for six years at St Albans Crown Court" in draft.body
    assert "Crimestoppers anonymously" in draft.body
    for marker in ("SCRIPT-MARKER", "NAV-MARKER", "FOOTER-MARKER", "secret-style-marker", "font-family", "<"):
        assert marker not in draft.body


def test_a_definition_list_is_read_as_labelled_lines(tmp_path: Path):
    path = tmp_path / "seized.html"
    path.write_text(HTML_PAGE.replace(
        "<p>Anyone with information",
        "<p>The value of the goods seized in each district is set out below:</p><dl><dt>North District</dt>"
        "<dd>£98,000</dd><dt>South District</dt><dd>£56,000</dd></dl><p>Anyone with information"))
    (draft,) = read_file(path)
    assert "North District: £98,000\nSouth District: £56,000" in draft.body
    assert draft.published == "2022-11-08" and "Crimestoppers anonymously" in draft.body  # the rest as before


def test_json_export(tmp_path: Path):
    records = [
        {"title": "First appeal", "date": "2020-01-02", "url": "https://example.org/1",
         "body": "Police in Luton are appealing for witnesses after a collision on the A505 on New Year's Day."},
        {"title": "Second appeal", "published": "15/02/2020", "text": "Officers in Bedford are searching for a "
         "missing teenager who was last seen near the river on Saturday afternoon.", "area": "Bedfordshire"},
        "not an object",
    ]
    (tmp_path / "export.json").write_text(json.dumps(records))
    releases = load_corpus([tmp_path], tmp_path).releases
    assert [(r.title, r.published, r.url) for r in releases] == [
        ("First appeal", "2020-01-02", "https://example.org/1"), ("Second appeal", "2020-02-15", None)]
    assert releases[1].area == "Bedfordshire"
    assert releases[0].body.startswith("Police in Luton are appealing")
    assert len({r.id for r in releases}) == 2 and all(r.source == "export.json" for r in releases)


def test_jsonl_export(tmp_path: Path):
    lines = [{"title": f"Release {n}", "date": f"2021-05-{n:02d}", "content": f"Body of release number {n} "
              f"describes an arrest made in Stevenage on day {n} of the month."} for n in (1, 2, 3)]
    (tmp_path / "export.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    releases = load_corpus([tmp_path], tmp_path).releases
    assert [r.title for r in releases] == ["Release 1", "Release 2", "Release 3"]
    assert [r.published for r in releases] == ["2021-05-01", "2021-05-02", "2021-05-03"]


def test_invalid_json_is_skipped_with_reason(tmp_path: Path):
    (tmp_path / "broken.jsonl").write_text('{"title": "a", "body": "b"}\n{"title": \n')
    with pytest.raises(SkipFile, match="invalid JSON"):
        read_file(tmp_path / "broken.jsonl")


def test_same_body_in_two_files_gives_one_release(tmp_path: Path):
    body = ("Officers arrested two men in Hitchin on Tuesday after a report of a stolen car.\n\n"
            "Both remain in custody and enquiries are continuing.\n")
    (tmp_path / "a.txt").write_text(body)
    (tmp_path / "b.md").write_text("---\ntitle: Two arrested in Hitchin\n---\n" + body.replace("\n\n", "\n\n\n"))
    report = load_corpus([tmp_path], tmp_path)
    assert len(report.releases) == 1
    assert report.releases[0].source == "a.txt"
    assert report.duplicates == [("b.md", report.releases[0].id)]


def test_unsupported_format_is_skipped(tmp_path: Path):
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 ...")
    report = load_corpus([tmp_path], tmp_path)
    assert report.releases == []
    assert report.skipped[0][0] == "scan.pdf" and "not a supported format" in report.skipped[0][1]


def test_read_corpus_hands_over_one_release_at_a_time(tmp_path: Path, monkeypatch):
    """An ingest streams the corpus: the first release comes before the second file is read, and what the
    reader keeps between files (ids, body hashes) still finds a duplicate and a clashing id."""
    import qa.releases

    body = "Officers arrested a man in Hitchin on Tuesday after a report of a stolen car.\n"
    (tmp_path / "a.txt").write_text(body)
    (tmp_path / "b.txt").write_text(body.replace("Tuesday", "Friday"))
    (tmp_path / "c.txt").write_text(body)
    read: list[str] = []
    real = qa.releases.read_file
    monkeypatch.setattr(qa.releases, "read_file", lambda path: read.append(path.name) or real(path))
    report = LoadReport()
    stream = read_corpus([tmp_path], tmp_path, report)
    first = next(stream)
    assert (first.source, read) == ("a.txt", ["a.txt"])
    assert [r.source for r in stream] == ["b.txt"] and read == ["a.txt", "b.txt", "c.txt"]
    assert report.duplicates == [("c.txt", first.id)] and report.releases == []
