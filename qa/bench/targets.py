"""The issue's targets, checked against one run's results; a miss says by how much.

Timings are never asserted anywhere: the machine is shared and noisy. A target here is a
line in the report, with the measured figure, the limit and the distance between them.
"""

from __future__ import annotations

import math

from qa.bench.ingest_bench import GAP_TARGET, MIN_CHUNKS
from qa.bench.memory import FLAT_MB

SMALL = 10_000
LARGE = 1_000_000


def _check(name: str, measured: float | None, limit: float, unit: str, higher_is_better: bool = False,
           where: str = "") -> dict:
    if measured is None or (isinstance(measured, float) and math.isnan(measured)):
        return {"target": name, "where": where, "measured": None, "limit": limit, "unit": unit, "met": None,
                "miss": "not measured"}
    met = measured >= limit if higher_is_better else measured <= limit
    miss = ""
    if not met:
        gap = (limit - measured) if higher_is_better else (measured - limit)
        rel = f" ({gap / limit:.0%} {'under' if higher_is_better else 'over'})" if limit and unit != "%" else ""
        unit = " percentage points" if unit == "%" else (f" {unit}" if unit else "")
        miss = f"missed by {gap:,.3g}{unit}{rel}"
    return {"target": name, "where": where, "measured": measured, "limit": limit, "unit": unit, "met": met,
            "miss": miss}


def check(results: dict) -> list[dict]:
    out: list[dict] = []
    for row in results.get("queries", []):
        n, modes = row["chunks"], row.get("worker", {}).get("modes", {})
        hybrid = modes.get("hybrid", {}).get("p50")
        if n <= SMALL:
            out.append(_check("hybrid search p50", hybrid, 25.0, "ms", where=f"{n:,} chunks"))
            out.append(_check("ask (reader, the default) p50", modes.get("ask", {}).get("p50"), 300.0, "ms",
                              where=f"{n:,} chunks"))
        else:
            label = "" if n >= LARGE else " (the 1M limit, applied below 1M too)"
            out.append(_check(f"hybrid search p50{label}", hybrid, 60.0, "ms", where=f"{n:,} chunks"))
        out.append(_check("recall@10 vs exact", row.get("recall10"), 0.95, "", higher_is_better=True,
                          where=f"{n:,} chunks, {row.get('kind', '?')} index"))
        if n >= LARGE:
            out.append(_check("serving-process RSS", row.get("worker", {}).get("rss_mb", {}).get("rss"), 3072.0,
                              "MB", where=f"{n:,} chunks"))
    if not any(r["chunks"] >= LARGE for r in results.get("queries", [])):
        out.append(_check("serving-process RSS", None, 3072.0, "MB", where="1M chunks (run with --with-1m)"))
    for row in results.get("ingest", []):
        if row.get("chunks", 0) >= MIN_CHUNKS:  # a 14-release folder measures start-up costs, not throughput
            out.append(_check("ingest throughput gap to raw encode", row["gap"] * 100, GAP_TARGET * 100, "%",
                              where=row["corpus"]))
    peer = results.get("peer", {})
    ours, theirs = peer.get("qa"), peer.get("txtai")
    if ours and theirs:
        out.append(_check("query p50 vs txtai (qa ÷ txtai)", ours["p50"] / theirs["p50"], 1.0, "×",
                          where="SciFact test"))
        out.append(_check("nDCG@10 vs txtai (qa − txtai)", ours["ndcg10"] - theirs["ndcg10"], 0.0, "",
                          higher_is_better=True, where="SciFact test"))
        out.append(_check("index time vs txtai (qa ÷ txtai)", ours["index_s"] / theirs["index_s"], 1.0, "×",
                          where="SciFact corpus"))
    else:
        out.append(_check("ahead of txtai", None, 0.0, "", where=peer.get("skipped", "peer not run")))
    if not results.get("concurrency", {}).get("levels"):
        out.append(_check("errors under concurrent clients", None, 0.0, "errors",
                          where=results.get("concurrency", {}).get("skipped", "not run")))
    growth = results.get("concurrency", {}).get("memory", {})
    out.append(_check("serving RSS growth per batch of 150 requests", growth.get("max_growth_mb"), FLAT_MB, "MB",
                      where=f"largest of {len(growth.get('growth_mb', []))} batches after warm-up" if growth
                      else "not run"))
    for level in results.get("concurrency", {}).get("levels", []):
        if level["clients"] == max(lv["clients"] for lv in results["concurrency"]["levels"]):
            out.append(_check("errors under concurrent clients", float(level["errors"]), 0.0, "errors",
                              where=f"/api/{level['endpoint']}, {level['clients']} clients"))
    return out
