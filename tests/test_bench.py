"""``qa bench`` at toy sizes with the hash-64 fake: the report is written and well formed.

Timings are never asserted (the machine is shared); what is checked is that every section
ran, that its figures are present and consistent (counts, percentile order, recall in
[0, 1]), and that the Markdown, JSON and PNG files say the same thing.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from qa.bench import scale, targets
from qa.bench.config import BenchConfig, parse_sizes
from qa.bench.runner import BenchRunner
from qa.chunks import Chunk
from qa.cli import app
from qa.errors import ConfigError
from qa.releases import Release

TOPICS = ["insulin", "vitamin D", "statins", "aspirin", "microglia", "telomeres", "influenza", "malaria"]


def write_eval(root: Path) -> Path:
    """A tiny SciFact/SQuAD look-alike: 40 abstracts, 6 judged claims, 6 paragraphs with questions."""
    sci = root / "scifact"
    (sci / "qrels").mkdir(parents=True)
    docs = []
    for i in range(40):
        topic = TOPICS[i % len(TOPICS)]
        text = " ".join(f"Trial {i}.{j} found that {topic} changed outcome {j} in {10 + i * j} patients, "
                        f"compared with placebo." for j in range(6))
        docs.append({"_id": str(1000 + i), "title": f"Effects of {topic} in cohort {i}", "text": text})
    (sci / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in docs))
    queries = [{"_id": str(q), "text": f"{TOPICS[q]} changes outcomes in patients"} for q in range(6)]
    (sci / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in queries))
    (sci / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + "".join(
        f"{q}\t{1000 + q}\t1\n" for q in range(6)))
    squad = root / "squad"
    squad.mkdir()
    data = {"data": [{"title": f"Article_{a}", "paragraphs": [
        {"context": f"The city of Town{a}{p} was founded in {1800 + a * 10 + p}. It has {p + 2} bridges.",
         "qas": [{"id": f"{a}{p}", "question": f"When was Town{a}{p} founded?", "answers": []}]}
        for p in range(3)]} for a in range(2)]}
    (squad / "dev-v1.1.json").write_text(json.dumps(data))
    return root


def tiny_config(tmp_path: Path, clients: tuple[int, ...] = ()) -> BenchConfig:
    return BenchConfig(out=tmp_path / "out", model="hash-64", eval_dir=write_eval(tmp_path / "eval"),
                       sizes=(300, 900), exact_index_max=500, quick=True, scifact_docs=None, squad_paragraphs=None,
                       queries=6, rerank_queries=2, ask_queries=3, recall_queries=8, clients=clients,
                       load_seconds=0.5, peer_queries=None, profile=False, crawl_pages=20, memory_batches=2,
                       memory_per_batch=6)


def check_report(out: Path, config: BenchConfig) -> dict:
    results = json.loads((out / "report.json").read_text())
    md = (out / "report.md").read_text()
    assert results["errors"] == []
    assert results["machine"]["cpu_count"] == os.cpu_count()
    assert {"torch", "faiss-cpu", "sentence-transformers"} <= set(results["machine"]["libraries"])
    assert f"{os.cpu_count()} CPUs" in md and "faiss-cpu" in md

    ingest = {row["corpus"]: row for row in results["ingest"]}
    assert set(ingest) == {"corpus folder", "SciFact abstracts", "SQuAD paragraphs"}
    assert ingest["SciFact abstracts"]["releases"] == 40 and ingest["SQuAD paragraphs"]["releases"] == 6
    for row in ingest.values():
        assert row["chunks"] >= row["releases"] > 0
        assert row["raw_chunks"] == row["chunks"]  # the raw encode ran on exactly the pipeline's chunk texts
        assert row["chunks_per_s"] > 0 and row["raw_chunks_per_s"] > 0
        assert 0 <= row["embed_s"] <= row["seconds"]
        assert f"| {row['corpus']} |" in md

    rows = results["queries"]
    assert [r["chunks"] for r in rows] == list(config.sizes)
    assert [r["kind"] for r in rows] == ["flat", "ivf"]  # 900 > exact_index_max 500
    for r in rows:
        assert 0.0 <= r["recall10"] <= 1.0 and 0.0 <= r["ivf"]["recall10"] <= 1.0
        assert r["disk_mb"] > 0 and r["worker"]["rss_mb"]["rss"] > 0
        modes = r["worker"]["modes"]
        assert set(modes) == {"dense", "bm25", "hybrid", "hybrid+rerank", "ask", "ask-extractive"}
        assert modes["hybrid"]["n"] == config.queries and modes["ask"]["n"] == config.ask_queries
        for s in modes.values():
            assert s["p50"] <= s["p95"] <= s["p99"] <= s["max"]
            assert len(s["samples_ms"]) == s["n"]
    assert rows[0]["recall10"] == 1.0  # the flat index is the exact search
    for r in rows:  # the keyword backends side by side, over the same chunks
        kw = r["keywords"]
        assert kw["chunks"] == r["chunks"] and kw["questions"] == config.queries and kw["k"] == 50
        assert {"fts5", "tantivy"} <= set(kw["backends"])
        for name, b in kw["backends"].items():
            if "skipped" in b:
                assert name == "bm25s"
                continue
            assert b["build_s"] >= 0 and b["disk_mb"] > 0
            for s in (b["latency"], b["filtered"]):
                assert s["n"] == config.queries and s["p50"] <= s["p95"] <= s["p99"]
            assert f"| {r['chunks']:,} | {name} |" in md
    assert "Keyword indexes side by side" in md and results["config"]["keyword_index"] == "tantivy"

    assert "txtai needs a sentence-transformers model" in results["peer"]["skipped"]
    names = {t["target"] for t in results["targets"]}
    assert {"hybrid search p50", "recall@10 vs exact", "ahead of txtai", "errors under concurrent clients"} <= names
    for t in results["targets"]:
        assert t["met"] in (True, False, None)
        assert (t["met"] is False) == t["miss"].startswith("missed by")
    crawl = results["crawl"]
    assert crawl["rate_off"]["releases"] == crawl["site_releases"] == 12 + 20
    assert crawl["rate_off"]["embedded"] > 0 and crawl["rate_off"]["wait_share"] == 0
    assert crawl["unchanged"]["downloads"] == 0 and crawl["unchanged"]["embedded"] == 0
    assert 0 < crawl["rate_on"]["wait_share"] < 1
    for heading in ("## Targets", "## 1. Ingest", "## 2. Queries", "## 3. Concurrency", "## 4. Peer", "## 5. Crawl"):
        assert heading in md
    for name in ("latency.png", "ingest.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (out / "work").exists()
    return results


def test_smoke_run_writes_a_well_formed_report(tmp_path: Path, qa_env) -> None:
    config = tiny_config(tmp_path)
    results = BenchRunner(config, qa_env).run()
    check_report(config.out, config)
    assert results["concurrency"] == {"skipped": "no client counts were given"}


@pytest.mark.slow  # starts `qa serve`
def test_smoke_run_with_concurrency(tmp_path: Path, qa_env) -> None:
    config = tiny_config(tmp_path, clients=(1, 4))
    results = BenchRunner(config, qa_env).run()
    check_report(config.out, config)
    levels = results["concurrency"]["levels"]
    assert [(lv["endpoint"], lv["clients"]) for lv in levels] == [("search", 1), ("search", 4), ("ask", 1),
                                                                  ("ask", 4)]
    for lv in levels:
        assert lv["requests"] > 0 and lv["errors"] == 0, lv["error_examples"]
    assert (config.out / "concurrency.png").read_bytes()[:4] == b"\x89PNG"
    assert "| /api/ask | 4 |" in (config.out / "report.md").read_text()
    memory = results["concurrency"]["memory"]
    assert memory["errors"] == 0 and [r["after"] for r in memory["rows"]] == ["warm-up", "batch 1", "batch 2"]
    assert all(r["vmrss"] > 0 and r["threads"] >= 1 for r in memory["rows"]) and len(memory["growth_mb"]) == 2
    assert "Serving memory" in (config.out / "report.md").read_text()


def test_grow_keeps_real_chunks_first_and_makes_exactly_n() -> None:
    body = "One. Two. Three."
    releases = [Release(f"r{i}", f"T{i}", body, "s") for i in range(3)]
    chunks = [Chunk(f"r{i}", seq, 0, 4, "One.", f"T{i}") for i in range(3) for seq in range(2)]
    vectors = np.eye(6, 8, dtype=np.float32)
    base = scale.BaseSet(releases, chunks, vectors, "hash-8", 256)
    rel, ch, vec = scale.grow(base, 17, sigma=0.5)
    assert len(ch) == 17 and vec.shape == (17, 8)
    assert ch[:6] == chunks and np.array_equal(vec[:6], vectors)
    assert {c.release_id for c in ch} <= {r.id for r in rel}
    assert np.allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-5)
    cos = np.sum(vec[6:12] * vectors, axis=1)  # copy 1 of each chunk stays near its original
    assert np.all((cos > 0.6) & (cos < 0.9999))


def test_sizes_parse_and_bad_sizes_are_a_message() -> None:
    assert parse_sizes("10000, 100k,1m") == (10_000, 100_000, 1_000_000)
    with pytest.raises(ConfigError, match="not 'ten'"):
        parse_sizes("10000,ten")
    result = CliRunner().invoke(app, ["bench", "--sizes", "0"])
    assert result.exit_code == 2 and "--sizes must be positive" in result.output
    assert "Traceback" not in result.output


def test_a_missed_target_says_by_how_much() -> None:
    results = {"queries": [{"chunks": 10_000, "kind": "flat", "recall10": 1.0,
                            "worker": {"modes": {"hybrid": {"p50": 30.0}, "ask": {"p50": 100.0}}}}]}
    checks = {t["target"]: t for t in targets.check(results)}
    assert checks["hybrid search p50"]["met"] is False
    assert checks["hybrid search p50"]["miss"] == "missed by 5 ms (20% over)"
    assert checks["ask (reader, the default) p50"]["met"] is True
    assert checks["serving-process RSS"]["met"] is None
    assert not math.isnan(checks["recall@10 vs exact"]["measured"])


def test_pq_bench_grows_the_same_vectors_again_and_its_exact_search_is_exact(monkeypatch):
    """The 10M benchmark makes each batch of vectors twice (to build, then to search exactly): both must agree."""
    import numpy as np

    from qa.bench import pq_bench

    monkeypatch.setattr(pq_bench, "BATCH", 1_000)
    rng = np.random.default_rng(0)
    base = rng.standard_normal((300, 16)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    whole = np.concatenate(list(pq_bench.batches(base, 3_500, 0.5, seed=4)))
    assert whole.shape == (3_500, 16) and np.allclose(np.linalg.norm(whole, axis=1), 1, atol=1e-5)
    assert np.array_equal(whole[2_000:3_000], pq_bench.grown(base, 2_000, 3_000, 0.5, seed=4))
    queries = base[:7]
    top = pq_bench.exact_top(base, 3_500, queries, 10, 0.5, seed=4)
    assert np.array_equal(top, np.argsort(-(queries @ whole.T), axis=1, kind="stable")[:, :10])


def test_the_texts_read_back_from_a_snapshot_are_the_texts_the_ingest_embedded(built_index) -> None:
    """The raw-encode comparison and the word-piece count read the embedded texts back from the store: each
    chunk's title and its own sentences, without the overlap it shares with the chunk before."""
    from qa.bench.ingest_bench import chunk_texts
    from qa.chunks import Chunker
    from qa.releases import load_corpus

    settings = built_index.settings
    releases = sorted(load_corpus([settings.corpus_dir], settings.corpus_dir).releases, key=lambda r: (r.source, r.id))
    chunker = Chunker(built_index.embedder.count_tokens, settings.chunk_tokens, overlap=settings.chunk_overlap)
    expected = [c.embed_text for r in releases for c in chunker.chunk(r)]
    read_back = chunk_texts(settings.index_dir)
    assert read_back == expected
    assert sum(len(t) for t in read_back) < sum(len(c.title) + 1 + len(c.text) for r in releases
                                                 for c in chunker.chunk(r))  # the overlap is not in them
