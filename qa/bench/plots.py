"""PNG plots of one run (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from qa.bench.report import MODES  # noqa: E402


def write_all(results: dict, out: Path) -> list[str]:
    """Every plot the results have data for; the file names written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in (("latency.png", latency), ("ingest.png", ingest), ("concurrency.png", concurrency),
                       ("peer.png", peer)):
        fig = draw(results)
        if fig is not None:
            fig.savefig(out / name, dpi=110, bbox_inches="tight")
            plt.close(fig)
            written.append(name)
    return written


def latency(r: dict):
    rows = [q for q in r.get("queries", []) if q.get("worker")]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 4.5))
    sizes = [q["chunks"] for q in rows]
    for mode in MODES:
        p50 = [q["worker"]["modes"].get(mode, {}).get("p50") for q in rows]
        p95 = [q["worker"]["modes"].get(mode, {}).get("p95") for q in rows]
        line, = ax.plot(sizes, p50, marker="o", label=f"{mode} p50")
        ax.plot(sizes, p95, marker="x", linestyle="--", color=line.get_color(), alpha=0.6, label=f"{mode} p95")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("latency, ms (warm, one query at a time)")
    ax.set_title("Search and ask latency by index size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return fig


def ingest(r: dict):
    rows = r.get("ingest", [])
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 4))
    x = range(len(rows))
    ax.bar([i - 0.2 for i in x], [row["chunks_per_s"] for row in rows], width=0.4, label="qa ingest (whole pipeline)")
    ax.bar([i + 0.2 for i in x], [row["raw_chunks_per_s"] for row in rows], width=0.4,
           label="raw SentenceTransformer.encode")
    ax.set_xticks(list(x), [row["corpus"] for row in rows])
    ax.set_ylabel("chunks/s")
    ax.set_title("Ingest throughput against the model's own limit")
    ax.legend()
    return fig


def concurrency(r: dict):
    levels = r.get("concurrency", {}).get("levels", [])
    if not levels:
        return None
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for endpoint in ("search", "ask"):
        rows = [lv for lv in levels if lv["endpoint"] == endpoint]
        clients = [lv["clients"] for lv in rows]
        left.plot(clients, [lv["rps"] for lv in rows], marker="o", label=f"/api/{endpoint}")
        right.plot(clients, [lv["p95"] for lv in rows], marker="o", label=f"/api/{endpoint}")
    left.set(xlabel="concurrent clients", ylabel="requests/s", title="Throughput")
    right.set(xlabel="concurrent clients", ylabel="p95 latency, ms", title="p95 latency")
    right.set_yscale("log")
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.grid(True, alpha=0.3)
        ax.legend()
    return fig


def peer(r: dict):
    p = r.get("peer", {})
    systems = [p[k] for k in ("qa", "txtai") if p.get(k)]
    if not systems:
        return None
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.5))
    names = [s["system"] for s in systems]
    for ax, key, label in ((axes[0], "index_s", "index time, s"), (axes[1], "p50", "query p50, ms"),
                           (axes[2], "ndcg10", "nDCG@10 (SciFact test)")):
        ax.bar(names, [s[key] for s in systems], color=["tab:blue", "tab:orange"][:len(systems)])
        ax.set_title(label)
    fig.suptitle("qa and txtai on SciFact, same model, same run", y=1.04)
    return fig
