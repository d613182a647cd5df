"""Benchmark text from the public data in ``../shared/eval``, read at run time, never copied in.

* SciFact (BEIR): each abstract is a release (title + text); the 300 test claims are the
  peer's queries, judged by ``qrels/test.tsv``.
* SQuAD v1.1 dev: each paragraph is a release titled after its article; the questions are
  query text.

``write_releases`` turns records into one Markdown file with YAML front matter per
release, so the ingest benchmark reads, parses and chunks real files as ``qa ingest`` does.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from qa.settings import PROJECT_ROOT


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    text: str


@dataclass
class SciFact:
    docs: list[Doc]
    queries: dict[str, str]  # test query id → claim
    qrels: dict[str, dict[str, float]]  # test query id → {doc id: gain}
    note: str = "full corpus, all test queries"


def read_scifact(folder: Path, max_docs: int | None = None, max_queries: int | None = None,
                 seed: int = 0) -> SciFact | None:
    """The SciFact corpus and test split; a subset keeps every judged document. None when absent."""
    corpus, queries_file, qrels_file = folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels" / "test.tsv"
    if not (corpus.exists() and queries_file.exists() and qrels_file.exists()):
        return None
    qrels: dict[str, dict[str, float]] = {}
    for line in qrels_file.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2].strip().lstrip("-").isdigit() and float(parts[2]) > 0:
            qrels.setdefault(parts[0], {})[parts[1]] = float(parts[2])
    wanted = list(qrels)[:max_queries] if max_queries else list(qrels)
    qrels = {q: qrels[q] for q in wanted}
    queries = {}
    for line in queries_file.open(encoding="utf-8"):
        q = json.loads(line)
        if q["_id"] in qrels:
            queries[q["_id"]] = q["text"]
    qrels = {q: rel for q, rel in qrels.items() if q in queries}
    docs = [Doc(str(d["_id"]), d.get("title") or "", d.get("text") or "")
            for d in map(json.loads, corpus.open(encoding="utf-8"))]
    note = f"full corpus ({len(docs):,} abstracts), {len(queries)} test queries"
    if max_docs and max_docs < len(docs):
        judged = {d for rel in qrels.values() for d in rel}
        others = sorted(d.id for d in docs if d.id not in judged)
        extra = set(random.Random(seed).sample(others, max(0, min(len(others), max_docs - len(judged)))))
        docs = [d for d in docs if d.id in judged or d.id in extra]
        note = (f"subset: {len(docs):,} abstracts (every one judged for the {len(queries)} test queries used, "
                f"the rest a random sample, seed {seed})")
    return SciFact(docs, queries, qrels, note)


def read_squad(path: Path, max_paragraphs: int | None = None) -> tuple[list[Doc], list[str]]:
    """(paragraphs as documents, questions) of SQuAD dev, in file order; empty when absent."""
    if not path.exists():
        return [], []
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    docs, questions = [], []
    for article in data:
        title = article["title"].replace("_", " ")
        for n, para in enumerate(article["paragraphs"], 1):
            docs.append(Doc(f"{_slug(article['title'])}-{n}", f"{title} ({n})", para["context"]))
            questions += [qa["question"] for qa in para["qas"]]
    return (docs[:max_paragraphs] if max_paragraphs else docs), questions


def sample_questions() -> list[str]:
    path = PROJECT_ROOT / "corpus" / "questions.jsonl"
    if not path.exists():
        return []
    return [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]


def write_releases(docs: list[Doc], folder: Path) -> int:
    """One Markdown file per document (``<id>.md``, front matter with the title); how many were written."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in docs:
        head = yaml.safe_dump({"title": d.title}, allow_unicode=True, width=10_000).strip()
        (folder / f"{d.id}.md").write_text(f"---\n{head}\n---\n\n{d.text}\n", encoding="utf-8")
    return len(docs)


def query_mix(n: int, *pools: list[str], seed: int = 0) -> list[str]:
    """``n`` distinct questions drawn evenly from the pools (real text only), in a fixed shuffled order."""
    rng = random.Random(seed)
    pools = [list(dict.fromkeys(p)) for p in pools if p]
    for p in pools:
        rng.shuffle(p)
    out: list[str] = []
    while len(out) < n and any(pools):
        for p in pools:
            if p and len(out) < n:
                out.append(p.pop())
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "doc"
