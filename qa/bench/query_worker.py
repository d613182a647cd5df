"""Warm query latency of one index, measured in a fresh process (so its memory is the server's).

``python -m qa.bench.query_worker JOB.json OUT.json``: JOB holds the settings, the
questions and the counts; OUT receives latencies (ms) per mode, the query-embedding share,
the process's resident memory and, when pyinstrument is installed, the hot spots of hybrid
search and of ask. Every mode is warmed up before its clock starts.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

WARM = 3


def measure(job: dict) -> dict:
    from qa.answerers.factory import make_answerer
    from qa.bench import profiling
    from qa.bench.measure import TimedEmbedder, latency_summary, rss_mb
    from qa.passages import Retriever, SentenceReranker
    from qa.service import Service
    from qa.settings import Settings
    from qa.vectors import make_embedder

    settings = Settings(**job["settings"])
    before = rss_mb()
    embedder = TimedEmbedder(make_embedder(settings.model, settings.batch_size))
    service = Service(settings, embedder=embedder)
    questions = job["questions"]
    t0 = time.perf_counter()
    service.retriever.search(questions[0], settings.top_k)  # opens the index, loads the model
    cold_ms = (time.perf_counter() - t0) * 1000
    loaded = rss_mb()
    reranking = Retriever(embedder, service.snapshots, settings.candidates, settings.rrf_k, SentenceReranker(embedder))

    extractive = make_answerer(settings.model_copy(update={"answerer": "extractive"}), embedder)

    def search(mode: str, retriever: Retriever = service.retriever):
        return lambda q: retriever.search(q, settings.top_k, mode=mode)

    runs = {"dense": (search("dense"), job["queries"]), "bm25": (search("bm25"), job["queries"]),
            "hybrid": (search("hybrid"), job["queries"]),
            "hybrid+rerank": (search("hybrid", reranking), job["rerank_queries"]),
            "ask": (lambda q: service.ask(q, settings.top_k), job["ask_queries"]),
            "ask-extractive": (lambda q: extractive.answer(q, service.retriever.search(q, settings.top_k)),
                               job["ask_queries"])}
    out: dict = {"cold_ms": cold_ms, "modes": {}, "embed_ms": {}}
    for name, (fn, n) in runs.items():
        for q in questions[-WARM:]:
            fn(q)
        lat, emb = [], []
        for i in range(n):
            q = questions[i % len(questions)]
            e0 = embedder.embed_s
            t = time.perf_counter()
            fn(q)
            lat.append((time.perf_counter() - t) * 1000)
            emb.append((embedder.embed_s - e0) * 1000)
        out["modes"][name] = {**latency_summary(lat), "samples_ms": lat}
        out["embed_ms"][name] = latency_summary(emb)["p50"]
    out["rss_mb"] = {"before_load": before["rss"], "after_load": loaded["rss"], **rss_mb()}
    out["hot_spots"] = {}
    if job.get("profile") and profiling.available():
        profile_dir = Path(job["profile_dir"])
        sample = questions[:job.get("profile_queries", 20)]
        for name in ("hybrid", "ask"):
            fn = runs[name][0]
            _, spots = profiling.profile(f"{name}-{job['label']}", profile_dir, lambda: [fn(q) for q in sample])
            out["hot_spots"][name] = spots
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m qa.bench.query_worker JOB.json OUT.json", file=sys.stderr)
        return 2
    job = json.loads(Path(argv[0]).read_text())
    Path(argv[1]).write_text(json.dumps(measure(job)))
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess by qa.bench.runner
    sys.exit(main(sys.argv[1:]))
