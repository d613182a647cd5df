"""The refusal log (qa/refusals.py): counts by day and reason, question text only when asked for,
atomic writes, a bad or unwritable file never costs a request; `qa refusals` and `qa serve --record-refusals`."""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner
from web_support import indexed, make_client  # noqa: F401  (fixtures)

from qa import refusals
from qa.answer import ABSTAIN_TEXT, Answer, Citation
from qa.cli import app
from qa.refusals import RefusalLog, load_log, summarize
from qa.settings import get_settings

SECRET = "Is my neighbour Jane Doe at 12 Acacia Avenue under investigation?"
DAY1 = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)
DAY2 = datetime(2026, 3, 2, 0, 30, tzinfo=timezone.utc)


def refusal(question: str, reason: str | None = "no_evidence", releases: tuple[str, ...] = ("hotspot",)) -> Answer:
    cites = [Citation(n=n, release_id=rid, title=f"Title of {rid}", source=f"{rid}.md", text="t", start=0, end=1,
                      passage_start=0, passage_end=1, score=0.1) for n, rid in enumerate(releases, 1)]
    return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True, citations=cites, reason=reason)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def warnings_from(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "qa.refusals" and r.levelno >= logging.WARNING]


# --- counting -------------------------------------------------------------------------------------------------

def test_counts_by_utc_day_and_reason(tmp_path):
    clock = Clock(DAY1)
    path = tmp_path / "refusals.json"
    log = RefusalLog(path, clock=clock)
    for reason in ("no_evidence", "no_evidence", "wrong_type"):
        log.record("q", refusal("q", reason))
    clock.now = DAY2
    log.record("q", refusal("q", "below_threshold"))
    log.record("q", refusal("q", None))  # the sentence picker gives no reason
    data = json.loads(path.read_text())
    assert data["counts"] == {"2026-03-01": {"no_evidence": 2, "wrong_type": 1},
                              "2026-03-02": {"below_threshold": 1, "unspecified": 1}}
    summary = summarize(load_log(path))
    assert summary["total"] == 5
    assert summary["by_reason"] == {"no_evidence": 2, "wrong_type": 1, "below_threshold": 1, "unspecified": 1}
    assert [(d["day"], d["total"]) for d in summary["days"]] == [("2026-03-01", 3), ("2026-03-02", 2)]


def test_a_local_time_counts_on_its_utc_day(tmp_path):
    path = tmp_path / "refusals.json"
    just_after_midnight_in_paris = datetime.fromisoformat("2026-03-02T00:30:00+01:00")
    RefusalLog(path, clock=Clock(just_after_midnight_in_paris)).record("q", refusal("q"))
    assert list(json.loads(path.read_text())["counts"]) == ["2026-03-01"]


def test_counts_carry_over_a_restart(tmp_path):
    path = tmp_path / "refusals.json"
    RefusalLog(path, clock=Clock(DAY1)).record("q", refusal("q"))
    RefusalLog(path, clock=Clock(DAY1)).record("q", refusal("q"))
    assert load_log(path).counts[DAY1.date()] == {"no_evidence": 2}


def test_concurrent_refusals_are_all_counted(tmp_path):
    path = tmp_path / "refusals.json"
    log = RefusalLog(path, keep_questions=True, clock=Clock(DAY1))

    def ask_many():
        for _ in range(50):
            log.record("q", refusal("q"))

    threads = [threading.Thread(target=ask_many) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    data = load_log(path)
    assert data.counts[DAY1.date()] == {"no_evidence": 400}
    assert len(data.questions) == 400


# --- privacy --------------------------------------------------------------------------------------------------

def test_no_question_text_without_keep_questions(tmp_path):
    path = tmp_path / "refusals.json"
    log = RefusalLog(path, clock=Clock(DAY1))
    log.record(SECRET, refusal(SECRET, "constraint_missing"))
    raw = path.read_bytes()
    assert b"Acacia" not in raw and b"Jane" not in raw and SECRET.encode() not in raw
    assert json.loads(raw)["questions"] == []
    assert summarize(load_log(path))["by_release"] == []


def test_kept_questions_grouped_by_nearest_release_most_asked_first(tmp_path):
    path = tmp_path / "refusals.json"
    log = RefusalLog(path, keep_questions=True, clock=Clock(DAY1))
    log.record("Who ran Operation X?", refusal("Who ran Operation X?", releases=("quietville",)))
    for q in ("How many arrests in Watford?", "how many  arrests in Watford?", "When did it start?"):
        log.record(q, refusal(q, releases=("hotspot", "quietville", "jps", "fourth")))
    log.record("Capital of Australia?", refusal("Capital of Australia?", releases=()))
    assert SECRET.encode() not in path.read_bytes()
    data = load_log(path)
    assert [r.release_id for r in data.questions[1].releases] == ["hotspot", "quietville", "jps"]  # nearest three
    groups = summarize(data)["by_release"]
    assert [(g["release_id"], g["count"]) for g in groups] == [("hotspot", 3), ("quietville", 1), (None, 1)]
    assert groups[0]["title"] == "Title of hotspot"
    assert groups[0]["questions"] == [{"question": "How many arrests in Watford?", "count": 2},
                                      {"question": "When did it start?", "count": 1}]


def test_kept_questions_are_bounded(tmp_path):
    path = tmp_path / "refusals.json"
    log = RefusalLog(path, keep_questions=True, max_questions=3, clock=Clock(DAY1))
    for n in range(5):
        log.record(f"question {n}", refusal(f"question {n}"))
    data = load_log(path)
    assert [q.question for q in data.questions] == ["question 2", "question 3", "question 4"]
    assert data.questions_dropped == 2 and data.counts[DAY1.date()] == {"no_evidence": 5}
    with pytest.raises(ValueError, match="got 0"):
        RefusalLog(path, max_questions=0)


# --- atomic writes and bad files ------------------------------------------------------------------------------

@pytest.mark.parametrize("fails", ["replace", "fsync"])
def test_a_write_that_fails_midway_leaves_the_old_file_whole(tmp_path, monkeypatch, caplog, fails):
    path = tmp_path / "refusals.json"
    log = RefusalLog(path, clock=Clock(DAY1))
    log.record("q", refusal("q"))
    before = path.read_bytes()

    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(refusals.os, fails, broken)
    for _ in range(3):
        log.record("q", refusal("q"))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refusals.json"]  # no temporary file left behind
    assert len(warnings_from(caplog)) == 1 and "No space left" in warnings_from(caplog)[0].getMessage()
    monkeypatch.undo()
    log.record("q", refusal("q"))  # the disk has room again: every refusal counted in memory is written
    assert load_log(path).counts[DAY1.date()] == {"no_evidence": 5}


def test_a_corrupt_file_is_moved_aside_not_overwritten(tmp_path, caplog):
    path = tmp_path / "refusals.json"
    path.write_text('{"counts": {"2026-03-01": {"no_evidence": "many"}}}')
    log = RefusalLog(path, clock=Clock(DAY2))
    log.record("q", refusal("q"))
    aside = list(tmp_path.glob("refusals.json.bad-*"))
    assert [p.name for p in aside] == ["refusals.json.bad-20260302T003000Z"]
    assert aside[0].read_text() == '{"counts": {"2026-03-01": {"no_evidence": "many"}}}'
    assert load_log(path).counts == {DAY2.date(): {"no_evidence": 1}}
    assert len(warnings_from(caplog)) == 1 and "moved to" in warnings_from(caplog)[0].getMessage()


def test_a_bad_file_that_cannot_be_moved_aside_is_never_overwritten(tmp_path, monkeypatch, caplog):
    path = tmp_path / "refusals.json"
    path.write_text("{not json")
    real_replace = os.replace

    def replace(src, dst):
        if Path(src) == path:  # the move aside fails; writing a temporary file over it would not
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(refusals.os, "replace", replace)
    log = RefusalLog(path, clock=Clock(DAY1))
    for _ in range(3):
        log.record("q", refusal("q"))
    assert path.read_text() == "{not json" and sorted(p.name for p in tmp_path.iterdir()) == ["refusals.json"]
    assert log.snapshot().counts == {DAY1.date(): {"no_evidence": 3}}
    assert len(warnings_from(caplog)) == 1 and "left as it is" in warnings_from(caplog)[0].getMessage()


def test_a_directory_in_place_of_the_file_is_left_alone(tmp_path, caplog):
    path = tmp_path / "refusals.json"
    path.mkdir()
    log = RefusalLog(path, clock=Clock(DAY1))
    for _ in range(5):
        log.record("q", refusal("q"))
    assert path.is_dir() and list(tmp_path.iterdir()) == [path]
    assert log.snapshot().counts == {DAY1.date(): {"no_evidence": 5}}  # counted in memory
    assert len(warnings_from(caplog)) == 1


# --- serving --------------------------------------------------------------------------------------------------

def always_refusing(indexed, log_path: Path, **overrides):
    """A client whose answerer refuses everything (the sentence picker with an unreachable threshold)."""
    return make_client(indexed, answerer="extractive", abstain_threshold=1e9, record_refusals=log_path, **overrides)


@pytest.mark.parametrize("unwritable", ["parent is a file", "directory in place of the file"])
def test_requests_served_while_the_log_is_unwritable_with_one_warning(indexed, tmp_path, caplog, unwritable):
    if unwritable == "parent is a file":
        (tmp_path / "not-a-folder").write_text("")
        path = tmp_path / "not-a-folder" / "refusals.json"
    else:
        path = tmp_path / "refusals.json"
        path.mkdir()
    caplog.set_level(logging.INFO)
    with always_refusing(indexed, path) as client:
        replies = [client.post("/api/ask", json={"question": f"How many arrests were made in town {n}?"})
                   for n in range(20)]
        service = client.app.state.service
    assert [r.status_code for r in replies] == [200] * 20
    assert all(r.json()["abstained"] for r in replies)
    assert len(warnings_from(caplog)) == 1, [r.getMessage() for r in warnings_from(caplog)]
    counts = service.recorder.snapshot().counts.values()  # counted in memory
    assert sum(n for by_reason in counts for n in by_reason.values()) == 20


def test_served_refusals_are_logged_but_not_the_warm_up(indexed, tmp_path):
    path = tmp_path / "refusals.json"
    with always_refusing(indexed, path, record_questions=True) as client:
        assert not path.exists()  # the warm-up question is nobody's
        assert client.post("/api/ask", json={"question": "Who painted the zebra crossing?"}).status_code == 200
        assert client.get("/", params={"q": "Who painted the zebra crossing?"}).status_code == 200
    data = load_log(path)
    assert sum(sum(r.values()) for r in data.counts.values()) == 2
    assert [q.question for q in data.questions] == ["Who painted the zebra crossing?"] * 2
    assert data.questions[0].releases  # the nearest releases it cited
    assert b"warm up" not in path.read_bytes()


# --- the CLI --------------------------------------------------------------------------------------------------

@pytest.fixture
def kept_log(tmp_path) -> Path:
    path = tmp_path / "refusals.json"
    log = RefusalLog(path, keep_questions=True, clock=Clock(DAY1))
    for q in ("How many arrests in Watford?", "How many arrests in Watford?"):
        log.record(q, refusal(q, "constraint_missing"))
    log.record("Who is the PCC's deputy?", refusal("Who is the PCC's deputy?", "wrong_type", releases=("jps",)))
    return path


def test_qa_refusals_table(kept_log):
    result = CliRunner().invoke(app, ["refusals", str(kept_log)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()

    def cells(first: str) -> list[str]:
        row = next(line for line in lines if line.strip("┃│ ").startswith(first))
        return [c.strip() for c in row.replace("┃", "│").split("│")[1:-1]]

    assert cells("day") == ["day", "wrong_type", "constraint_missing", "total"]
    assert cells("2026-03-01") == ["2026-03-01", "1", "2", "3"]
    assert cells("total") == ["total", "1", "2", "3"]
    assert "2 × How many arrests in Watford?" in result.output
    assert result.output.index("Title of hotspot") < result.output.index("Title of jps")  # most asked first


def test_qa_refusals_json_and_default_file(kept_log, monkeypatch):
    monkeypatch.setenv("QA_RECORD_REFUSALS", str(kept_log))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["refusals", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["total"] == 3 and body["by_reason"] == {"wrong_type": 1, "constraint_missing": 2}
    assert body["days"] == [{"day": "2026-03-01", "total": 3, "by_reason": {"constraint_missing": 2, "wrong_type": 1}}]
    assert [(g["release_id"], g["count"]) for g in body["by_release"]] == [("hotspot", 2), ("jps", 1)]


@pytest.mark.parametrize("content, words", [(None, "no refusal log at"), ("{not json", "is not a refusal log"),
                                            ('{"counts": []}', "is not a refusal log")])
def test_qa_refusals_missing_or_corrupt_file_is_one_line(tmp_path, content, words):
    path = tmp_path / "refusals.json"
    if content is not None:
        path.write_text(content)
    result = CliRunner().invoke(app, ["refusals", str(path)])
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_serve_options_set_the_settings(tmp_path, monkeypatch):
    import uvicorn

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(app))
    monkeypatch.setenv("OMP_NUM_THREADS", os.environ.get("OMP_NUM_THREADS", "1"))
    monkeypatch.setenv("MALLOC_ARENA_MAX", os.environ.get("MALLOC_ARENA_MAX", "2"))
    monkeypatch.delenv("QA_RECORD_REFUSALS", raising=False)
    monkeypatch.delenv("QA_RECORD_QUESTIONS", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        path = tmp_path / "refusals.json"
        result = runner.invoke(app, ["serve", "--record-refusals", str(path), "--record-questions"])
        assert result.exit_code == 0, result.output
        settings = served[-1].state.settings
        assert settings.record_refusals == path.resolve() and settings.record_questions is True
        assert "with the question text" in result.output
        result = runner.invoke(app, ["serve", "--record-refusals", str(path)])
        assert served[-1].state.settings.record_questions is False and "no question text" in result.output
        result = runner.invoke(app, ["serve", "--record-questions"])
        assert result.exit_code == 2 and "--record-refusals FILE" in result.output and len(served) == 2
    finally:
        get_settings.cache_clear()
