"""One benchmark run, section after section; a section that fails is reported, the others still run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path

from qa.bench import corpora, plots, report, scale, targets
from qa.bench.config import BenchConfig
from qa.bench.ingest_bench import IngestBench
from qa.bench.measure import machine
from qa.settings import PROJECT_ROOT, Settings
from qa.vectors import make_embedder

WARM = 3


class BenchRunner:
    """Runs ingest, peer, queries and concurrency for one ``BenchConfig`` and writes the report."""

    def __init__(self, config: BenchConfig, settings: Settings, log=lambda msg: print(msg, file=sys.stderr)) -> None:
        self.config = config
        self.settings = settings.model_copy(update={"model": config.model, "exact_index_max": config.exact_index_max})
        self.log = log
        self.embedder = make_embedder(config.model, self.settings.batch_size)
        self.results: dict = {}
        self.scifact: corpora.SciFact | None = None
        self.squad_docs: list[corpora.Doc] = []
        self.questions: list[str] = []
        self.recall_questions: list[str] = []
        self.ingested: dict = {}
        self.served_index: tuple[Path, int] | None = None

    def run(self) -> dict:
        c = self.config
        started = time.perf_counter()
        shutil.rmtree(c.work_dir, ignore_errors=True)
        c.work_dir.mkdir(parents=True)
        self.results = {"machine": machine(), "config": {**asdict(c), "out": str(c.out), "eval_dir": str(c.eval_dir),
                                                 "chunk_tokens": self.settings.chunk_tokens,
                                                 "chunk_overlap": self.settings.chunk_overlap,
                                                 "embed_dtype": self.embedder_dtype(),
                                                 "keyword_index": self.settings.keyword_index},
                        "notes": list(c.notes), "errors": []}
        try:
            self._section("data", self.load_data)
            self._section("ingest", self.ingest)
            self._section("peer", self.peer)
            self._section("crawl", self.crawl)
            self._section("queries", self.queries)
            self._section("concurrency", self.concurrency)
        finally:
            shutil.rmtree(c.work_dir, ignore_errors=True)
        r = self.results
        r["targets"] = targets.check(r)
        r["seconds"] = time.perf_counter() - started
        r["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        busy = r["machine"]["load_average"][0]  # at the end, the load is the concurrency section's own clients
        if busy > (os.cpu_count() or 1):
            r["notes"].append(f"The machine was busy with other work (1-minute load average {busy:.1f} at the start, on "
                              f"{os.cpu_count()} CPUs): every timing here is slower than on a quiet machine, and "
                              f"ratios measured in this run (pipeline ÷ raw encode, qa ÷ txtai) are the figures to "
                              f"trust.")
        r["plots"] = plots.write_all(r, c.out)
        report.write(r, c.out)
        return r

    def embedder_dtype(self) -> str:
        """The number format the embedding model computes in (the hash fake has none: float32)."""
        return getattr(self.embedder, "dtype", "float32")

    def _section(self, name: str, fn) -> None:
        self.log(f"[bench] {name} …")
        t0 = time.perf_counter()
        try:
            fn()
        except Exception as exc:  # one broken section must not lose the others' measurements
            self.results["errors"].append({"section": name, "error": f"{type(exc).__name__}: {exc}",
                                           "traceback": traceback.format_exc()})
            self.log(f"[bench] {name} failed: {type(exc).__name__}: {exc}")
        seconds = time.perf_counter() - t0
        self.results.setdefault("section_seconds", {})[name] = seconds
        self.log(f"[bench] {name} done in {seconds:.0f} s")

    # --- sections ---

    def load_data(self) -> None:
        c = self.config
        self.scifact = corpora.read_scifact(c.eval_dir / "scifact", c.scifact_docs, c.peer_queries, c.seed)
        self.squad_docs, squad_questions = corpora.read_squad(c.eval_dir / "squad" / "dev-v1.1.json",
                                                              c.squad_paragraphs)
        if self.scifact is None:
            self.results["notes"].append(f"no SciFact in {c.eval_dir}: the large ingest corpus and the peer are "
                                         f"skipped, and the query indexes grow from the sample corpus alone")
        claims = list(self.scifact.queries.values()) if self.scifact else []
        n = max(c.queries, c.rerank_queries, c.ask_queries) + WARM
        self.questions = corpora.query_mix(n, claims, squad_questions, corpora.sample_questions(), seed=c.seed)
        self.recall_questions = corpora.query_mix(c.recall_queries, claims, squad_questions,
                                                  corpora.sample_questions(), seed=c.seed + 1)
        if not self.questions:
            raise RuntimeError("no questions to time: neither ../shared/eval nor corpus/questions.jsonl was found")

    def ingest(self) -> None:
        c = self.config
        bench = IngestBench(self.settings, self.embedder, c.work_dir,
                            c.out / "profiles" if c.profile else None, profile_files=100 if c.quick else 500,
                            raw_max=c.raw_encode_max, seed=c.seed)
        bench.warm_up()
        folders = [("sample corpus" if self.settings.corpus_dir == PROJECT_ROOT / "corpus" else "corpus folder",
                    self.settings.corpus_dir)]
        if self.scifact:
            folders.append(("SciFact abstracts", c.work_dir / "corpora" / "scifact"))
            corpora.write_releases(self.scifact.docs, folders[-1][1])
        if self.squad_docs:
            folders.append(("SQuAD paragraphs", c.work_dir / "corpora" / "squad"))
            corpora.write_releases(self.squad_docs, folders[-1][1])
        self.ingested = {}
        self.results["ingest"] = []
        for name, folder in folders:
            self.log(f"[bench]   ingest {name} ({folder})")
            result = bench.run(name.split()[0].lower(), folder)
            result.corpus = name
            self.ingested[name] = result
            self.results["ingest"].append(result.as_dict())

    def crawl(self) -> None:
        from qa.bench import crawl_bench

        self.results["crawl"] = crawl_bench.run(self.settings, self.embedder, self.config.work_dir,
                                                pages=self.config.crawl_pages)

    def peer(self) -> None:
        from qa.bench import peer
        from qa.service import Service
        from qa.vectors import resolve_model_path

        ours = self.ingested.get("SciFact abstracts")
        skipped = None
        if self.scifact is None or ours is None:
            skipped = "SciFact is not in the eval folder (or its ingest failed)"
        elif self.config.model.startswith("hash"):
            skipped = f"txtai needs a sentence-transformers model; this run uses {self.config.model}"
        else:
            try:
                import txtai  # noqa: F401
            except ImportError:
                skipped = "txtai is not installed (pip install '.[bench]')"
        if skipped:
            self.results["peer"] = {"skipped": skipped}
            return
        service = Service(self.settings.model_copy(update={"index_dir": Path(ours.index_dir)}), self.embedder)
        self.log("[bench]   qa on SciFact")
        mine = peer.run_qa(self.scifact, service, ours.seconds, lambda source: Path(source).stem)
        service.snapshots.get().close()
        self.log("[bench]   txtai on SciFact")
        theirs = peer.run_txtai(self.scifact, resolve_model_path(self.config.model))
        mine["tokens_embedded"], theirs["tokens_embedded"] = self._peer_tokens(Path(ours.index_dir))
        dropped = len(self.scifact.docs) - ours.releases
        self.results["peer"] = {"qa": mine, "txtai": theirs, "note": (
            f"SciFact {self.scifact.note}. qa's index time is its ingest of the abstracts as files (parse, chunk, "
            f"embed, SQLite/FTS5, the {self.settings.keyword_index} keyword index, FAISS, publish: {ours.chunks:,} "
            f"chunks of ≤ {self.settings.chunk_tokens} word pieces, {self.settings.chunk_overlap} sentence(s) of "
            f"overlap read but not embedded, embedded in {self.embedder_dtype()}); txtai indexes one vector per "
            f"abstract (the "
            f"model truncates at 256 word pieces) plus its BM25 terms. {dropped} abstract(s) with a body identical "
            f"to another were merged by qa's ingest. txtai config: {theirs.get('config')}. qa reranker: "
            f"{mine.get('reranker')}.")}

    def _peer_tokens(self, index_dir: Path) -> tuple[int, int]:
        """Word pieces each side sends through the model: qa's chunks, txtai's abstracts cut at the model's limit."""
        from qa.bench.ingest_bench import chunk_texts

        limit = int(getattr(self.embedder, "max_tokens", 256))
        ours = sum(n + 2 for n in self.embedder.count_tokens(chunk_texts(index_dir)))
        docs = self.embedder.count_tokens([f"{d.title}\n{d.text}" for d in self.scifact.docs])
        return ours, sum(min(limit, n + 2) for n in docs)

    def queries(self) -> None:
        from qa.bench import keyword_bench
        from qa.index import FaissIndex
        from qa.snapshot import current_dir

        c = self.config
        ingested = self.ingested
        bases = [Path(ingested[k].index_dir) for k in ("SciFact abstracts", "SQuAD paragraphs") if k in ingested]
        base = scale.load_base(bases or [Path(r.index_dir) for r in ingested.values()])
        qv = self.embedder.embed_batch(self.recall_questions)
        self.results["scale_note"] = (
            f"The indexes are grown from {len(base):,} real chunks embedded by this run's ingest "
            f"({', '.join(p.name for p in bases) or 'sample corpus'}): above that, copies of whole releases "
            f"whose chunk vectors are real vectors plus Gaussian noise of norm {c.perturbation} (cosine ≈ "
            f"{1 / (1 + c.perturbation ** 2) ** 0.5:.2f} to the original), texts reused so BM25 indexes real "
            f"words. Recall@10 is measured with {len(self.recall_questions)} real questions against exact "
            f"(flat) search over the same vectors. Latency is measured in a fresh process per size "
            f"(`qa.bench.query_worker`), whose resident memory is the RSS shown.")
        self.results["queries"] = []
        for n in c.sizes:
            self.log(f"[bench]   {n:,} chunks: build")
            t_size = time.perf_counter()
            built, vectors = scale.build(c.work_dir / f"index-{n}", base, n, self.settings.exact_index_max,
                                         c.perturbation, c.seed, self.settings.keyword_index)
            truth = scale.exact_top10(vectors, qv)
            served = FaissIndex.load(current_dir(built.index_dir) / "vectors.faiss")
            row = {**asdict(built), "index_dir": str(built.index_dir),
                   "recall10": scale.recall_at_10(truth, qv, served)}
            row["ivf"] = scale.ivf_recall(vectors, qv, truth, c.seed) if built.kind == "flat" else {
                "recall10": row["recall10"], "nlist": built.nlist, "nprobe": built.nprobe}
            del vectors, served
            self.log(f"[bench]   {n:,} chunks: queries")
            row["worker"] = self._worker(built.index_dir, f"{n}")
            self.log(f"[bench]   {n:,} chunks: keyword indexes side by side")
            row["keywords"] = keyword_bench.compare(keyword_bench.rows_of(current_dir(built.index_dir) / "qa.sqlite"),
                                                    self.questions[:c.queries], c.work_dir / f"keywords-{n}",
                                                    log=self.log)
            row["seconds"] = time.perf_counter() - t_size
            self.results["queries"].append(row)
            if self.served_index is None:
                self.served_index = (built.index_dir, n)
            else:
                shutil.rmtree(built.index_dir, ignore_errors=True)

    def _worker(self, index_dir: Path, label: str) -> dict:
        c = self.config
        job = {"settings": self.settings.model_copy(update={"index_dir": index_dir}).model_dump(mode="json"),
               "questions": self.questions, "queries": c.queries, "rerank_queries": c.rerank_queries,
               "ask_queries": c.ask_queries, "profile": c.profile, "profile_dir": str(c.out / "profiles"),
               "profile_queries": 10 if c.quick else 20, "label": label}
        job_path, out_path = c.work_dir / f"job-{label}.json", c.work_dir / f"result-{label}.json"
        job_path.write_text(json.dumps(job))
        proc = subprocess.run([sys.executable, "-m", "qa.bench.query_worker", str(job_path), str(out_path)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"the query worker failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
        return json.loads(out_path.read_text())

    def concurrency(self) -> None:
        from qa.bench import memory
        from qa.bench.load import Server, run_load

        c = self.config
        if self.served_index is None or not c.clients:
            reason = "no query index was built" if self.served_index is None else "no client counts were given"
            self.results["concurrency"] = {"skipped": reason}
            return
        index_dir, n = self.served_index
        with Server(index_dir, c.model, c.out / "server.log") as server:
            self.log(f"[bench]   server on {server.url}, {n:,} chunks")
            levels = run_load(server.url, self.questions, c.clients, c.load_seconds, self.settings.top_k)
            rss = server.rss()
            self.log(f"[bench]   serving memory: {c.memory_batches} batches of {c.memory_per_batch} requests")
            growth = memory.measure(server.url, server.proc.pid, self.questions, c.memory_batches,
                                    c.memory_per_batch, k=self.settings.top_k)
        self.results["concurrency"] = {"chunks": n, "start_s": server.started_s, "seconds": c.load_seconds,
                                       "server_rss_mb": rss, "levels": levels, "memory": growth}
