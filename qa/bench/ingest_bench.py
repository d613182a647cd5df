"""Ingest throughput: ``qa.ingest.ingest`` on real files with an empty embedding cache, beside the
model's raw ``encode`` of the very chunk texts it produced, in the same process, right after.

The pipeline's time splits into the model (``embed_batch``), the tokenizer (chunk sizing)
and the rest (reading and parsing files, sentence splitting, SQLite, FAISS, publishing).
The raw encode may run on a seeded random sample of the chunk texts (``raw_max``): its
throughput is the same, and the model's time inside the pipeline is the whole-corpus
cross-check. The gap is ``1 - pipeline chunks/s ÷ raw chunks/s``: the share of the machine's limit the
pipeline loses. The model and tokenizer are loaded before either clock starts.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.bench import profiling
from qa.bench.measure import TimedEmbedder, raw_encode
from qa.ingest import ingest
from qa.settings import Settings
from qa.snapshot import current_dir
from qa.vectors import Embedder

GAP_TARGET = 0.15
# Below this many chunks an ingest measures start-up costs (opening SQLite, fsync), not throughput.
MIN_CHUNKS = 500


@dataclass
class IngestResult:
    corpus: str
    files: int
    releases: int
    chunks: int
    seconds: float
    embed_s: float
    tokenize_s: float
    raw_s: float
    raw_chunks: int
    index_dir: str
    skipped: int = 0
    duplicates: int = 0
    hot_spots: dict | None = None

    @property
    def releases_per_s(self) -> float:
        return self.releases / self.seconds if self.seconds else float("nan")

    @property
    def chunks_per_s(self) -> float:
        return self.chunks / self.seconds if self.seconds else float("nan")

    @property
    def raw_chunks_per_s(self) -> float:
        return self.raw_chunks / self.raw_s if self.raw_s else float("nan")

    @property
    def gap(self) -> float:
        """Share of raw encode throughput the pipeline loses (0.15 = 15 % slower than the model alone)."""
        return 1 - self.chunks_per_s / self.raw_chunks_per_s if self.raw_chunks_per_s else float("nan")

    def as_dict(self) -> dict:
        return {**asdict(self), "releases_per_s": self.releases_per_s, "chunks_per_s": self.chunks_per_s,
                "raw_chunks_per_s": self.raw_chunks_per_s, "gap": self.gap,
                "model_chunks_per_s": self.chunks / self.embed_s if self.embed_s else float("nan"),
                "other_s": self.seconds - self.embed_s - self.tokenize_s}


class IngestBench:
    """Measures one corpus folder; each run gets a fresh index folder and so an empty embedding cache."""

    def __init__(self, settings: Settings, embedder: Embedder, work_dir: Path, profile_dir: Path | None = None,
                 profile_files: int = 200, raw_max: int | None = None, seed: int = 0) -> None:
        if raw_max is not None and raw_max <= 0:
            raise ValueError(f"raw_max must be greater than 0, got {raw_max}")
        self.settings = settings
        self.raw_max = raw_max
        self.seed = seed
        self.embedder = embedder
        self.work_dir = work_dir
        self.profile_dir = profile_dir
        self.profile_files = profile_files

    def warm_up(self) -> None:
        """Load the model, the tokenizer and the sentence splitter before any clock starts."""
        from qa.chunks import sentences

        self.embedder.embed_batch(["warm up the model"])
        self.embedder.count_tokens(["warm up the tokenizer"])
        sentences("Warm up. The sentence splitter.")

    def run(self, name: str, corpus_dir: Path) -> IngestResult:
        from qa.chunks import _sentences

        _sentences.cache_clear()  # no sentence splits remembered from an earlier run
        index_dir = self.work_dir / f"ingest-{name}"
        shutil.rmtree(index_dir, ignore_errors=True)
        settings = self.settings.model_copy(update={"corpus_dir": corpus_dir, "index_dir": index_dir})
        timed = TimedEmbedder(self.embedder)
        report = ingest(settings, timed)
        texts = chunk_texts(index_dir)
        if self.raw_max and len(texts) > self.raw_max:  # throughput from a random sample of the same texts
            texts = random.Random(self.seed).sample(texts, self.raw_max)
        t0 = time.perf_counter()
        raw_encode(self.embedder, texts)
        raw_s = time.perf_counter() - t0
        files = sum(1 for p in corpus_dir.rglob("*") if p.is_file())
        result = IngestResult(name, files, report.releases, report.chunks, report.seconds, timed.embed_s,
                              timed.tokens_s, raw_s, len(texts), str(index_dir), len(report.skipped),
                              len(report.duplicates))
        if self.profile_dir is not None and result.chunks >= MIN_CHUNKS and result.gap > GAP_TARGET:
            result.hot_spots = self.profile(name, corpus_dir)
        return result

    def profile(self, name: str, corpus_dir: Path) -> dict | None:
        """pyinstrument over an ingest of the first files again, with the embedding cache of the measured run:
        the model is out of the picture, so the profile shows the pipeline around it (the gap)."""
        from qa.chunks import _sentences

        files = sorted(p for p in corpus_dir.rglob("*") if p.is_file())[:self.profile_files]
        index_dir = self.work_dir / f"profile-{name}"
        shutil.rmtree(index_dir, ignore_errors=True)
        index_dir.mkdir(parents=True)
        for part in (self.work_dir / f"ingest-{name}").glob("cache.sqlite*"):
            shutil.copy2(part, index_dir / part.name)
        settings = self.settings.model_copy(update={"corpus_dir": corpus_dir, "index_dir": index_dir})
        _sentences.cache_clear()
        _, spots = profiling.profile(f"ingest-{name}", self.profile_dir, ingest, settings, self.embedder, files)
        shutil.rmtree(index_dir, ignore_errors=True)
        if spots is not None:
            spots["files"] = len(files)
        return spots


def chunk_texts(index_dir: Path) -> list[str]:
    """The texts the pipeline embedded, read back from the snapshot: each chunk's title and the part of its text
    past the end of the chunk before it in its release (the overlap is not embedded: ``qa.chunks.Chunk.own``)."""
    path = current_dir(index_dir)
    if path is None:
        return []
    db = sqlite3.connect(f"file:{path / 'qa.sqlite'}?mode=ro", uri=True)
    try:
        rows = db.execute('SELECT title, text, start, LAG("end") OVER (PARTITION BY release_id ORDER BY seq) '
                          "FROM chunks ORDER BY id")
        return [f"{title}\n{text[max(0, (before or start) - start):].lstrip()}" for title, text, start, before in rows]
    finally:
        db.close()
