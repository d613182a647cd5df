"""Issue 7, ingest side: a corpus of bad files. Each bad file is skipped with one clear reason,
every good file is indexed, and the exit code of `qa ingest` says whether anything was skipped."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.releases import MAX_RELEASE_CHARS, load_corpus
from qa.snapshot import Snapshot

runner = CliRunner()

PROSE = ("Officers from the rural operational support team patrolled farms near {place} on Tuesday after "
         "reports of hare coursing. Two men were arrested and a vehicle was seized.\n\n"
         "Inspector Jane Smith said the team would continue to work with landowners across the county.\n")

GOOD = {  # file → a phrase its release body must hold
    "latin1.txt": "Café owner in Royston",
    "cp1252.txt": "“We’re grateful for the public’s help,” said the Inspector",
    "damaged-utf8.txt": "Tring’s residents",
    "page.html": "jailed for six years at St Albans Crown Court",
    "dup-a.txt": "patrolled farms near Baldock",
    "jsonl-with-one-huge-record.jsonl": "missing teenager who was last seen",
    "herts-jps-year-in-review.md": "Joint Protective Services Command",
    "herts-pcc-news-page.txt": "Randox Testing Services",
    "herts-operation-hotspot-page.txt": "Operation Hotspot was launched",
    "removed-later.txt": "patrolled farms near Ware",
    "list-front-matter.md": "patrolled farms near Tring",  # front matter that is a list is ignored
}
BAD = {  # file → words its one reason must hold
    "empty.txt": "empty file",
    "blank.md": "empty file",
    "binary.txt": "binary file",
    "photo.png": "not a supported format",
    "huge-release.txt": f"over the {MAX_RELEASE_CHARS:,}-character limit",
    "malformed-front-matter.md": "malformed YAML front matter",
    "only-cookie-banner.txt": "no release text left after cleaning",
    "self-loop.txt": "cannot be read",
    "jsonl-with-one-huge-record.jsonl": "release 'Huge record'",
    "broken.json": "invalid JSON",
}

HTML = """<!DOCTYPE html><html><head><title>Man jailed for Hatfield robbery</title>
<style>.menu { color: red } /* STYLE-MARKER */</style>
<script>window.tracker = "SCRIPT-MARKER";</script></head>
<body><nav><a href="/">Home NAV-MARKER</a> <a href="/news">News</a> <a href="/appeals">Appeals</a></nav>
<article><h1>Man jailed for Hatfield robbery</h1>
<p>A man who threatened a shop worker with a knife in Hatfield has been jailed for six years at St Albans Crown Court.</p>
<p>The 34-year-old entered the convenience store on 2 March and demanded cash from the till before running off.</p>
<p>Detective Constable Jane Doe said officers had worked hard to identify the offender from CCTV footage.</p>
</article><footer>FOOTER-MARKER cookies and privacy</footer>
<script>document.write("SCRIPT-MARKER-2")</script></body></html>"""


def make_bad_corpus(corpus: Path) -> None:
    """Adds the good and bad files to a copy of the sample corpus."""
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_text("  \n\n\t\n")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096))
    (corpus / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(512))
    (corpus / "latin1.txt").write_bytes(
        "Café owner in Royston thanks police\n\nThe café owner in Royston said officers recovered £2,000 of "
        "stolen goods within a day. Señor García, who runs the café, praised the team.\n".encode("latin-1"))
    (corpus / "cp1252.txt").write_bytes(
        "Appeal for witnesses in Bishop’s Stortford\n\n“We’re grateful for the public’s help,” said the "
        "Inspector leading the investigation into the burglary at the town’s museum.\n".encode("cp1252"))
    (corpus / "damaged-utf8.txt").write_bytes(
        "Tring’s residents thanked for reporting suspicious vehicles – “a great help” to officers who "
        "arrested three people in Tring on Sunday.".encode() + b" Bad bytes: \xff\xfe\xc3(. " +
        "The café’s CCTV helped.\n".encode())
    (corpus / "huge-release.txt").write_text("Huge Release\n" + (PROSE.format(place="Hitchin") * 80_000))
    (corpus / "page.html").write_text(HTML)
    (corpus / "malformed-front-matter.md").write_text("---\ntitle: [unclosed\ndate: 2020-01-01: x\n---\n"
                                                      + PROSE.format(place="Buntingford"))
    (corpus / "list-front-matter.md").write_text("---\n- one\n- two\n---\n" + PROSE.format(place="Tring"))
    (corpus / "dup-a.txt").write_text(PROSE.format(place="Baldock"))
    (corpus / "dup-b.md").write_text("\n" + PROSE.format(place="Baldock").replace("\n\n", "\n\n\n"))
    (corpus / "removed-later.txt").write_text(PROSE.format(place="Ware"))
    (corpus / "only-cookie-banner.txt").write_text(
        "We use some essential cookies to make our website work.\n"
        "You can manage your preferences and cookie settings at any time.\n"
        "Quickly exit this site by pressing the Escape key\n"
        "This site is a beta, which means it's a work in progress.\n"
        "Sorry, there was a technical problem. Please try again.\n")
    (corpus / "jsonl-with-one-huge-record.jsonl").write_text(
        '{"title": "Missing teenager found", "date": "2021-02-03", "body": "Officers searching for a missing '
        'teenager who was last seen in Hertford on Friday have found him safe and well."}\n'
        '{"title": "Huge record", "body": "' + "word " * (MAX_RELEASE_CHARS // 4) + '"}\n')
    (corpus / "broken.json").write_text('{"title": "Broken", "body": "no closing brace"\n')
    os.symlink(".", corpus / "loop")  # a folder loop: walked once
    (corpus / "sub").mkdir()
    os.symlink("..", corpus / "sub" / "up")
    os.symlink("self-loop.txt", corpus / "self-loop.txt")  # a file loop: cannot be read


@pytest.fixture
def bad_corpus(qa_env):
    make_bad_corpus(qa_env.corpus_dir)
    return qa_env


def test_load_corpus_skips_each_bad_file_once_with_its_reason(bad_corpus):
    corpus = bad_corpus.corpus_dir
    started = time.perf_counter()
    report = load_corpus([corpus], corpus)
    assert time.perf_counter() - started < 20
    reasons = dict(report.skipped)
    assert len(reasons) == len(report.skipped), f"a file is reported twice: {report.skipped}"
    assert set(reasons) == set(BAD)
    for name, words in BAD.items():
        assert words in reasons[name], (name, reasons[name])
        assert "\n" not in reasons[name] and len(reasons[name]) < 200
    assert report.duplicates == [("dup-b.md", "dup-a")]
    bodies = {}
    for r in report.releases:
        bodies[r.source] = bodies.get(r.source, "") + r.body
    assert set(bodies) == set(GOOD)
    for name, phrase in GOOD.items():
        assert phrase in bodies[name], name
    assert len([r for r in report.releases if r.source.startswith("loop") or "/" in r.source]) == 0


def test_text_encodings_are_read_right(bad_corpus):
    corpus = bad_corpus.corpus_dir
    releases = {r.source: r for r in load_corpus([corpus], corpus).releases}
    assert "Señor García" in releases["latin1.txt"].body and "£2,000" in releases["latin1.txt"].body
    assert releases["cp1252.txt"].title == "Appeal for witnesses in Bishop’s Stortford"
    damaged = releases["damaged-utf8.txt"].body
    assert "\ufffd" in damaged and "The café’s CCTV helped." in damaged and "â€" not in damaged
    html = releases["page.html"]
    for marker in ("SCRIPT-MARKER", "STYLE-MARKER", "NAV-MARKER", "color: red"):
        assert marker not in html.body


def test_cli_ingest_of_the_bad_corpus(bad_corpus):
    from qa.cli import app

    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 1, result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    for name in BAD:
        mine = [line for line in lines if line.startswith(f"skipped: {name}:")]
        assert len(mine) == 1, (name, mine)
    assert any(line == "duplicate: dup-b.md (same text as dup-a)" for line in lines)
    assert "Traceback" not in result.output

    snap = Snapshot.open(bad_corpus.index_dir)
    sources = {row["source"] for row in snap.store._all("SELECT source FROM releases")}
    releases, chunks = snap.store.counts()
    assert snap.index.ntotal == chunks and snap.manifest.releases == releases
    snap.close()
    assert sources == set(GOOD)

    # A file removed between two ingests: its release goes, the report says so.
    (bad_corpus.corpus_dir / "removed-later.txt").unlink()
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 1
    assert "removed: removed-later" in " ".join(result.output.split())
    snap = Snapshot.open(bad_corpus.index_dir)
    assert snap.store.release("removed-later") is None and snap.store.counts()[0] == releases - 1
    snap.close()

    # With the bad files gone the exit code is 0.
    for name in BAD:
        (bad_corpus.corpus_dir / name).unlink()
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0, result.output


def test_a_file_that_vanishes_while_reading_is_skipped(tmp_path):
    from qa.releases import read_file
    from qa.errors import SkipFile

    with pytest.raises(SkipFile, match="cannot be read"):
        read_file(tmp_path / "gone.txt")
