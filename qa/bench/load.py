"""Concurrency: requests/s and latency of the HTTP API under N concurrent clients on loopback.

A ``qa serve`` process (uvicorn, exactly as a user starts it) listens on a free
127.0.0.1 port; N asyncio clients (httpx, one connection each) send requests back to back
for a fixed time. Any answer other than 200, and any transport error or timeout, counts as
an error. Throughput is completed requests over the time until the last one returned.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from qa.bench.measure import latency_summary, rss_mb

START_TIMEOUT_S = 300.0
REQUEST_TIMEOUT_S = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child: ask Linux to send SIGTERM when the benchmark process dies, so no server is left behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the context manager still stops it on a normal exit
        pass


class Server:
    """``qa serve`` over ``index_dir`` in a child process; stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, index_dir: Path, model: str, log_path: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "QA_INDEX_DIR": str(index_dir), "QA_MODEL": model, "QA_API_KEY": "",
                    "HF_HUB_OFFLINE": "1", **(extra_env or {})}
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--host", "127.0.0.1", "--port",
                                      str(self.port)], env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     preexec_fn=_die_with_parent)
        self.started_s = self._wait_ready()
        return self

    def _wait_ready(self) -> float:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < START_TIMEOUT_S:
            if self.proc.poll() is not None:
                raise RuntimeError(f"qa serve exited with code {self.proc.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"qa serve did not answer /healthz within {START_TIMEOUT_S:.0f} s; see {self.log_path}")

    def rss(self) -> dict[str, float]:
        return rss_mb(self.proc.pid) if self.proc else {}

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


async def _level(url: str, endpoint: str, questions: list[str], clients: int, seconds: float, k: int) -> dict:
    cycle = itertools.cycle(questions)
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:

        async def call(q: str) -> None:
            t = time.perf_counter()
            try:
                if endpoint == "search":
                    r = await client.get("/api/search", params={"q": q, "k": k})
                else:
                    r = await client.post("/api/ask", json={"question": q, "k": k})
                if r.status_code != 200:
                    errors.append(f"HTTP {r.status_code}: {r.text[:200]}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
            latencies.append((time.perf_counter() - t) * 1000)

        await call(next(cycle))  # one warm request, not counted
        latencies.clear()
        errors.clear()
        start = time.perf_counter()
        deadline = start + seconds

        async def client_loop() -> None:
            while time.perf_counter() < deadline:
                await call(next(cycle))

        await asyncio.gather(*(client_loop() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return {"endpoint": endpoint, "clients": clients, "requests": len(latencies), "errors": len(errors),
            "error_examples": sorted(set(errors))[:3], "seconds": elapsed,
            "rps": len(latencies) / elapsed if elapsed else float("nan"), **latency_summary(latencies)}


def run_load(url: str, questions: list[str], clients: tuple[int, ...], seconds: float, k: int = 5) -> list[dict]:
    """Every endpoint at every client count, one level after the other."""
    return [asyncio.run(_level(url, endpoint, questions, n, seconds, k))
            for endpoint in ("search", "ask") for n in clients]
