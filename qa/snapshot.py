"""The index folder: immutable snapshots, published by an atomic symlink swap.

Layout of ``QA_INDEX_DIR``::

    current -> snapshots/<build id>   the live snapshot (a symlink, swapped atomically)
    snapshots/<build id>/             manifest.json, vectors.faiss, qa.sqlite, keywords/
    cache.sqlite                      embedding cache, keyed by model and chunk text

A build writes a new snapshot folder under a ``.tmp`` name, renames it when complete,
then replaces ``current`` with ``os.replace`` (one atomic rename). A crash at any point
leaves ``current`` pointing at the previous, whole snapshot; leftover ``.tmp`` folders are
removed by the next build, and so is a ``current.<pid>.tmp`` link left by a build killed
at the swap. The previous snapshot is kept, so a server still reading it keeps answering
until it notices the swap and reloads. ``keywords/`` is the tantivy keyword index
(:mod:`qa.keywords`), absent when the manifest's ``keyword_index`` is ``fts5`` (that one
is a table in ``qa.sqlite``, there in every snapshot).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from qa import keywords
from qa.errors import IndexIncompatible, IndexMissing
from qa.index import FaissIndex
from qa.store import Store

FORMAT = 1


@dataclass
class Manifest:
    model: str
    dim: int
    index_type: str
    releases: int
    chunks: int
    corpus_fingerprint: str
    built_at: str
    chunk_tokens: int
    nprobe: int | None = None
    keyword_index: str = "fts5"  # what a snapshot written before keyword indexes were chosen holds
    chunk_overlap: int = 1  # sentences; what a snapshot written before the overlap was a setting holds
    format: int = FORMAT

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text())
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2))


def current_dir(index_dir: Path) -> Path | None:
    link = index_dir / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / "manifest.json").exists() else None


class Snapshot:
    """A loaded snapshot: manifest, SQLite store, vector index and keyword index."""

    def __init__(self, path: Path, manifest: Manifest, store: Store, index: FaissIndex,
                 keyword_index: keywords.KeywordIndex | None = None) -> None:
        self.path = path
        self.manifest = manifest
        self.store = store
        self.index = index
        self.keywords = keyword_index or keywords.Fts5Keywords(store)

    @classmethod
    def open(cls, index_dir: Path, model: str | None = None, dim: int | None = None) -> Snapshot:
        path = current_dir(index_dir)
        if path is None:
            raise IndexMissing(f"no index in {index_dir}: run `qa ingest` to build one")
        manifest = Manifest.read(path / "manifest.json")
        if manifest.format != FORMAT:
            raise IndexIncompatible(f"the index in {index_dir} has format {manifest.format}, this qa reads "
                                    f"format {FORMAT}: run `qa ingest` to rebuild it")
        if model is not None and manifest.model != model:
            raise IndexIncompatible(f"the index was built with model {manifest.model!r} but QA_MODEL is {model!r}: "
                                    f"run `qa ingest` to re-embed the corpus with the new model")
        index = FaissIndex.load(path / "vectors.faiss")
        if index.nprobe and manifest.nprobe:
            index.set_nprobe(manifest.nprobe)
        if dim is not None and index.dim != dim:
            raise IndexIncompatible(f"the index has {index.dim}-dimensional vectors but the model makes {dim}: "
                                    f"run `qa ingest` to re-embed the corpus")
        store = Store(path / "qa.sqlite")
        try:
            keyword_index = keywords.open_index(manifest.keyword_index, path, store, manifest.chunks)
        except BaseException:
            store.close()
            raise
        return cls(path, manifest, store, index, keyword_index)

    def close(self) -> None:
        self.keywords.close()
        self.store.close()


def new_build_dir(index_dir: Path) -> Path:
    snapshots = index_dir / "snapshots"
    snapshots.mkdir(parents=True, exist_ok=True)
    for stale in snapshots.glob("*.tmp"):  # left by a build that died
        shutil.rmtree(stale, ignore_errors=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    path = snapshots / f"{stamp}.tmp"
    path.mkdir()
    return path


def publish(index_dir: Path, build: Path) -> Path:
    """Make the finished ``build`` folder the live snapshot, atomically; keep one previous."""
    for f in build.rglob("*"):
        _fsync(f)
    final = build.with_suffix("")
    os.rename(build, final)
    _fsync(final.parent)
    previous = current_dir(index_dir)
    # A build killed between making its link and the swap leaves a current.<pid>.tmp link behind.
    # Ingest publishes under its lock (.ingest.lock), so no other build is between those steps now.
    for stale in index_dir.glob("current.*.tmp"):
        if stale.is_symlink():
            stale.unlink(missing_ok=True)
    tmp_link = index_dir / f"current.{os.getpid()}.tmp"
    os.symlink(Path("snapshots") / final.name, tmp_link)
    os.replace(tmp_link, index_dir / "current")
    _fsync(index_dir)
    keep = {final.name, previous.name if previous else None}
    for old in (index_dir / "snapshots").iterdir():
        if old.name not in keep and not old.name.endswith(".tmp"):
            shutil.rmtree(old, ignore_errors=True)
    return final


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
