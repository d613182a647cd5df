"""What the question page offers besides the box: example questions and the sources to filter by.

Both come from the live snapshot (and the corpus folder's ``questions.jsonl`` when there is
one) and are worked out once per snapshot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from qa.snapshot import Snapshot


@dataclass(frozen=True)
class Catalog:
    areas: list[str]
    files: list[str]
    examples: list[str]


_cache: dict[tuple[str, str], Catalog] = {}


def catalog_for(snapshot: Snapshot, corpus_dir: Path, examples: int = 4) -> Catalog:
    key = (str(snapshot.path), str(corpus_dir))
    if key not in _cache:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = _build(snapshot, corpus_dir, examples)
    return _cache[key]


def _column(snapshot: Snapshot, sql: str) -> list[str]:
    with snapshot.store.lock:
        return [row[0] for row in snapshot.store.db.execute(sql).fetchall()]


def _build(snapshot: Snapshot, corpus_dir: Path, n: int) -> Catalog:
    areas = _column(snapshot, "SELECT DISTINCT area FROM releases WHERE area IS NOT NULL AND area != '' "
                              "ORDER BY area LIMIT 200")
    files = _column(snapshot, "SELECT DISTINCT source FROM releases ORDER BY source LIMIT 200")
    return Catalog(areas, files, _examples(snapshot, corpus_dir, n))


def _examples(snapshot: Snapshot, corpus_dir: Path, n: int) -> list[str]:
    """The shortest answerable sample question of each of the first ``n`` releases that have one;
    without sample questions, the titles of the newest releases."""
    best: dict[str, str] = {}
    path = corpus_dir / "questions.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    except (OSError, UnicodeDecodeError):
        lines = []
    for line in lines:
        try:
            item = json.loads(line)
            question, ids = item["question"], item.get("release_ids") or []
        except (ValueError, KeyError, TypeError):
            continue
        if not isinstance(question, str) or not ids or not isinstance(ids[0], str):
            continue
        if ids[0] not in best and len(best) >= n:
            continue
        if snapshot.store.release(ids[0]) is None:
            continue
        if ids[0] not in best or len(question) < len(best[ids[0]]):
            best[ids[0]] = question
    if best:
        return list(best.values())[:n]
    return [r.title for r in snapshot.store.releases(0, n)]
