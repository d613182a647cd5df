"""What one benchmark run measures, and how much of it: the default plan and the ``--quick`` one."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.errors import ConfigError
from qa.settings import EVAL_DIR

DEFAULT_SIZES = (10_000, 100_000)
ONE_MILLION = 1_000_000


@dataclass(frozen=True)
class BenchConfig:
    """Sizes and sample counts of a run. ``None`` document limits mean the whole data set."""

    out: Path
    model: str
    eval_dir: Path = EVAL_DIR
    sizes: tuple[int, ...] = DEFAULT_SIZES
    exact_index_max: int = 100_000
    quick: bool = False
    # ingest: releases taken from each public data set (None: all of them)
    scifact_docs: int | None = 2_500
    squad_paragraphs: int | None = 300
    # raw encode runs on at most this many of a corpus's chunk texts (a seeded random sample)
    raw_encode_max: int | None = 1_500
    # queries: how many distinct real questions each measurement uses
    queries: int = 100
    rerank_queries: int = 20
    ask_queries: int = 50
    recall_queries: int = 200
    perturbation: float = 0.5  # norm of the noise added to a real vector to make a synthetic one
    # concurrency
    clients: tuple[int, ...] = (1, 8, 32)
    load_seconds: float = 15.0
    # serving memory after the load (qa.bench.memory): batches of requests, and how many in each
    memory_batches: int = 4
    memory_per_batch: int = 150
    # crawl: generated releases on the fixture site (issue 12: 1,000)
    crawl_pages: int = 1_000
    # peer: SciFact test queries (None: all 300)
    peer_queries: int | None = None
    profile: bool = True
    seed: int = 0
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.sizes or any(n <= 0 for n in self.sizes):
            raise ConfigError(f"--sizes must be positive chunk counts, got {','.join(map(str, self.sizes))}")
        if any(c <= 0 for c in self.clients):  # no clients: the concurrency section is left out
            raise ConfigError(f"client counts must be positive, got {self.clients}")
        if self.queries <= 0 or self.ask_queries <= 0 or self.rerank_queries <= 0:
            raise ConfigError("query counts must be greater than 0")

    @property
    def work_dir(self) -> Path:
        """Scratch indexes and corpora of this run; removed when the run ends."""
        return self.out / "work"


def plan(out: Path, model: str, exact_index_max: int, sizes: tuple[int, ...] | None = None,
         with_1m: bool = False, quick: bool = False, eval_dir: Path | None = None,
         scifact_docs: int | None = None) -> BenchConfig:
    """The run ``qa bench`` makes: the default plan (under 30 minutes on two quiet cores) or a quick one.

    Two cores encode some 15 chunks of 200 word pieces a second, and SciFact is embedded
    twice (qa and txtai): the default takes 2,500 of its 5,183 abstracts (every one judged
    for the test queries among them); ``scifact_docs=0`` takes all (about 12 minutes more).
    """
    chosen = tuple(sizes) if sizes else ((10_000,) if quick else DEFAULT_SIZES)
    if with_1m and ONE_MILLION not in chosen:
        chosen = (*chosen, ONE_MILLION)
    config = BenchConfig(out=out, model=model, eval_dir=eval_dir or EVAL_DIR,
                         sizes=tuple(sorted(set(chosen))), exact_index_max=exact_index_max)
    if quick:
        config = replace(config, quick=True, scifact_docs=400, squad_paragraphs=100, queries=20, rerank_queries=5,
                         ask_queries=10, recall_queries=50, load_seconds=3.0, peer_queries=50,
                         crawl_pages=100, memory_per_batch=40)
    if scifact_docs is not None:
        if scifact_docs < 0:
            raise ConfigError(f"--scifact-docs must be 0 (all) or a positive count, got {scifact_docs}")
        config = replace(config, scifact_docs=scifact_docs or None)
    return config


def parse_sizes(text: str | None) -> tuple[int, ...] | None:
    """``"10000,100k,1m"`` → ``(10000, 100000, 1000000)``; ConfigError naming a bad part."""
    if not text:
        return None
    out = []
    for part in text.split(","):
        raw = part.strip().lower().replace("_", "")
        scale = {"k": 1_000, "m": 1_000_000}.get(raw[-1:], 1)
        digits = raw[:-1] if scale > 1 else raw
        try:
            value = int(float(digits) * scale)
        except ValueError:
            raise ConfigError(f"--sizes takes chunk counts separated by commas (e.g. 10000,100k), "
                              f"not {part.strip()!r}") from None
        if value <= 0:
            raise ConfigError(f"--sizes must be positive, got {part.strip()!r}")
        out.append(value)
    return tuple(out)
