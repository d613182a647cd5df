"""The SQLite side of an index snapshot: releases, chunks, and BM25 over chunks (FTS5).

Chunk ids are the row numbers of the vectors in the FAISS index. The full-text index uses
FTS5's ``porter unicode61`` tokenizer and its built-in BM25 ranking over the chunk text
and the release title. It is always built: the ``--explain`` trace counts words with it
(``term_counts``, ``releases_containing``), and it is the ``fts5`` keyword index of
:mod:`qa.keywords` (``QA_KEYWORD_INDEX=fts5``); the default keyword index is tantivy.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.chunks import Chunk
from qa.releases import Release

SCHEMA = """
CREATE TABLE releases (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, published TEXT, url TEXT, area TEXT,
    source TEXT NOT NULL, body TEXT NOT NULL, body_hash TEXT NOT NULL, date_source TEXT
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, release_id TEXT NOT NULL REFERENCES releases(id), seq INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX chunks_release ON chunks(release_id, seq);
CREATE INDEX releases_published ON releases(published);
CREATE VIRTUAL TABLE chunks_fts USING fts5(
    title, text, content='chunks', content_rowid='id', tokenize='porter unicode61'
);
"""

# Words that carry no evidence in a question; left out of the BM25 query.
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she should
so some such than that the their theirs them themselves then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you your
yours yourself yourselves many much did does tell say said
""".split())


@dataclass(frozen=True)
class Filters:
    """Restricts retrieval to releases published in [since, until] and/or from a source or area. With
    ``undated``, the date bounds also let through releases that have no date (a question's own time reads so:
    nothing rules an undated release out, :mod:`qa.timeframe`); without it, as a user's filters, they don't."""

    since: str | None = None
    until: str | None = None
    source: str | None = None
    undated: bool = False
    year: str | None = None  # the date bounds also let through a release whose text names this year ("2024/25")

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.source)

    def where(self) -> tuple[str, list]:
        clauses, args = [], []
        dates = []
        if self.since:
            dates.append("r.published >= ?")
            args.append(self.since)
        if self.until:
            dates.append("r.published <= ?")
            args.append(self.until)
        if dates:
            joined = " AND ".join(dates)
            if self.year:  # a release of 2026 that compares with 2024 ("from 131 in 2024") reports on 2024 too
                joined = f"({joined}) OR instr(r.body, ?) > 0"
                args.append(self.year)
            clauses.append(f"(r.published IS NULL OR ({joined}))" if self.undated else f"({joined})")
        if self.source:
            clauses.append("(lower(r.area) = lower(?) OR r.source LIKE ? ESCAPE '\\')")
            escaped = self.source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args += [self.source, f"%{escaped}%"]
        return (" AND ".join(clauses) or "1"), args


def query_words(question: str) -> list[str]:
    """The question's content words, lowercased, once each, in order: what every keyword index ORs together."""
    words = re.findall(r"[\w]+", question.lower())
    return list(dict.fromkeys(w for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())))


def fts_query(question: str) -> str:
    """An FTS5 OR-query of the question's content words, each quoted (no FTS syntax leaks in)."""
    return " OR ".join(f'"{w}"' for w in query_words(question))


class Store:
    """One snapshot's SQLite database. Safe to share between threads (one lock)."""

    def __init__(self, path: Path, readonly: bool = True) -> None:
        self.path = path
        uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.lock = threading.Lock()

    @classmethod
    def create(cls, path: Path) -> Store:
        store = cls(path, readonly=False)
        store.db.executescript(SCHEMA)
        return store

    def close(self) -> None:
        self.db.close()

    @cached_property
    def _date_source(self) -> str:
        """The releases' date_source column, or NULL in a snapshot built before it existed (still readable)."""
        columns = {r[1] for r in self._all("PRAGMA table_info(releases)")}
        return "r.date_source" if "date_source" in columns else "NULL"

    def _all(self, sql: str, args: Sequence = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    # --- writing (only while building a snapshot) ---

    def add(self, releases: Iterable[Release], chunks: Iterable[Chunk], first: int = 0) -> None:
        """Store ``releases`` and ``chunks``, the chunks numbered from ``first``. An ingest adds batch after
        batch, then calls :meth:`index_words` once."""
        with self.db:
            self.db.executemany(
                "INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(r.id, r.title, r.published, r.url, r.area, r.source, r.body, r.body_hash, r.date_source)
                 for r in releases])
            self.db.executemany(
                'INSERT INTO chunks (id, release_id, seq, start, "end", title, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
                [(i, c.release_id, c.seq, c.start, c.end, c.title, c.text) for i, c in enumerate(chunks, first)])

    def index_words(self) -> None:
        """Build the FTS5 word index over every chunk added."""
        with self.db:
            self.db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")

    def chunk_texts(self) -> Iterator[tuple[int, str, str]]:
        """Every chunk's (id, title, text) in id order, read as it goes (for the keyword index)."""
        for row in self.db.execute("SELECT id, title, text FROM chunks ORDER BY id"):
            yield int(row[0]), row[1], row[2]

    # --- reading ---

    def counts(self) -> tuple[int, int]:
        rows = self._all("SELECT (SELECT count(*) FROM releases), (SELECT count(*) FROM chunks)")
        return int(rows[0][0]), int(rows[0][1])

    def release(self, release_id: str) -> Release | None:
        rows = self._all("SELECT * FROM releases WHERE id = ?", (release_id,))
        return _release(rows[0]) if rows else None

    def each_release(self, ids: Sequence[str], batch: int = 500) -> Iterator[Release]:
        """The releases with these ids (those the store has), read ``batch`` at a time."""
        for lo in range(0, len(ids), batch):
            part = ids[lo:lo + batch]
            yield from map(_release, self._all(f"SELECT * FROM releases WHERE id IN ({','.join('?' * len(part))})",
                                               part))

    def releases(self, offset: int = 0, limit: int = 50) -> list[Release]:
        rows = self._all("SELECT * FROM releases ORDER BY published DESC, id LIMIT ? OFFSET ?", (limit, offset))
        return [_release(r) for r in rows]

    def release_hashes(self) -> dict[str, tuple[str, str, str | None, str | None, str]]:
        rows = self._all("SELECT id, body_hash, title, published, url, source FROM releases")
        return {r["id"]: (r["body_hash"], r["title"], r["published"], r["url"], r["source"]) for r in rows}

    def count_dated(self, filters: Filters) -> int:
        """How many releases that have a date ``filters`` allow."""
        where, args = filters.where()
        return int(self._all(f"SELECT count(*) FROM releases r WHERE r.published IS NOT NULL AND {where}", args)[0][0])

    def chunks(self, ids: Sequence[int]) -> dict[int, sqlite3.Row]:
        if not len(ids):
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._all(
            f'SELECT c.id, c.release_id, c.seq, c.start, c."end", c.text, r.title, r.published, r.url, '
            f"r.source, r.area, {self._date_source} AS date_source FROM chunks c JOIN releases r ON r.id = c.release_id WHERE c.id IN ({marks})",
            [int(i) for i in ids])
        return {int(r["id"]): r for r in rows}

    def chunks_of(self, release_id: str) -> list[sqlite3.Row]:
        return self._all('SELECT id, seq, start, "end", text FROM chunks WHERE release_id = ? ORDER BY seq',
                         (release_id,))

    def allowed_ids(self, filters: Filters) -> np.ndarray:
        where, args = filters.where()
        rows = self._all(f"SELECT c.id FROM chunks c JOIN releases r ON r.id = c.release_id WHERE {where}", args)
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def bm25(self, question: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(chunk id, BM25 score; higher is better) of the ``k`` best chunks for ``question``, among the ``allowed``
        chunk ids only when given (``allowed_ids`` of the filters)."""
        query = fts_query(question)
        if not query or (allowed is not None and not len(allowed)):
            return []
        if allowed is not None:  # "+rowid": a test on each match; bare rowid would run the MATCH once per allowed id
            rows = self._all("SELECT rowid, -bm25(chunks_fts, 0.5, 1.0) FROM chunks_fts WHERE chunks_fts MATCH ? "
                             "AND +rowid IN (SELECT value FROM json_each(?)) ORDER BY bm25(chunks_fts, 0.5, 1.0) "
                             "LIMIT ?", (query, json.dumps(np.asarray(allowed).tolist()), k))
        else:
            rows = self._all("SELECT rowid, -bm25(chunks_fts, 0.5, 1.0) FROM chunks_fts WHERE chunks_fts MATCH ? "
                             "ORDER BY bm25(chunks_fts, 0.5, 1.0) LIMIT ?", (query, k))
        return [(int(r[0]), float(r[1])) for r in rows]

    def term_counts(self, words: Sequence[str], filters: Filters | None = None) -> dict[str, int]:
        """How many chunks (of the releases ``filters`` allow) hold each word, as FTS5 stems it: 0 means
        nowhere."""
        where, args = filters.where() if filters else ("1", [])
        out = {}
        for w in words:
            tokens = re.findall(r"\w+", w.lower())
            query = '"' + " ".join(tokens) + '"' if tokens else ""  # a phrase: "covid-19" is covid next to 19
            out[w] = int(self._all("SELECT count(*) FROM chunks_fts f JOIN chunks c ON c.id = f.rowid JOIN releases r "
                                   f"ON r.id = c.release_id WHERE chunks_fts MATCH ? AND {where}",
                                   [query, *args])[0][0]) if query else 0
        return out

    def releases_containing(self, text: str, limit: int = 50, filters: Filters | None = None) -> list[str]:
        """Ids of releases (those ``filters`` allow) whose body or title holds ``text`` (case, spaces and commas
        aside): FTS5 finds those with all its words, then the text itself is looked for."""
        words = [w for w in re.findall(r"\w+", text.lower())]
        if not words:
            return []
        query = " AND ".join(f'"{w}"' for w in dict.fromkeys(words))
        where, args = filters.where() if filters else ("1", [])
        rows = self._all("SELECT DISTINCT c.release_id FROM chunks_fts f JOIN chunks c ON c.id = f.rowid "
                         f"JOIN releases r ON r.id = c.release_id WHERE chunks_fts MATCH ? AND {where} LIMIT 1000",
                         [query, *args])
        want = squash(text)
        out = []
        for r in rows:
            release = self.release(r[0])
            if release and want in squash(f"{release.title}\n{release.body}"):
                out.append(release.id)
                if len(out) >= limit:
                    break
        return out


def squash(text: str) -> str:
    return re.sub(r"[\s,]+", " ", text.lower()).strip()


def _release(row: sqlite3.Row) -> Release:
    return Release(id=row["id"], title=row["title"], body=row["body"], source=row["source"],
                   published=row["published"], url=row["url"], area=row["area"],
                   date_source=row["date_source"] if "date_source" in row.keys() else None)
