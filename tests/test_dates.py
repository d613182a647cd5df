"""Release dates from the releases' own words: a dateline, or a weekday whose year only one recent year fits;
never invented. Written in other forces' styles; the sample corpus is measured in the last test."""

from __future__ import annotations

from datetime import date

import pytest

from qa.dates import find_date

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("body, iso, source", [
    ("14 March 2023 – Cleveland Police have charged a man after…", "2023-03-14", "dateline"),
    ("Posted: March 14, 2023\nOfficers in Middlesbrough…", "2023-03-14", "dateline"),
    ("Published 03/04/2022. Durham Constabulary says…", "2022-04-03", "dateline"),
    # a weekday fixes the year among the recent years the release allows
    ("The appeal was launched today (Wednesday, October 18). There were 26 cases in 2016.", "2017-10-18", "weekday"),
    ("Join us on Friday 20 October for #NHCAW2017 events across Kent.", "2017-10-20", "weekday"),
    ("The PCC will appear on Tuesday the 14th November, as he did in 2017.", "2017-11-14", "weekday"),
])
def test_a_date_is_read_from_the_text(body, iso, source):
    found = find_date(body, TODAY)
    assert found is not None and (found.iso, found.source) == (iso, source), found


@pytest.mark.parametrize("body", [
    "The PCC will appear on Tuesday the 14th November.",  # no year: 2017 and 2023 both fit
    "Figures for 2019 show a fall in burglary across Gwent.",  # a year alone is no date
    "The scheme runs until the end of December.",  # a month alone is no date
    "Operation Sceptre ran from 2001 to 2012. " + "More text. " * 30 + "It ended on 18 October 2017.",  # not a dateline
    "On Monday 30 February 2016 …",  # no such day
    "It happens on Wednesday, October 18 every year, as it did in 2025.",  # 2025–2026: no Wednesday 18 October
])
def test_no_date_is_invented(body):
    assert find_date(body, TODAY) is None


def test_a_date_after_today_is_no_publication_date():
    assert find_date("1 January 2030 – a release from the future", TODAY) is None


def test_the_sample_corpus_dates_and_says_how(tmp_path):
    """3 of the 14 sample releases have a date anywhere: one in its front matter, two from a weekday date in
    their text (docs/benchmarks.md lists why the other 11 cannot be dated)."""
    from conftest import copy_corpus

    from qa.releases import load_corpus

    report = load_corpus([copy_corpus(tmp_path / "corpus")], tmp_path / "corpus")
    dated = {r.id: (r.published, r.date_source) for r in report.releases if r.published}
    assert dated == {"herts-jps-year-in-review": ("2019-06-13", "metadata"),
                     "herts-pcc-news-page-commissioner-supports-herts-anti-slavery": ("2017-10-18", "weekday"),
                     "herts-pcc-news-page-new-herts-hate-crime-strategy": ("2017-10-20", "weekday")}
    assert all(r.date_source is None for r in report.releases if not r.published)


def test_a_snapshot_built_before_date_source_is_still_read(tmp_path):
    """An index built by an earlier version has no date_source column: it is read, the column as None."""
    from qa.store import Store

    path = tmp_path / "old.sqlite"
    store = Store.create(path)
    store.db.execute("ALTER TABLE releases DROP COLUMN date_source")
    store.db.execute("INSERT INTO releases VALUES ('r1', 'A release', '2020-01-02', NULL, NULL, 'a.txt', 'Body text.', 'h')")
    store.db.execute("""INSERT INTO chunks (id, release_id, seq, start, "end", title, text)
                        VALUES (0, 'r1', 0, 0, 10, 'A release', 'Body text.')""")
    store.db.commit()
    store.close()
    old = Store(path)
    assert old.release("r1").date_source is None and old.release("r1").published == "2020-01-02"
    assert old.chunks([0])[0]["date_source"] is None
