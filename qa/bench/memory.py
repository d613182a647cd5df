"""Serving memory: does a warm ``qa serve`` keep growing under load? (issue 13, item 5)

After a warm-up, ``batches`` batches of ``per_batch`` mixed requests (``POST /api/ask`` and
``GET /api/search``, cycling over the questions) are sent from ``clients`` concurrent
clients, and the server's resident memory, anonymous memory and thread count are read from
``/proc`` after each batch. A server that leaks grows by about the same amount every batch;
one that only reaches its allocator's high-water mark grows in the first batches and then
stays flat. The target is every batch within ``FLAT_MB`` of the one before.

What it found (2026-12-02, sample index, real model, 32 clients, 6 batches of 150): with
anyio's default of 40 request threads the anonymous memory grew +164, +19, +33, +24, +26,
+15 MB and never levelled off; tracemalloc saw the Python heap flat between batch 1 and 4
(340.9 MB both times), and ``malloc_trim(0)`` handed back 116 MB, so the growth was native
memory fragmented over many threads' interleaved allocations (torch, tokenizers), not a leak.
With the request threads capped at 8 (``QA_SERVE_THREADS``, qa.web.app) the same run gave
+33, +6, 0, −2, 0, 0 MB, at the same throughput.

Run alone over an index (``python -m qa.bench.memory INDEX_DIR``, with ``--env K=V`` for the
server's environment, to compare allocator settings) or as part of ``make bench``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
from pathlib import Path

import httpx

FLAT_MB = 20.0


def proc_memory(pid: int) -> dict[str, float]:
    """RSS, anonymous resident memory (MB) and threads of a process, from /proc (Linux)."""
    out: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile"):
                    out[key.lower()] = int(value.split()[0]) / 1024
                elif key == "Threads":
                    out["threads"] = int(value)
    except OSError:
        pass
    return out


async def _send(url: str, questions: list[str], count: int, clients: int, k: int) -> int:
    """``count`` requests, alternating ask and search, from ``clients`` clients; returns the non-200 answers."""
    cycle = itertools.cycle(itertools.product(questions, ("ask", "search")))
    left = iter(range(count))
    errors = 0
    async with httpx.AsyncClient(base_url=url, timeout=120.0,
                                 limits=httpx.Limits(max_connections=clients)) as client:

        async def worker() -> None:
            nonlocal errors
            for _ in left:
                q, kind = next(cycle)
                try:
                    if kind == "ask":
                        r = await client.post("/api/ask", json={"question": q, "k": k})
                    else:
                        r = await client.get("/api/search", params={"q": q, "k": k})
                    errors += r.status_code != 200
                except httpx.HTTPError:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(clients)))
    return errors


def measure(url: str, pid: int, questions: list[str], batches: int = 4, per_batch: int = 150, clients: int = 32,
            warm: int | None = None, k: int = 5) -> dict:
    """Memory after a warm-up (``warm`` requests, default one batch) and after each batch; ``growth_mb`` is each
    batch's RSS minus the one before."""
    warm = per_batch if warm is None else warm
    errors = asyncio.run(_send(url, questions, warm, clients, k))
    rows = [{"after": "warm-up", "requests": warm, **proc_memory(pid)}]
    for b in range(1, batches + 1):
        errors += asyncio.run(_send(url, questions, per_batch, clients, k))
        rows.append({"after": f"batch {b}", "requests": per_batch, **proc_memory(pid)})
    growth = [round(rows[i]["vmrss"] - rows[i - 1]["vmrss"], 1) for i in range(1, len(rows))]
    return {"clients": clients, "per_batch": per_batch, "warm": warm, "errors": errors, "rows": rows,
            "growth_mb": growth, "max_growth_mb": max(growth) if growth else None, "flat_mb": FLAT_MB}


def main(argv: list[str] | None = None) -> None:
    from qa.bench.load import Server
    from qa.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--questions", type=Path, default=Path("corpus/questions.jsonl"))
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--per-batch", type=int, default=150)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--warm", type=int, default=None, help="requests before the first batch (default: one batch)")
    parser.add_argument("--env", action="append", default=[], metavar="K=V", help="server environment")
    parser.add_argument("--log", type=Path, default=Path("/tmp/qa-memory-server.log"))
    args = parser.parse_args(argv)
    questions = [json.loads(line)["question"] for line in args.questions.read_text().splitlines() if line.strip()]
    env = dict(kv.split("=", 1) for kv in args.env)
    with Server(args.index_dir, get_settings().model, args.log, extra_env=env) as server:
        result = measure(server.url, server.proc.pid, questions, args.batches, args.per_batch, args.clients,
                         args.warm)
    print(json.dumps({"env": env, **result}, indent=1))


if __name__ == "__main__":
    main()
