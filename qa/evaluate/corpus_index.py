"""A benchmark corpus as a qa index: the same Chunker, embedding cache, FAISS index, Store,
keyword index and snapshot that ``qa ingest`` uses, fed with ``Release`` records built
from a public data set instead of corpus files.

The index lives in a cache folder (``<cache>/<bench>-index-<model>-<tokens>``, ``<cache>`` =
``reports/`` unless ``--cache-dir`` says otherwise) and is
rebuilt only when the documents, the model, the chunk budget or the keyword index
(``QA_KEYWORD_INDEX``) change. Vectors come from
one shared embedding cache (``<cache>/embedding-cache.sqlite``), so a rebuild, another
chunk budget or a subset of the corpus embeds only chunk texts never embedded before.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa import keywords
from qa.chunks import Chunker, chunking_key
from qa.index import EXACT_MAX
from qa.ingest import fill_snapshot
from qa.releases import Release
from qa.settings import get_settings
from qa.snapshot import Manifest, current_dir, new_build_dir, publish
from qa.vectors import EmbeddingCache, Embedder, embed_with_cache


@dataclass
class BuildStats:
    index_dir: Path
    documents: int
    chunks: int
    embedded: int
    seconds: float
    reused: bool

    def describe(self) -> str:
        if self.reused:
            return f"index reused: {self.documents:,} documents, {self.chunks:,} chunks in {self.index_dir}"
        rate = f", {self.embedded / self.seconds:.1f} chunks/s" if self.embedded and self.seconds else ""
        return (f"index built: {self.documents:,} documents → {self.chunks:,} chunks, {self.embedded:,} embedded "
                f"(the rest from the cache) in {self.seconds:.1f} s{rate}")


def index_dir_for(root: Path, bench: str, model: str, chunk_tokens: int, tag: str = "") -> Path:
    name = re.sub(r"[^A-Za-z0-9.]+", "-", Path(model).name if "/" in model else model)
    return root / f"{bench}-index-{name}-{chunk_tokens}{'-' + tag if tag else ''}"


def open_cache(root: Path) -> EmbeddingCache:
    """The embedding cache the benchmark indexes share."""
    return EmbeddingCache(root / "embedding-cache.sqlite")


def fingerprint(releases: Sequence[Release], model: str, chunk_tokens: int, chunk_overlap: int) -> str:
    h = hashlib.sha1(chunking_key(model, chunk_tokens, chunk_overlap).encode())
    for r in releases:
        h.update(f"{r.id}\0{r.title}\0{r.body_hash}\0".encode())
    return h.hexdigest()


class CachedEmbedder:
    """An embedder whose vectors go through the embedding cache (a reranker re-embeds the same sentences)."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache) -> None:
        self.inner, self.cache = embedder, cache
        self.name, self.dim = embedder.name, embedder.dim

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return embed_with_cache(self.inner, texts, self.cache)[0]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)


def build_index(releases: Sequence[Release], index_dir: Path, embedder: Embedder, chunk_tokens: int,
                cache: EmbeddingCache, progress=None, keyword_index: str = "tantivy",
                chunk_overlap: int | None = None) -> BuildStats:
    """Publish a snapshot of ``releases`` in ``index_dir`` unless an identical one is there. ``chunk_overlap``:
    sentences shared by consecutive chunks (None: the ``QA_CHUNK_OVERLAP`` setting)."""
    started = time.perf_counter()
    keywords.check_kind(keyword_index)
    if chunk_overlap is None:
        chunk_overlap = get_settings().chunk_overlap
    wanted = fingerprint(releases, embedder.name, chunk_tokens, chunk_overlap)
    live = current_dir(index_dir)
    if live is not None:
        manifest = Manifest.read(live / "manifest.json")
        if manifest.corpus_fingerprint == wanted and manifest.keyword_index == keyword_index:
            return BuildStats(index_dir, manifest.releases, manifest.chunks, 0, 0.0, True)
    settings = get_settings()
    chunker = Chunker.for_embedder(embedder, chunk_tokens, chunk_overlap, settings.splitters)
    index_dir.mkdir(parents=True, exist_ok=True)
    build = new_build_dir(index_dir)
    filled = fill_snapshot(build, releases, chunker, embedder, cache, EXACT_MAX, None, keyword_index,
                           settings.ingest_batch, progress)
    index = filled.index
    Manifest(model=embedder.name, dim=embedder.dim, index_type=index.kind, nprobe=index.nprobe,
             keyword_index=keyword_index,
             releases=len(releases), chunks=filled.chunks, corpus_fingerprint=wanted,
             built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), chunk_tokens=chunk_tokens,
             chunk_overlap=chunk_overlap).write(build / "manifest.json")
    publish(index_dir, build)
    return BuildStats(index_dir, len(releases), filled.chunks, filled.embedded, time.perf_counter() - started,
                      False)


def encode_speed(embedder: Embedder, texts: Sequence[str]) -> float:
    """Texts per second the embedder encodes (no cache), after one warm-up batch."""
    embedder.embed_batch(list(texts[:4]))
    t0 = time.perf_counter()
    embedder.embed_batch(list(texts))
    return len(texts) / (time.perf_counter() - t0)
