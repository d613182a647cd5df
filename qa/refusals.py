"""The refusal log: how many questions the releases could not answer, by day and reason.

``qa serve --record-refusals FILE`` (``QA_RECORD_REFUSALS``) gives the service a
``RefusalLog``; ``Service.ask`` hands it every refused answer. What it keeps:

* always, per day and reason, how many questions were refused. The day is the **UTC** date,
  so a log reads the same whatever the server's time zone and a clock change never splits
  a day. The reason is the answer's (``no_evidence``, ``wrong_type``, ``constraint_missing``,
  ``below_threshold``), or ``unspecified`` from an answerer that gives none (the sentence
  picker);
* only with ``keep_questions`` (``--record-questions``, a privacy choice: people type names,
  addresses and crimes into questions), the question text (at most 1,000 characters), its
  day and reason, and the releases its answer cited (the nearest ones, at most three), for
  the newest ``max_questions`` (1,000) refusals; older ones are dropped and counted in
  ``questions_dropped``. Questions a file already holds stay in it when a later server runs
  without ``keep_questions`` (no new ones are added); deleting the file forgets them.

The file is JSON (``RefusalFile``), rewritten after every refusal: the state is
serialised under a lock, then written to a temporary file in the same folder, fsynced and
moved over the old one with ``os.replace``, so a crash at any point leaves the old file or
the new one, never half of one. Concurrent refusals share a write (a writer skips when a
newer state is already on disk). One process per file: two servers on one file would
overwrite each other's counts.

Nothing here raises into a request. A file that cannot be written (permissions, a full
disk, a missing folder) logs one warning; counting goes on in memory and every later
refusal tries again (one info line when it works again). An existing file that cannot be
read as a refusal log is moved aside to ``FILE.bad-<UTC time>`` with a warning and the
count starts from zero; when it cannot be moved (or is not a regular file), it is left
as it is and the counts stay in memory only.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Literal, Protocol, get_args

from pydantic import BaseModel, NonNegativeInt, ValidationError

from qa.answer import Answer, Reason
from qa.errors import QaError
from qa.files import write_atomically

log = logging.getLogger("qa.refusals")

FORMAT = "qa-refusals/1"
UNSPECIFIED = "unspecified"
REASONS = (*get_args(Reason), UNSPECIFIED)
MAX_QUESTION_CHARS = 1_000
NEAREST_RELEASES = 3


class CitedRelease(BaseModel):
    release_id: str
    title: str


class KeptQuestion(BaseModel):
    day: date
    reason: str
    question: str
    releases: list[CitedRelease] = []


class RefusalFile(BaseModel):
    """What the log file holds."""

    format: Literal["qa-refusals/1"] = FORMAT
    timezone: Literal["UTC"] = "UTC"
    counts: dict[date, dict[str, NonNegativeInt]] = {}
    questions: list[KeptQuestion] = []
    questions_dropped: NonNegativeInt = 0


class Recorder(Protocol):
    """What ``Service.ask`` needs of a refusal log: take a refused answer, never raise."""

    def record(self, question: str, answer: Answer) -> None: ...


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class RefusalLog:
    """Counts refusals by UTC day and reason in ``path`` (and keeps the questions when asked to); thread-safe."""

    def __init__(self, path: Path, keep_questions: bool = False, max_questions: int = 1_000,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        if max_questions < 1:
            raise ValueError(f"max_questions must be at least 1, got {max_questions}")
        self.path = Path(path)
        self.keep_questions = keep_questions
        self.max_questions = max_questions
        self._clock = clock
        self._lock = threading.Lock()  # the state
        self._write_lock = threading.Lock()  # the file
        self._version = self._written = 0
        self._failing = False  # a warning was logged; stays quiet until a write works again
        self._writable = True
        self._data = self._open()

    def record(self, question: str, answer: Answer) -> None:
        """Count one refused answer and write the file; a failure is logged (once), never raised."""
        try:
            with self._lock:
                self._add(question, answer)
                self._version += 1
                version, text = self._version, self._data.model_dump_json(indent=1)
            self._write(version, text)
        except Exception:  # a bug here must not cost a user their answer
            with self._write_lock:
                if not self._failing:
                    self._failing = True
                    log.exception("refusal log %s: could not record a refusal", self.path)

    def snapshot(self) -> RefusalFile:
        """A copy of the counts (and questions) as they are now."""
        with self._lock:
            return self._data.model_copy(deep=True)

    def _add(self, question: str, answer: Answer) -> None:
        day = self._clock().astimezone(timezone.utc).date()
        reason = answer.reason or UNSPECIFIED
        by_reason = self._data.counts.setdefault(day, {})
        by_reason[reason] = by_reason.get(reason, 0) + 1
        if not self.keep_questions:
            return
        releases: dict[str, CitedRelease] = {}
        for c in answer.citations:
            releases.setdefault(c.release_id, CitedRelease(release_id=c.release_id, title=c.title))
        kept = self._data.questions
        kept.append(KeptQuestion(day=day, reason=reason, question=question[:MAX_QUESTION_CHARS],
                                 releases=list(releases.values())[:NEAREST_RELEASES]))
        if len(kept) > self.max_questions:
            self._data.questions_dropped += len(kept) - self.max_questions
            del kept[:-self.max_questions]

    def _write(self, version: int, text: str) -> None:
        with self._write_lock:
            if not self._writable or version <= self._written:
                return
            try:
                write_atomically(self.path, text)
            except OSError as exc:
                if not self._failing:
                    self._failing = True
                    log.warning("refusal log %s cannot be written (%s): counting in memory, trying again "
                                "with each refusal", self.path, exc)
                return
            self._written = version
            if self._failing:
                self._failing = False
                log.info("refusal log %s is written again", self.path)

    def _open(self) -> RefusalFile:
        """The counts already in the file, or fresh ones (see the module docstring for a bad file)."""
        try:
            return read_file(self.path)
        except (FileNotFoundError, NotADirectoryError):
            return RefusalFile()
        except (OSError, ValueError) as exc:
            problem = exc
        self._failing = True  # this warning is the one for this log
        aside = self.path.with_name(f"{self.path.name}.bad-{self._clock():%Y%m%dT%H%M%SZ}")
        try:
            if not self.path.is_file():
                raise IsADirectoryError(f"{self.path} is not a regular file")
            os.replace(self.path, aside)
        except OSError as exc:
            self._writable = False
            log.warning("refusal log %s cannot be read (%s) nor moved aside (%s): left as it is; counting "
                        "from zero in memory only", self.path, problem, exc)
        else:
            self._failing = False
            log.warning("refusal log %s cannot be read (%s): moved to %s; counting from zero", self.path,
                        problem, aside.name)
        return RefusalFile()


def read_file(path: Path) -> RefusalFile:
    """The log in ``path``; OSError when it cannot be read, ValueError (ValidationError) when it is no log."""
    return RefusalFile.model_validate_json(Path(path).read_bytes())


def load_log(path: Path) -> RefusalFile:
    """The log in ``path`` for ``qa refusals``; QaError with a one-line message when it is missing or bad."""
    try:
        return read_file(path)
    except (FileNotFoundError, NotADirectoryError):
        raise QaError(f"no refusal log at {path}: `qa serve --record-refusals {path}` writes one") from None
    except OSError as exc:
        raise QaError(f"cannot read the refusal log {path}: {exc.strerror or exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "the file"
        raise QaError(f"{path} is not a refusal log ({where}: {first.get('msg', 'invalid')})") from None


def _same(question: str) -> str:
    return " ".join(question.split()).casefold()


def summarize(data: RefusalFile) -> dict:
    """Counts per day and reason with totals, and the kept questions grouped by their nearest release.

    A question's nearest release is the first its refusal cited; groups and the questions in
    each are most-asked first (questions the same but for case and spaces count as one)."""
    reasons = Counter()
    days = []
    for day in sorted(data.counts):
        by_reason = {r: n for r, n in data.counts[day].items() if n}
        reasons.update(by_reason)
        days.append({"day": day.isoformat(), "total": sum(by_reason.values()), "by_reason": by_reason})
    groups: dict[str | None, dict] = {}
    for q in data.questions:
        nearest = q.releases[0] if q.releases else None
        key = nearest.release_id if nearest else None
        group = groups.setdefault(key, {"release_id": key, "title": nearest.title if nearest else None,
                                        "count": 0, "questions": {}})
        group["count"] += 1
        asked = group["questions"].setdefault(_same(q.question), {"question": q.question, "count": 0})
        asked["count"] += 1
    by_release = sorted(groups.values(), key=lambda g: (-g["count"], g["release_id"] or "\uffff"))
    for g in by_release:
        g["questions"] = sorted(g["questions"].values(), key=lambda a: (-a["count"], a["question"]))
    order = [r for r in REASONS if r in reasons] + sorted(set(reasons) - set(REASONS))
    return {"total": sum(reasons.values()), "by_reason": {r: reasons[r] for r in order}, "days": days,
            "questions_kept": len(data.questions), "questions_dropped": data.questions_dropped,
            "by_release": by_release}


def summary_tables(summary: dict) -> list:
    """The summary as rich tables: counts per day and reason; kept questions by nearest release."""
    from rich.markup import escape
    from rich.table import Table

    reasons = list(summary["by_reason"])
    counts = Table(title="refusals per day (UTC)", show_footer=True)
    counts.add_column("day", footer="total")
    for r in reasons:
        counts.add_column(escape(r), justify="right", footer=str(summary["by_reason"][r]))
    counts.add_column("total", justify="right", footer=str(summary["total"]))
    for d in summary["days"]:
        counts.add_row(d["day"], *(str(d["by_reason"].get(r, 0)) for r in reasons), str(d["total"]))
    tables = [counts]
    if summary["by_release"]:
        kept = Table(title=f"kept questions by nearest release ({summary['questions_kept']} kept, "
                           f"{summary['questions_dropped']} dropped)")
        kept.add_column("release")
        kept.add_column("asked", justify="right")
        kept.add_column("questions")
        for g in summary["by_release"]:
            name = (f"{escape(g['title'])}\n[dim]{escape(g['release_id'])}[/dim]" if g["release_id"]
                    else "[dim](none cited)[/dim]")
            lines = "\n".join((f"{a['count']} × " if a["count"] > 1 else "") + escape(a["question"])
                              for a in g["questions"])
            kept.add_row(name, str(g["count"]), lines)
        tables.append(kept)
    return tables
