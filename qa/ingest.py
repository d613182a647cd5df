"""corpus → releases → chunks → vectors → index: one ingest run, incremental and atomic.

``qa ingest [PATH ...]`` re-reads the given paths (default: the corpus folder). Releases
whose source file lies under a given path are added, updated or removed to match what
is there now; releases from other sources already in the index are kept as they are, so
ingesting one new folder never drops what was indexed before. Only chunks whose text
(with its title) is new to the model are embedded; the rest come from the cache. The
keyword index (``QA_KEYWORD_INDEX``, :mod:`qa.keywords`) is rebuilt from all the chunks
each time, like the vector index. Releases are chunked, stored and embedded a batch at a
time (``QA_INGEST_BATCH``, :func:`fill_snapshot`), so memory holds one batch's chunks and
vectors, never the corpus's. The new snapshot is published atomically (see
:mod:`qa.snapshot`).
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from qa import keywords
from qa.chunks import Chunker, chunking_key
from qa.errors import QaError
from qa.index import FaissIndex, exact_path
from qa.releases import LoadReport, Release, corpus_files, read_corpus, real_path
from qa.settings import Settings
from qa.snapshot import Manifest, current_dir, new_build_dir, publish
from qa.store import Store
from qa.vectors import EmbeddingCache, Embedder, embed_with_cache


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    releases: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    up_to_date: bool = False


def corpus_fingerprint(paths: Sequence[Path], settings: Settings) -> str:
    """Changes when any file's content, the file set, the model or the chunking changes."""
    h = hashlib.sha1(chunking_key(settings.model, settings.chunk_tokens, settings.chunk_overlap).encode())
    for path in corpus_files(paths):
        try:
            h.update(str(path).encode() + b"\0" + hashlib.sha1(path.read_bytes()).digest())
        except OSError:
            h.update(str(path).encode() + b"\0unreadable")
    return h.hexdigest()


def is_stale(settings: Settings) -> bool:
    path = current_dir(settings.index_dir)
    if path is None:
        return True
    manifest = Manifest.read(path / "manifest.json")
    return (manifest.corpus_fingerprint != corpus_fingerprint([settings.corpus_dir], settings)
            or manifest.keyword_index != settings.keyword_index)


def _under(source: str, roots: Sequence[Path], corpus_dir: Path) -> bool:
    p = real_path(Path(source) if Path(source).is_absolute() else corpus_dir / source)
    return any(p == r or r in p.parents for r in (r.resolve() for r in roots))


def ingest(settings: Settings, embedder: Embedder, paths: Sequence[Path] | None = None,
           progress=None, rebuild: bool = False) -> IngestReport:
    """Build and publish a new snapshot from ``paths``; returns what changed.

    With ``rebuild``, the snapshot holds only what ``paths`` give: releases indexed from
    other sources are dropped (for an index whose release store cannot be read).
    """
    started = time.perf_counter()
    roots = list(paths) if paths else [settings.corpus_dir]
    keywords.check_kind(settings.keyword_index)  # before hours of embedding, not after
    for root in roots:
        if not root.exists():
            raise QaError(f"{root} does not exist: give a corpus folder or file")
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.index_dir / ".ingest.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise QaError("another `qa ingest` is running on this index; wait for it to finish") from None
        report = _ingest_locked(settings, embedder, roots, progress, rebuild)
    report.seconds = time.perf_counter() - started
    return report


class Spill:
    """The releases an ingest will index, held on disk (SQLite, in the unpublished snapshot folder) while
    it reads its sources, then handed back in (source, id) order, a batch at a time. So an ingest holds
    no release's text beyond one batch, whatever the corpus's size, and the order of the chunks (and so
    of the vectors) does not depend on the order the folders were given or the sources were read in.
    Scratch: written without a journal, removed before the snapshot is published."""

    NAME = "releases.sqlite.tmp"

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.NAME
        self.db = sqlite3.connect(self.path)
        self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                              "CREATE TABLE releases (source TEXT, id TEXT, record TEXT, PRIMARY KEY (source, id))")

    def add(self, releases: Iterable[Release]) -> None:
        rows = ((r.source, r.id, json.dumps(asdict(r))) for r in releases)
        while part := list(itertools.islice(rows, 1000)):
            self.db.executemany("INSERT INTO releases VALUES (?, ?, ?)", part)
        self.db.commit()

    def ordered(self, batch: int) -> Iterator[Release]:
        """Every release added, by (source, id), read ``batch`` at a time (each batch a query of its own)."""
        rows = self.db.execute("SELECT source, id, record FROM releases ORDER BY source, id LIMIT ?",
                               (batch,)).fetchall()
        while rows:
            yield from (Release(**json.loads(record)) for _, _, record in rows)
            rows = self.db.execute("SELECT source, id, record FROM releases WHERE (source, id) > (?, ?) "
                                   "ORDER BY source, id LIMIT ?", (*rows[-1][:2], batch)).fetchall()

    def remove(self) -> None:
        """Close and delete the scratch file; a second call does nothing."""
        self.db.close()
        self.path.unlink(missing_ok=True)


def _previous_releases(settings: Settings, roots: list[Path], spill: Spill) -> tuple[dict[str, tuple], set[str]]:
    """The live snapshot's releases' hashes, and the ids of those from sources outside ``roots``: kept,
    added to ``spill``.

    Read from the snapshot's SQLite store alone, so a damaged or incompatible vector or keyword
    index (which this ingest rebuilds anyway) never makes releases from other folders or sites
    drop out. Only a store that cannot be read stops the ingest, with nothing changed.
    """
    path = current_dir(settings.index_dir)
    if path is None:
        return {}, set()
    try:
        store = Store(path / "qa.sqlite")
        try:
            previous = store.release_hashes()
            kept = {rid for rid, meta in previous.items() if not _under(meta[4], roots, settings.corpus_dir)}
            spill.add(store.each_release(sorted(kept)))
        finally:
            store.close()
    except sqlite3.Error as e:
        raise QaError(f"the releases already indexed ({path / 'qa.sqlite'}) cannot be read ({e}), so nothing was "
                      f"changed: run `qa ingest --rebuild` with every folder and site to index, which builds "
                      f"the index from those alone") from None
    return previous, kept


def _ingest_locked(settings: Settings, embedder: Embedder, roots: list[Path], progress,
                   rebuild: bool = False) -> IngestReport:
    build = new_build_dir(settings.index_dir)
    spill = Spill(build)
    try:
        return _build(settings, embedder, roots, progress, rebuild, build, spill)
    finally:
        spill.remove()


def _build(settings: Settings, embedder: Embedder, roots: list[Path], progress, rebuild: bool, build: Path,
           spill: Spill) -> IngestReport:
    """Read the releases into ``spill``, fill the snapshot folder ``build`` from it, and publish it."""
    previous, kept_ids = ({}, set()) if rebuild else _previous_releases(settings, roots, spill)
    kept_hashes = {previous[rid][0] for rid in kept_ids}
    loaded = LoadReport()
    report = IngestReport(skipped=loaded.skipped, duplicates=loaded.duplicates)
    new_ids: set[str] = set()

    def new_releases() -> Iterator[Release]:
        for r in read_corpus(roots, settings.corpus_dir, loaded, settings.web_dir):
            if r.body_hash in kept_hashes or r.id in kept_ids:
                report.duplicates.append((r.source, r.id))
                continue
            new_ids.add(r.id)
            old = previous.get(r.id)
            if old is None:
                report.added.append(r.id)
            elif old[:4] != (r.body_hash, r.title, r.published, r.url):
                report.updated.append(r.id)
            else:
                report.unchanged += 1
            yield r

    spill.add(new_releases())
    report.removed = sorted(rid for rid in previous if rid not in new_ids and rid not in kept_ids)

    chunker = Chunker.for_embedder(embedder, settings.chunk_tokens, settings.chunk_overlap, settings.splitters)
    cache = EmbeddingCache(settings.index_dir / "cache.sqlite")
    try:
        filled = fill_snapshot(build, spill.ordered(settings.ingest_batch), chunker, embedder, cache,
                               settings.exact_index_max, settings.pq_index_min, settings.keyword_index,
                               settings.ingest_batch, progress)
    finally:
        cache.close()
    spill.remove()  # before publishing: the scratch file is no part of the snapshot
    report.embedded = filled.embedded
    index = filled.index
    Manifest(
        model=embedder.name, dim=embedder.dim, index_type=index.kind, nprobe=index.nprobe,
        keyword_index=settings.keyword_index,
        releases=filled.releases, chunks=filled.chunks,
        corpus_fingerprint=corpus_fingerprint([settings.corpus_dir], settings),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), chunk_tokens=settings.chunk_tokens,
        chunk_overlap=settings.chunk_overlap,
    ).write(build / "manifest.json")
    publish(settings.index_dir, build)
    report.releases, report.chunks = filled.releases, filled.chunks
    return report


# The chunks' vectors, float32 row after row, while a snapshot is built; removed before it is published.
SCRATCH_VECTORS = "vectors.f32.tmp"


@dataclass
class Filled:
    releases: int
    chunks: int
    embedded: int
    index: FaissIndex


def fill_snapshot(build: Path, releases: Iterable[Release], chunker: Chunker, embedder: Embedder,
                  cache: EmbeddingCache | None, exact_max: int, pq_min: int | None, keyword_index: str,
                  batch: int, progress=None) -> Filled:
    """Write ``releases``, their chunks, the vector index and the keyword index into the snapshot folder
    ``build`` (everything but the manifest).

    ``batch`` releases at a time (taken from ``releases`` as it goes, so it may be a stream) are chunked,
    stored and embedded (vectors from ``cache`` where it has them), and their vectors appended to a scratch
    file in ``build``, so the chunks and vectors held at once are one batch's, whatever the corpus's size. The vector index is then built from that file
    (an IVF-PQ index reads it in slices: :meth:`FaissIndex.build_from_file`) and the keyword index from
    the stored chunks. The scratch file (4 bytes × dimensions per chunk: 15 GB for 10M chunks of 384)
    is removed before this returns; a build that dies leaves it in its unpublished folder, which the
    next build removes."""
    store = Store.create(build / "qa.sqlite")
    scratch = build / SCRATCH_VECTORS
    n = embedded = count = 0
    releases = iter(releases)
    try:
        with open(scratch, "wb") as out:
            while part := list(itertools.islice(releases, batch)):
                count += len(part)
                chunks = [c for per in chunker.chunk_batch(part) for c in per]
                store.add(part, chunks, first=n)
                vectors, done = embed_with_cache(embedder, [c.embed_text for c in chunks], cache, progress)
                np.ascontiguousarray(vectors, dtype=np.float32).tofile(out)
                n, embedded = n + len(chunks), embedded + done
        store.index_words()
        keywords.build(keyword_index, build, store.chunk_texts())
    finally:
        store.close()
    index = FaissIndex.build_from_file(scratch, n, embedder.dim, exact_max, pq_min=pq_min,
                                       exact_path=exact_path(build / "vectors.faiss"))
    index.save(build / "vectors.faiss")
    scratch.unlink()
    return Filled(count, n, embedded, index)
