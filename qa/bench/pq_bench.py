"""The compressed vector index at 10M chunks: recall@10 against exact search, p50/p95 and RSS.

Ten million embedded chunks would take weeks to embed on two cores, so the vectors are
grown, as :mod:`qa.bench.scale` grows its indexes: vector ``i`` is ``normalise(b + e)``,
``b`` the real vector of base chunk ``i mod B`` (the chunks of the benchmark snapshots
under ``reports/``, embedded by ``qa eval``), ``e`` Gaussian noise of norm ``sigma`` (0.5).
Each batch of 100,000 has its own seeded generator, so the same vectors can be made again
for the exact search without keeping 15 GB of float32 anywhere.

Steps, each timed:

1. build: :meth:`qa.index.FaissIndex.build_pq` (the index ``qa ingest`` builds above
   ``QA_PQ_INDEX_MIN``), trained on its own seeded sample, the exact float16 vectors written
   to disk as the batches are added;
2. exact top 10 of each question by a streamed brute-force search over the float32 vectors;
3. a fresh process (``python -m qa.bench.pq_bench --query``) loads the saved index as a
   snapshot would, asks the questions one at a time (top 10, after 5 warm-ups) and reports
   its latency and resident memory: recall@10 is its answers against step 2.

The questions are real: the first ``--queries`` questions of the SQuAD 1.1 dev report half,
embedded by the model. Only the vector search is measured here (no SQLite store or keyword
index of 10M chunks is built): hybrid search at 1M is in ``make bench --with-1m``.

    python -m qa.bench.pq_bench --n 10000000 --out reports/bench/pq-10m.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from qa.index import FaissIndex, exact_path, pq_params, rerank_depth
from qa.settings import EVAL_DIR, PROJECT_ROOT

BATCH = 100_000
BASES = ("squad-index-all-MiniLM-L6-v2-128", "scifact-index-all-MiniLM-L6-v2-128")


def base_vectors(reports: Path) -> np.ndarray:
    """The real chunk vectors of the benchmark snapshots under ``reports`` (``qa eval squad`` / ``beir``)."""
    from qa.snapshot import current_dir

    out = []
    for name in BASES:
        path = current_dir(reports / name)
        if path is not None:
            index = FaissIndex.load(path / "vectors.faiss")
            out.append(index.index.reconstruct_n(0, index.ntotal))
    if not out:
        raise SystemExit(f"no benchmark snapshot under {reports}: run `qa eval squad` or `qa eval beir` first")
    return np.concatenate(out).astype(np.float32)


def _noisy(vectors: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    """``normalise(v + e)`` for each row ``v``, ``e`` Gaussian noise scaled to norm ``sigma``."""
    noise = rng.standard_normal(vectors.shape, dtype=np.float32)
    noise *= sigma / np.linalg.norm(noise, axis=1, keepdims=True)
    x = vectors + noise
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def grown(base: np.ndarray, lo: int, hi: int, sigma: float, seed: int) -> np.ndarray:
    """Vectors ``lo`` to ``hi`` of the grown set (``lo`` a multiple of ``BATCH``)."""
    return _noisy(base[np.arange(lo, hi) % len(base)], np.random.default_rng([seed, lo // BATCH]), sigma)


def batches(base: np.ndarray, n: int, sigma: float, seed: int):
    for lo in range(0, n, BATCH):
        yield grown(base, lo, min(n, lo + BATCH), sigma, seed)


def training_sample(base: np.ndarray, n: int, size: int, sigma: float, seed: int) -> np.ndarray:
    """``size`` vectors drawn like the grown set's, from a generator of their own."""
    rng = np.random.default_rng([seed, 10**9])
    rows = rng.choice(n, size=size, replace=False)
    return _noisy(base[rows % len(base)], rng, sigma)


def exact_top(base: np.ndarray, n: int, queries: np.ndarray, k: int, sigma: float, seed: int) -> np.ndarray:
    """The ids of each query's ``k`` best inner products over all ``n`` grown vectors, by brute force."""
    best_s = np.full((len(queries), k), -np.inf, np.float32)
    best_i = np.full((len(queries), k), -1, np.int64)
    for lo, batch in zip(range(0, n, BATCH), batches(base, n, sigma, seed)):
        s = queries @ batch.T
        part = np.argpartition(-s, k - 1, axis=1)[:, :k]
        cand_s = np.concatenate([best_s, np.take_along_axis(s, part, 1)], axis=1)
        cand_i = np.concatenate([best_i, part + lo], axis=1)
        order = np.argsort(-cand_s, axis=1, kind="stable")[:, :k]
        best_s, best_i = np.take_along_axis(cand_s, order, 1), np.take_along_axis(cand_i, order, 1)
    return best_i


def questions(model: str, count: int, eval_dir: Path) -> np.ndarray:
    """The first ``count`` questions of the SQuAD 1.1 dev report half (articles 25–48), embedded."""
    from qa.evaluate.squad import load_squad
    from qa.vectors import make_embedder

    _, items, _ = load_squad(eval_dir / "squad" / "dev-v1.1.json")
    chosen = [q.question for q in items if q.article >= 24][:count]
    return np.ascontiguousarray(make_embedder(model).embed_batch(chosen), dtype=np.float32)


def query_worker(folder: Path, queries_path: Path, k: int, warmup: int = 5, nprobe: int | None = None,
                 rerank: int | None = None) -> dict:
    """Load the saved index as a snapshot would and time each question alone (one thread). ``nprobe`` and
    ``rerank`` replace the formula's values, to see which one limits recall (``--keep``, then ``--query``)."""
    import faiss

    from qa import index as index_module

    faiss.omp_set_num_threads(1)
    if rerank:
        index_module.rerank_depth = lambda _k: rerank
    t0 = time.perf_counter()
    index = FaissIndex.load(folder / "vectors.faiss")
    load_s = time.perf_counter() - t0
    if nprobe:
        index.set_nprobe(nprobe)
    queries = np.load(queries_path)
    for q in queries[:warmup]:
        index.search(q, k)
    times, ids = [], []
    for q in queries:
        t = time.perf_counter()
        _, found = index.search(q, k)
        times.append((time.perf_counter() - t) * 1000)
        ids.append(found[0].tolist())
    with open("/proc/self/status") as f:  # VmHWM, not ru_maxrss, which keeps the parent's peak across exec
        status = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in f
                  if line.startswith(("VmRSS", "VmHWM", "RssAnon", "RssFile"))}
    # RssFile is mostly the exact vectors' pages the re-ranking touched: file-backed, reclaimed under pressure
    return {"load_s": round(load_s, 2), "p50_ms": round(float(np.percentile(times, 50)), 2),
            "p95_ms": round(float(np.percentile(times, 95)), 2), "rss_mb": round(status["VmRSS"], 1),
            "peak_rss_mb": round(status["VmHWM"], 1), "rss_anon_mb": round(status["RssAnon"], 1),
            "rss_file_mb": round(status["RssFile"], 1), "ids": ids}


def run(n: int, work: Path, model: str, count: int, sigma: float = 0.5, seed: int = 0, k: int = 10,
        log=print) -> dict:
    reports = PROJECT_ROOT / "reports"
    base = base_vectors(reports)
    dim = base.shape[1]
    params = pq_params(n, dim)
    log(f"{n:,} vectors grown from {len(base):,} real ones; {params.factory}, nprobe {params.nprobe}, "
        f"re-ranking {rerank_depth(k)}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t0 = time.perf_counter()
    sample = training_sample(base, n, params.train, sigma, seed)
    index = FaissIndex.build_pq(sample, batches(base, n, sigma, seed), n, exact_path(work / "vectors.faiss"),
                                seed=seed)
    index.save(work / "vectors.faiss")
    build_s = time.perf_counter() - t0
    del index
    log(f"built in {build_s:.0f} s")
    queries = questions(model, count, EVAL_DIR)
    np.save(work / "queries.npy", queries)
    t0 = time.perf_counter()
    truth = exact_top(base, n, queries, k, sigma, seed)
    exact_s = time.perf_counter() - t0
    log(f"exact top {k} by brute force in {exact_s:.0f} s")
    np.save(work / "truth.npy", truth)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-m", "qa.bench.pq_bench", "--query", str(work), "--k", str(k)],
                         capture_output=True, text=True, env=env, check=True)
    worker = json.loads(out.stdout)
    recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(worker.pop("ids"), truth.tolist())]))
    sizes = {p.name: round(p.stat().st_size / 1e6, 1) for p in work.iterdir()}
    result = {"n": n, "dim": dim, "base_vectors": len(base), "sigma": sigma, "questions": len(queries),
              "factory": params.factory, "nlist": params.nlist, "nprobe": params.nprobe, "m": params.m,
              "rerank": rerank_depth(k), "build_s": round(build_s, 1), "exact_search_s": round(exact_s, 1),
              "recall_at_10": round(recall, 4), **worker, "disk_mb": sizes,
              "targets": {"rss_mb": 4096, "recall_at_10": 0.90, "p50_ms": 100}}
    log(f"recall@10 {recall:.3f}, p50 {worker['p50_ms']} ms, p95 {worker['p95_ms']} ms, RSS {worker['rss_mb']} MB")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "reports" / "pq-bench")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports" / "bench" / "pq-10m.json")
    parser.add_argument("--keep", action="store_true", help="keep the index and its exact vectors")
    parser.add_argument("--query", type=Path, help="time the questions on an index kept by --keep, in this process")
    parser.add_argument("--k", type=int, default=10, help=argparse.SUPPRESS)
    parser.add_argument("--nprobe", type=int, help="with --query: lists to probe instead of the formula's")
    parser.add_argument("--rerank", type=int, help="with --query: code matches to re-rank instead of the formula's")
    args = parser.parse_args(argv)
    if args.query:
        result = query_worker(args.query, args.query / "queries.npy", args.k, nprobe=args.nprobe, rerank=args.rerank)
        truth = args.query / "truth.npy"
        if truth.exists():
            result["recall_at_10"] = round(float(np.mean([len(set(a) & set(b)) / args.k for a, b in
                                                          zip(result["ids"], np.load(truth).tolist())])), 4)
        print(json.dumps(result))
        return
    from qa.settings import get_settings

    result = run(args.n, args.work, get_settings().model, args.queries)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
