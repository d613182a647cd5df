"""Small measuring tools: latency summaries, process memory, folder sizes, and the machine header."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

LIBRARIES = ("torch", "sentence-transformers", "transformers", "faiss-cpu", "numpy", "pysbd", "fastapi", "uvicorn",
             "httpx", "tantivy", "bm25s", "txtai", "pyinstrument")


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean/max of latencies in milliseconds (NaN when there are none)."""
    if not len(ms):
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "mean": float("nan"),
                "max": float("nan")}
    a = np.asarray(ms, dtype=float)
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {"n": int(a.size), "p50": float(p50), "p95": float(p95), "p99": float(p99), "mean": float(a.mean()),
            "max": float(a.max())}


def timed(fn, *args, **kwargs) -> tuple[object, float]:
    """(result, milliseconds) of one call."""
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - t0) * 1000


def rss_mb(pid: int | str = "self") -> dict[str, float]:
    """Resident memory now (``rss``) and at its peak (``peak``) of a process, in MB (Linux /proc)."""
    out = {"rss": float("nan"), "peak": float("nan")}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss"] = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                out["peak"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return out


def folder_mb(path: Path) -> float:
    """Bytes on disk under ``path`` (symlinks not followed), in MB."""
    total = 0
    for p in Path(path).rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total / 1e6


def machine() -> dict:
    """The header of every report: CPUs, load, Python, library versions, git commit."""
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            versions[lib] = "not installed"
    return {
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch_threads": _torch_threads(),
        "libraries": versions,
        "git_commit": _git_commit(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return float("nan")


def _torch_threads() -> int | None:
    try:
        import torch
    except ImportError:
        return None
    return int(torch.get_num_threads())


def _git_commit() -> str:
    from qa.settings import PROJECT_ROOT

    try:
        return subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=5).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


class TimedEmbedder:
    """An embedder that adds up the time spent embedding and counting tokens (the model's share)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.embed_s = 0.0
        self.tokens_s = 0.0
        self.embedded = 0

    def embed_batch(self, texts):
        t0 = time.perf_counter()
        out = self.inner.embed_batch(texts)
        self.embed_s += time.perf_counter() - t0
        self.embedded += len(texts)
        return out

    def count_tokens(self, texts):
        t0 = time.perf_counter()
        out = self.inner.count_tokens(texts)
        self.tokens_s += time.perf_counter() - t0
        return out

    def __getattr__(self, name: str):
        attr = getattr(self.inner, name)  # AttributeError when the inner embedder lacks it
        if name != "token_offsets":
            return attr

        def token_offsets(text):
            t0 = time.perf_counter()
            out = attr(text)
            self.tokens_s += time.perf_counter() - t0
            return out

        return token_offsets


def raw_encode(embedder, texts: Sequence[str]) -> np.ndarray:
    """The model's own batch encode, nothing of qa around it (``SentenceTransformer.encode``)."""
    model = getattr(embedder, "model", None)
    if model is not None and hasattr(model, "encode"):
        return model.encode(list(texts), batch_size=getattr(embedder, "batch_size", 32), normalize_embeddings=True,
                            convert_to_numpy=True, show_progress_bar=False)
    return embedder.embed_batch(list(texts))


def snapshot_view(index_dir: Path, questions: list[str], embedder) -> dict:
    """An index as two builds of it are compared: chunk ids and texts, the vectors, each question's top 10."""
    from qa.passages import LiveSnapshot, Retriever

    snaps = LiveSnapshot(index_dir, embedder.name)
    snap = snaps.get()
    rows = snap.store.chunks(range(snap.store.counts()[1]))  # chunk ids are 0..n-1, as the ingest numbers them
    vectors = snap.index.index.reconstruct_n(0, snap.index.ntotal)
    retriever = Retriever(embedder, snaps, 50, 60)
    top = [[p.chunk_id for p in retriever.search(q, 10)] for q in questions]
    chunks = [(i, r["release_id"], r["seq"], r["text"]) for i, r in sorted(rows.items())]
    return {"chunks": chunks, "vectors": vectors, "top": top}
