"""The benchmark report: ``report.json`` (every figure) and ``report.md`` (tables for people)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from qa.bench import profiling

MODES = ("dense", "bm25", "hybrid", "hybrid+rerank", "ask", "ask-extractive")


def write(results: dict, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "report.json", out / "report.md"
    json_path.write_text(json.dumps(results, indent=2, default=_jsonable, allow_nan=True))
    md_path.write_text(markdown(results))
    return md_path, json_path


def _jsonable(value):
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _f(value, digits: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int) or (isinstance(value, float) and abs(value) >= 1000):
        return f"{value:,.0f}{unit}"
    return f"{value:,.{digits}f}{unit}"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|",
            *("| " + " | ".join(r) + " |" for r in rows), ""]


def markdown(r: dict) -> str:
    lines = ["# qa benchmark", ""]
    lines += header(r)
    lines += ["## Targets", ""] + targets(r)
    lines += ["## 1. Ingest", ""] + ingest(r)
    lines += ["## 2. Queries", ""] + queries(r)
    lines += ["## 3. Concurrency", ""] + concurrency(r)
    lines += ["## 4. Peer: txtai on SciFact", ""] + peer(r)
    if r.get("crawl"):
        lines += ["## 5. Crawl + ingest (fixture force site on 127.0.0.1)", ""] + crawl(r)
    lines += ["## What limits it", ""] + limits(r)
    if r.get("errors"):
        lines += ["## Errors", ""] + [f"- section {e['section']}: {e['error']}" for e in r["errors"]] + [""]
    if r.get("notes"):
        lines += ["## Notes", ""] + [f"- {n}" for n in r["notes"]] + [""]
    return "\n".join(lines)


def header(r: dict) -> list[str]:
    m, c = r["machine"], r["config"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
    return [f"Run {m['started']} ({'quick' if c['quick'] else 'default'} plan, {r.get('seconds', 0) / 60:.1f} min), "
            f"git {m['git_commit']}, model `{c['model']}`.", "",
            f"- **Machine:** {m['cpu_count']} CPUs ({m['cpu_affinity']} usable; {m['cpu_model']}), "
            f"{m['memory_gb']} GB RAM, {m['platform']}, Python {m['python']}, torch threads {m['torch_threads']}",
            f"- **Load average** (1/5/15 min) at start {m['load_average']}, at end {r.get('load_average_end')}",
            f"- **Libraries:** {libs}",
            "- **Time per section:** " + ", ".join(f"{k} {v / 60:.1f} min" for k, v in
                                                   r.get("section_seconds", {}).items()),
            f"- **Plan:** sizes {', '.join(f'{n:,}' for n in c['sizes'])} chunks (flat index up to "
            f"{c['exact_index_max']:,}, IVF above), {c['queries']} questions per search mode, "
            f"{c['rerank_queries']} with rerank, {c['ask_queries']} for ask, clients {c['clients']} for "
            f"{c['load_seconds']:.0f} s each", ""]


def targets(r: dict) -> list[str]:
    rows = []
    for t in r.get("targets", []):
        verdict = "–" if t["met"] is None else ("met" if t["met"] else "**missed**")
        digits = 3 if t["unit"] in ("", "×") else 1
        rows.append([t["target"], t["where"], _f(t["measured"], digits, f" {t['unit']}".rstrip()),
                     _f(t["limit"], digits), verdict + (f": {t['miss']}" if t["miss"] else "")])
    return _table(["target", "where", "measured", "limit", "result"], rows)


def ingest(r: dict) -> list[str]:
    rows = [[x["corpus"], _f(x["files"]), _f(x["releases"]), _f(x["chunks"]), _f(x["seconds"]),
             _f(x["releases_per_s"]), _f(x["chunks_per_s"]),
             f"{_f(x['raw_chunks_per_s'])} ({_f(x['raw_chunks'])})", _f(x.get("model_chunks_per_s")),
             _f(x["gap"] * 100, 1, " %"),
             f"{_f(x['embed_s'])} / {_f(x['tokenize_s'])} / {_f(x['other_s'])}"] for x in r.get("ingest", [])]
    lines = _table(["corpus", "files", "releases", "chunks", "seconds", "releases/s", "chunks/s",
                    "raw encode chunks/s (texts)", "model inside ingest chunks/s", "gap to raw",
                    "model / tokenizer / rest (s)"], rows)
    lines += ["Each corpus is ingested from files into an empty index folder (so an empty embedding cache), then the "
              "model's own `SentenceTransformer.encode` runs on the same texts the ingest embedded (`title\\n` and "
              "each chunk's own sentences, read back from the snapshot; a seeded random sample of them when the "
              "corpus has more than "
              f"{r['config'].get('raw_encode_max') or 0:,}). Gap = 1 − pipeline chunks/s ÷ raw chunks/s. \"Model "
              "inside ingest\" is the same model's throughput during the ingest (its `embed_batch` time): the "
              "cross-check that the sample stands for the whole corpus. Model and tokenizer are loaded before "
              "either clock starts.", ""]
    for x in r.get("ingest", []):
        if x.get("hot_spots"):
            lines += [f"Profile of the ingest of {x['corpus']} (its first {x['hot_spots'].get('files', '?')} files "
                      f"again, embedding cache warm so the model is out of the picture; pyinstrument, "
                      f"`profiles/{x['hot_spots'].get('file', '')}`): {profiling.describe(x['hot_spots'], 5)}", ""]
    return lines


def crawl(r: dict) -> list[str]:
    c = r["crawl"]
    runs = [("rate limit off, first crawl", c["rate_off"]), ("again, site unchanged", c["unchanged"]),
            (f"rate limit {c['rate_on']['rate']:g}/s, first {c['rate_on']['requests']} requests", c["rate_on"])]
    rows = [[name, _f(x["requests"]), _f(x["downloads"]), _f(x["not_modified"]), _f(x["releases"]),
             _f(x.get("embedded")), _f(x["crawl_s"]), _f(x.get("ingest_s")), _f(x["total_s"]),
             _f(x["pages_per_s"]), _f(x["wait_share"] * 100, 1, " %")] for name, x in runs]
    lines = _table(["run", "requests", "downloaded", "304", "releases", "chunks embedded", "crawl s", "ingest s",
                    "total s", "pages/s", "waiting for the rate limit"], rows)
    first = c["rate_off"]
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in first["crawl_steps_s"].items())
    lines += [f"The site holds {c['site_releases']:,} releases ({c['generated']:,} generated) with their listing "
              f"pages, sitemap, feed and traps; the crawl starts at its news listing, as `qa ingest URL` does. "
              f"Where the first run's time went: crawl {first['crawl_s']:.1f} s ({steps}; fetch includes the "
              f"fixture server, which runs in this process), ingest {first['ingest_s']:.1f} s (model "
              f"{first['embed_s']:.1f} s, tokenizer {first['tokenize_s']:.1f} s, the rest "
              f"{first['ingest_other_s']:.1f} s). At the default rate of 1 request/s the same first crawl would "
              f"take at least {first['requests']:,} s: on a real site the rate limit, not qa, sets the pace.", ""]
    return lines


def queries(r: dict) -> list[str]:
    rows, index_rows = [], []
    for q in r.get("queries", []):
        w = q.get("worker", {})
        for mode in MODES:
            s = w.get("modes", {}).get(mode)
            if s:
                rows.append([_f(q["chunks"]), mode, _f(s["n"]), _f(s["p50"]), _f(s["p95"]), _f(s["p99"]),
                             _f(w.get("embed_ms", {}).get(mode))])
        ivf = q.get("ivf") or {}
        index_rows.append([_f(q["chunks"]), _f(q["real_chunks"]), q["kind"] + (f" (nlist {q['nlist']}, nprobe "
                                                                               f"{q['nprobe']})" if q.get("nprobe") else ""),
                           _f(q.get("recall10"), 3), f"{_f(ivf.get('recall10'), 3)} (nlist {ivf.get('nlist', '–')}, "
                           f"nprobe {ivf.get('nprobe', '–')})", _f(q["build_s"]),
                           _f(w.get("rss_mb", {}).get("rss")), _f(w.get("rss_mb", {}).get("peak")), _f(q["disk_mb"]),
                           _f(q.get("seconds", 0) / 60)])
    lines = _table(["chunks", "mode", "queries", "p50 ms", "p95 ms", "p99 ms", "of which query embedding, p50 ms"],
                   rows)
    lines += _table(["chunks", "real chunks", "index served", "recall@10 vs exact", "IVF by formula: recall@10",
                     "build s", "RSS MB", "peak RSS MB", "on disk MB", "minutes for this size"], index_rows)
    lines += [r.get("scale_note", ""), ""]
    lines += keyword_indexes(r)
    for q in r.get("queries", []):
        for name, spots in (q.get("worker", {}).get("hot_spots") or {}).items():
            if spots:
                lines += [f"- {q['chunks']:,} chunks, {name}: {profiling.describe(spots, 4)}"]
    return lines + [""]


def keyword_indexes(r: dict) -> list[str]:
    """The keyword backends side by side at each size (``qa.bench.keyword_bench``)."""
    rows = []
    for q in r.get("queries", []):
        kw = q.get("keywords") or {}
        for name, b in kw.get("backends", {}).items():
            if "skipped" in b:
                rows.append([_f(q["chunks"]), name, b["skipped"], "", "", "", "", "", ""])
                continue
            lat, fil = b["latency"], b["filtered"]
            rows.append([_f(q["chunks"]), name, _f(b["build_s"]), _f(b["disk_mb"]), _f(lat["p50"]), _f(lat["p95"]),
                         _f(lat["p99"]), _f(fil["p50"]), _f(fil["p95"])])
    if not rows:
        return []
    k = next((q["keywords"]["k"] for q in r.get("queries", []) if q.get("keywords")), 50)
    return ["Keyword indexes side by side (`qa.bench.keyword_bench`): each built from the same chunks, then asked the "
            f"same questions, top {k}, one thread; filtered = one chunk in ten allowed (qa.keywords' allowed-id "
            "path). The snapshot itself was served with `QA_KEYWORD_INDEX="
            f"{r.get('config', {}).get('keyword_index', '?')}`.", "",
            *_table(["chunks", "keyword index", "build s", "on disk MB", "p50 ms", "p95 ms", "p99 ms",
                     "filtered p50 ms", "filtered p95 ms"], rows)]


def concurrency(r: dict) -> list[str]:
    c = r.get("concurrency", {})
    if c.get("skipped"):
        return [f"Not run: {c['skipped']}", ""]
    rows = [[f"/api/{x['endpoint']}", _f(x["clients"]), _f(x["requests"]), _f(x["rps"]), _f(x["p50"]), _f(x["p95"]),
             _f(x["errors"]), "; ".join(x.get("error_examples", []))[:120]] for x in c.get("levels", [])]
    rss = c.get("server_rss_mb", {})
    return _table(["endpoint", "clients", "requests", "requests/s", "p50 ms", "p95 ms", "errors", "error examples"],
                  rows) + [f"`qa serve` (uvicorn, one process, as a user starts it) over the {_f(c.get('chunks'))}-chunk "
                           f"index on 127.0.0.1, started in {_f(c.get('start_s'))} s; clients are asyncio httpx "
                           f"connections sending back to back for {_f(c.get('seconds'))} s per level. Server RSS after "
                           f"the load: {_f(rss.get('rss'))} MB (peak {_f(rss.get('peak'))} MB).", ""] + _memory(c)


def _memory(c: dict) -> list[str]:
    m = c.get("memory")
    if not m:
        return []
    rows = [[x["after"], _f(x.get("vmrss")), _f(x.get("rssanon")), _f(x.get("threads")),
             _f(m["growth_mb"][i - 1]) if i else "–"] for i, x in enumerate(m["rows"])]
    return ["Serving memory (`qa.bench.memory`), right after the load above: "
            f"{m['warm']} requests to warm up, then batches of {m['per_batch']} (asks and searches in turn) from "
            f"{m['clients']} clients; {m['errors']} error(s). Target: each batch within {_f(m['flat_mb'])} MB of the "
            "one before.", "", *_table(["after", "RSS MB", "anonymous MB", "threads", "growth MB"], rows)]


def peer(r: dict) -> list[str]:
    p = r.get("peer", {})
    if p.get("skipped"):
        return [f"Not run: {p['skipped']}", ""]
    rows = [[x["system"], _f(x["docs"]), _f(x.get("tokens_embedded")), _f(x["index_s"]),
             _f(x["docs"] / x["index_s"] if x["index_s"] else None), _f(x["p50"]), _f(x["p95"]), _f(x["ndcg10"], 3)]
            for x in (p.get("qa"), p.get("txtai")) if x]
    return _table(["system", "abstracts", "word pieces embedded", "index s", "abstracts/s", "query p50 ms",
                   "query p95 ms", "nDCG@10"],
                  rows) + [p.get("note", ""), ""]


def limits(r: dict) -> list[str]:
    """For each missed target, the profile of the work behind it (pyinstrument hot spots)."""
    out = []
    by_size = {q["chunks"]: q for q in r.get("queries", [])}
    ingest_rows = {x["corpus"]: x for x in r.get("ingest", [])}
    for t in r.get("targets", []):
        if t["met"] is not False:
            continue
        head = f"- **{t['target']}** ({t['where']}), {t['miss']}: "
        size = _size_of(t["where"])
        spots = None
        if t["target"].startswith(("hybrid search", "ask")) and size in by_size:
            spots = (by_size[size].get("worker", {}).get("hot_spots") or {}).get(
                "ask" if t["target"].startswith("ask") else "hybrid")
            w = by_size[size]["worker"]
            mode = "ask" if t["target"].startswith("ask") else "hybrid"
            head += (f"embedding the query{' and the candidate sentences' if mode == 'ask' else ''} takes "
                     f"{_f(w['embed_ms'].get(mode))} of {_f(w['modes'][mode]['p50'])} ms at p50. ")
        elif t["target"].startswith("ingest") and t["where"] in ingest_rows:
            x = ingest_rows[t["where"]]
            spots = x.get("hot_spots")
            head += (f"of {_f(x['seconds'])} s, the model took {_f(x['embed_s'])} s, the tokenizer "
                     f"{_f(x['tokenize_s'])} s and the rest {_f(x['other_s'])} s. ")
        elif t["target"].startswith("index time") and r.get("peer", {}).get("qa"):
            p = r["peer"]
            config = r.get("config", {})
            head += (f"qa embeds {_f(p['qa'].get('tokens_embedded'))} word pieces against txtai's "
                     f"{_f(p['txtai'].get('tokens_embedded'))} (chunks of ≤ {config.get('chunk_tokens', '?')}, the "
                     f"title in each and each sentence once ({config.get('chunk_overlap', 1)} sentence(s) of overlap "
                     f"read but not embedded), against one truncated vector per abstract). ")
        elif t["target"].startswith("recall"):
            head += "more lists probed (nprobe) buys recall for time; see the IVF columns. "
        out.append(head + (f"Profile: {profiling.describe(spots, 4)}." if spots else ""))
    return (out or ["Every measured target was met."]) + [""]


def _size_of(where: str) -> int | None:
    head = where.split(" chunks", 1)[0].replace(",", "")
    return int(head) if head.isdigit() else None
