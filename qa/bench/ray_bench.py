"""Embedding on a real local Ray cluster (issue 13, item 3): the same index, and its throughput.

Ray's GCS, raylet and workers listen on every interface they find. Servers in this project's
tests and benchmarks may listen on 127.0.0.1 only, so everything here runs confined: the
module re-executes itself in a new network namespace (``unshare -rn``) that has only the
loopback device, and brings that device up. A socket there can only be reached from inside
it. ``listening`` records every listening socket, and the check fails if one is not on
loopback.

Inside, :class:`RayHead` starts a real head (``ray start --head --block``: GCS, raylet and
dashboard agent as separate processes) on 127.0.0.1, and :class:`qa.cluster.RayEmbedder`
connects to it by address, as ``qa ingest --ray HOST:PORT`` does. Its actors are worker
processes of that head.

``--check`` (tests/test_cluster.py): the sample corpus is ingested twice, once on this
process and once with two Ray workers. The report compares chunk ids, vectors (largest
difference) and search results.

``--throughput N``: the first N SciFact abstracts are ingested end to end (files →
snapshot), once single-process, once with the process pool of ``qa.pool`` (at least two
processes, as ``QA_EMBED_PROCESSES`` gives them) and once each with 1 and 2 Ray workers. The
report gives chunks/s for each, with and without the cluster's start-up (the actors loading
the model; the pool's start-up is inside its time).

    python -m qa.bench.ray_bench --check --out /tmp/ray-check.json
    python -m qa.bench.ray_bench --throughput 1000 --out docs/bench/ray.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from qa.bench.load import free_port
from qa.bench.measure import snapshot_view
from qa.settings import EVAL_DIR, PROJECT_ROOT, Settings

CONFINED = "QA_RAY_BENCH_CONFINED"
LOOPBACK = ("127.", "[::1]", "::1", "[::ffff:127.", "::ffff:127.")


def confine(argv: list[str]) -> None:
    """Run this module again inside a network namespace of its own (only loopback), and exit with its code."""
    if shutil.which("unshare") is None:
        raise SystemExit("unshare (util-linux) is needed to keep Ray on loopback")
    # No token auth on a cluster nobody else can reach (a stray ~/.ray/auth_token would otherwise make the
    # head ask for a token that the driver does not send).
    env = {**os.environ, CONFINED: "1", "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    cmd = ["unshare", "-rn", sys.executable, "-m", "qa.bench.ray_bench", *argv]
    raise SystemExit(subprocess.run(cmd, env=env).returncode)


def loopback_up() -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def listening() -> list[str]:
    """Local addresses of every listening TCP socket (``ss -ltnH``)."""
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
    return [line.split()[3] for line in out.splitlines() if line.strip()]


class RayHead:
    """``ray start --head --block`` on 127.0.0.1 in its own process group, stopped with it."""

    def __init__(self, cpus: int = 2) -> None:
        self.cpus = cpus
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.temp = Path(tempfile.mkdtemp(prefix="qa-ray-"))
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> RayHead:
        ray = Path(sys.executable).with_name("ray")
        cmd = [str(ray), "start", "--head", "--block", "--node-ip-address=127.0.0.1", f"--port={self.port}",
               f"--num-cpus={self.cpus}", "--include-dashboard=false", "--disable-usage-stats",
               f"--temp-dir={self.temp}"]
        self.log = open(self.temp / "head.log", "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
                                     )
        deadline = time.monotonic() + 90
        while not any(a.endswith(f":{self.port}") for a in listening()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise SystemExit(f"the Ray head did not start: {(self.temp / 'head.log').read_text()[-2000:]}")
            time.sleep(0.5)
        return self

    def __exit__(self, *exc) -> None:
        try:
            import ray

            ray.shutdown()
        except ImportError:
            pass
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.temp, ignore_errors=True)


def _settings(corpus: Path, index: Path) -> Settings:
    return Settings(corpus_dir=corpus, index_dir=index, keyword_index="tantivy")


def _ingest(settings: Settings, embedder) -> tuple[float, int]:
    from qa.ingest import ingest

    t0 = time.perf_counter()
    report = ingest(settings, embedder)
    return time.perf_counter() - t0, report.chunks


def check(out: Path) -> dict:
    from qa.bench.corpora import sample_questions
    from qa.vectors import make_embedder

    work = Path(tempfile.mkdtemp(prefix="qa-ray-check-"))
    corpus = PROJECT_ROOT / "corpus"
    # float32: in bfloat16 a vector depends on how its batch was padded (up to ~2e-3, qa.vectors.resolve_dtype),
    # so only float32 can show that spreading the work changes nothing.
    local = make_embedder("all-MiniLM-L6-v2", dtype="float32")
    questions = sample_questions()[:20]
    try:
        single_s, chunks = _ingest(_settings(corpus, work / "single"), local)
        with RayHead(cpus=2) as head:
            # as a user would: `qa ingest --ray HOST:PORT`, two workers of 16 texts a batch
            env = {**os.environ, "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(work / "ray"),
                   "QA_KEYWORD_INDEX": "tantivy", "QA_RAY_WORKERS": "2", "QA_RAY_BATCH_SIZE": "16",
                   "QA_EMBED_DTYPE": "float32"}
            t0 = time.perf_counter()
            cli = subprocess.run([str(Path(sys.executable).with_name("qa")), "ingest", "--ray", head.address],
                                 env=env, capture_output=True, text=True, timeout=600)
            ray_s = time.perf_counter() - t0
            sockets = listening()
        a = snapshot_view(work / "single", questions, local)
        b = snapshot_view(work / "ray", questions, local)
        report = {
            "cli_exit": cli.returncode, "cli_said": cli.stdout.strip().splitlines()[-2:] + cli.stderr.splitlines()[-3:],
            "chunks": chunks, "questions": len(questions),
            "same_chunks": a["chunks"] == b["chunks"],
            "max_vector_difference": float(np.max(np.abs(a["vectors"] - b["vectors"]))) if chunks else 0.0,
            "same_top10": sum(x == y for x, y in zip(a["top"], b["top"])),
            "single_s": round(single_s, 1), "ray_s": round(ray_s, 1),
            "listening": sockets, "all_loopback": all(s.startswith(LOOPBACK) for s in sockets),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out.write_text(json.dumps(report, indent=2))
    return report


def throughput(n: int, out: Path) -> dict:
    from qa.bench.corpora import read_scifact, write_releases
    from qa.cluster import RayEmbedder
    from qa.pool import ProcessPoolEmbedder, auto_processes
    from qa.vectors import make_embedder

    data = read_scifact(EVAL_DIR / "scifact")
    if data is None:
        raise SystemExit("no SciFact under ../shared/eval/scifact")
    work = Path(tempfile.mkdtemp(prefix="qa-ray-bench-"))
    local = make_embedder("all-MiniLM-L6-v2")
    runs = []
    try:
        corpus = work / "corpus"
        write_releases(data.docs[:n], corpus)
        seconds, chunks = _ingest(_settings(corpus, work / "single"), local)
        runs.append({"embedding": f"this process, {os.cpu_count()} torch threads", "workers": 0,
                     "seconds": round(seconds, 1), "chunks_per_s": round(chunks / seconds, 1)})
        processes = max(2, auto_processes(0, "cpu"))
        with ProcessPoolEmbedder(local, processes) as pool:
            seconds, chunks = _ingest(_settings(corpus, work / "pool"), pool)  # includes the processes' start-up
        runs.append({"embedding": f"process pool (qa.pool), {processes} processes × {pool.threads} thread(s)",
                     "workers": processes, "seconds": round(seconds, 1), "chunks_per_s": round(chunks / seconds, 1)})
        for workers in (1, 2):
            with RayHead(cpus=os.cpu_count() or 2) as head:
                cpus = max(1.0, (os.cpu_count() or 2) // workers)
                ray = RayEmbedder(local, head.address, workers=workers, batch_size=256, cpus_per_worker=cpus)
                t0 = time.perf_counter()
                ray.warm_up()
                start_up = time.perf_counter() - t0
                seconds, chunks = _ingest(_settings(corpus, work / f"ray-{workers}"), ray)
                runs.append({"embedding": f"Ray, {workers} worker(s) × {int(cpus)} thread(s)", "workers": workers,
                             "start_up_s": round(start_up, 1), "seconds": round(seconds, 1),
                             "chunks_per_s": round(chunks / seconds, 1),
                             "chunks_per_s_with_start_up": round(chunks / (seconds + start_up), 1)})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {"docs": n, "chunks": chunks, "cores": os.cpu_count(), "runs": runs}
    out.write_text(json.dumps(report, indent=2))
    return report


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m qa.bench.ray_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--throughput", type=int, metavar="N")
    parser.add_argument("--out", type=Path, default=Path("ray-bench.json"))
    args = parser.parse_args(argv)
    if not os.environ.get(CONFINED):
        confine(argv)
    loopback_up()
    report = check(args.out.resolve()) if args.check else throughput(args.throughput or 1000, args.out.resolve())
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
