"""The keyword backends side by side: FTS5, tantivy and (when installed) bm25s over the same chunks.

Each backend is built from the same (id, title, text) rows in a scratch folder, its build
timed, then asked the same questions one after another (top 50, one thread, three warm-up
questions first): p50/p95/p99 in milliseconds. Also timed: the same questions with a filter
that allows one chunk in ten (the allowed-id path of :mod:`qa.keywords`). FTS5's build is
its ``rebuild`` over a filled ``chunks`` table (the chunk rows themselves are the store's,
written whatever the keyword index); tantivy's is ``TantivyKeywords.build``, what ingest runs.
bm25s (measured only, not a dependency) gets the title and text as one field, the project's
stopwords and PyStemmer's English stemmer, k1 = 1.2, b = 0.75, numpy backend.

``make bench`` runs this on each scale index (the real chunks grown by copies, a realistic
question mix). ``python -m qa.bench.keyword_bench --docs 1000000`` runs it on a synthetic
corpus shaped like releases (``synthetic_corpus``): 64-token chunks and 8-token titles
whose content words follow a Zipf–Mandelbrot law, p(rank r) ∝ 1 / (r + 2.7), over the
sample corpus's words by frequency ("police" first, in two thirds of the chunks) and made-up
words after them, 40% of tokens stopwords; the questions are four content words drawn from
the same law, so about half of them hold a word that one chunk in five or more holds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from qa.bench.measure import folder_mb, latency_summary
from qa.keywords import Fts5Keywords, TantivyKeywords
from qa.settings import PROJECT_ROOT
from qa.store import STOPWORDS, Store

K = 50
WARM = 3
FILTER_SHARE = 10  # the filtered run allows every 10th chunk
Search = Callable[[str, int, "np.ndarray | None"], list]


def rows_of(db_path: Path) -> list[tuple[int, str, str]]:
    """(id, title, text) of every chunk of a snapshot's ``qa.sqlite``."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [(int(i), t, x) for i, t, x in db.execute("SELECT id, title, text FROM chunks ORDER BY id")]
    finally:
        db.close()


BACKENDS = ("fts5", "tantivy", "bm25s")


def compare(rows: Sequence[tuple[int, str, str]], questions: Sequence[str], work: Path, k: int = K,
            log=lambda msg: None, backends: Sequence[str] = BACKENDS, done=lambda result: None) -> dict:
    """{backend: build_s, disk_mb, latency summaries (unfiltered and filtered)} over the same rows and questions;
    ``done`` sees the result so far after each backend."""
    work.mkdir(parents=True, exist_ok=True)
    allowed = np.arange(0, len(rows), FILTER_SHARE, dtype=np.int64)
    out: dict = {"chunks": len(rows), "questions": len(questions), "k": k, "filtered_share": 1 / FILTER_SHARE,
                 "backends": {}}
    builders = {"fts5": _fts5, "tantivy": _tantivy, "bm25s": _bm25s}
    for name in backends:
        build = builders[name]
        log(f"[bench]     keywords {name}: build over {len(rows):,} chunks")
        folder = work / name
        try:
            built = build(rows, folder)
        except ImportError as exc:
            out["backends"][name] = {"skipped": f"not installed ({exc.name or exc})"}
            continue
        search, close, build_s = built
        result = {"build_s": build_s, "disk_mb": folder_mb(folder)}
        log(f"[bench]     keywords {name}: {len(questions)} questions")
        result["latency"] = _time(search, questions, k, None)
        result["filtered"] = _time(search, questions, k, allowed)
        close()
        shutil.rmtree(folder, ignore_errors=True)
        out["backends"][name] = result
        done(out)
    return out


def _time(search: Search, questions: Sequence[str], k: int, allowed: np.ndarray | None) -> dict:
    for q in questions[:WARM]:
        search(q, k, allowed)
    ms, found = [], []
    for q in questions:
        t0 = time.perf_counter()
        hits = search(q, k, allowed)
        ms.append((time.perf_counter() - t0) * 1000)
        found.append(len(hits))
    return {**latency_summary(ms), "mean_hits": float(np.mean(found)) if found else 0.0}


def _fts5(rows, folder: Path):
    folder.mkdir(parents=True)
    store = Store.create(folder / "qa.sqlite")
    with store.db:
        store.db.executemany('INSERT INTO chunks (id, release_id, seq, start, "end", title, text) '
                             "VALUES (?, '', 0, 0, 0, ?, ?)", rows)
    t0 = time.perf_counter()
    store.index_words()
    build_s = time.perf_counter() - t0
    store.close()
    reader = Store(folder / "qa.sqlite")
    index = Fts5Keywords(reader)
    return index.search, reader.close, build_s


def _tantivy(rows, folder: Path):
    t0 = time.perf_counter()
    TantivyKeywords.build(folder, rows)
    build_s = time.perf_counter() - t0
    index = TantivyKeywords.open(folder, len(rows))
    return index.search, index.close, build_s


def _bm25s(rows, folder: Path):
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    stopwords = sorted(STOPWORDS)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    tokens = bm25s.tokenize([f"{t}\n{x}" for _, t, x in rows], stopwords=stopwords, stemmer=stemmer,
                            show_progress=False)
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(tokens, show_progress=False)
    build_s = time.perf_counter() - t0
    retriever.save(str(folder))
    ids = np.array([i for i, _, _ in rows], dtype=np.int64)

    def search(question: str, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        query = bm25s.tokenize([question], stopwords=stopwords, stemmer=stemmer, return_ids=False,
                               show_progress=False)[0]
        query = [w for w in query if w in retriever.vocab_dict]
        if not query:
            return []
        mask = None
        if allowed is not None:
            mask = np.zeros(len(ids), dtype=np.float32)
            mask[allowed] = 1.0
        docs, scores = retriever.retrieve([query], k=min(k, len(ids)), show_progress=False, n_threads=1,
                                          weight_mask=mask)
        return [(int(ids[d]), float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    return search, lambda: None, build_s


# --- a synthetic corpus shaped like releases ---

def vocabulary(size: int, corpus_dir: Path = PROJECT_ROOT / "corpus") -> list[str]:
    """Content words by frequency: "police" first, then the sample corpus's, then made-up words up to ``size``."""
    counts: Counter[str] = Counter()
    for path in sorted(corpus_dir.glob("*")):
        if path.suffix in (".md", ".txt"):
            counts.update(w for w in re.findall(r"[a-z]{3,}", path.read_text(errors="replace").lower())
                          if w not in STOPWORDS)
    words = ["police"] + [w for w, _ in counts.most_common() if w != "police"]
    n = 0
    while len(words) < size:
        n += 1
        words.append(_made_up(n))
    return words[:size]


def _made_up(n: int) -> str:
    letters = "bcdfghjklmnprstvwz"
    vowels = "aeiou"
    out = ""
    while True:
        n, r = divmod(n, len(letters) * len(vowels))
        out += letters[r % len(letters)] + vowels[r // len(letters)]
        if not n:
            return out + "x"


def zipf(size: int, q: float = 2.7, s: float = 1.0) -> np.ndarray:
    p = 1.0 / (np.arange(1, size + 1) + q) ** s
    return p / p.sum()


def synthetic_corpus(n: int, tokens: int = 64, title_tokens: int = 8, vocab: int = 50_000, stop_share: float = 0.4,
                     seed: int = 0) -> list[tuple[int, str, str]]:
    rng = np.random.default_rng(seed)
    words = np.array(vocabulary(vocab))
    stops = np.array(sorted(STOPWORDS))
    p = zipf(vocab)
    out = []
    block = 20_000
    for lo in range(0, n, block):
        m = min(block, n - lo)
        content = words[rng.choice(vocab, size=(m, tokens + title_tokens), p=p)]
        stop = stops[rng.integers(0, len(stops), size=(m, tokens))]
        is_stop = rng.random((m, tokens)) < stop_share
        body = np.where(is_stop, stop, content[:, :tokens])
        out += [(lo + i, " ".join(content[i, tokens:]), " ".join(body[i])) for i in range(m)]
    return out


def synthetic_questions(n: int, words: int = 4, vocab: int = 50_000, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    names = np.array(vocabulary(vocab))
    p = zipf(vocab)
    return [" ".join(names[rng.choice(vocab, size=words, replace=False, p=p)]) for _ in range(n)]


def markdown(result: dict) -> str:
    lines = [f"{result['chunks']:,} chunks, {result['questions']} questions, top {result['k']}, one thread; "
             f"filtered: 1 chunk in {FILTER_SHARE} allowed.", "",
             "| backend | build s | on disk MB | p50 ms | p95 ms | p99 ms | filtered p50 ms | filtered p95 ms |",
             "|---|---|---|---|---|---|---|---|"]
    for name, b in result["backends"].items():
        if "skipped" in b:
            lines.append(f"| {name} | {b['skipped']} | | | | | | |")
            continue
        lat, fil = b["latency"], b["filtered"]
        lines.append(f"| {name} | {b['build_s']:.1f} | {b['disk_mb']:.0f} | {lat['p50']:.1f} | {lat['p95']:.1f} | "
                     f"{lat['p99']:.1f} | {fil['p50']:.1f} | {fil['p95']:.1f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "reports" / "keyword-bench")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports" / "keyword-bench.json")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated, of: " + ", ".join(BACKENDS))
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not backends or set(backends) - set(BACKENDS):
        parser.error(f"--backends takes names of: {', '.join(BACKENDS)}")
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    t0 = time.perf_counter()
    rows = synthetic_corpus(args.docs)
    questions = synthetic_questions(args.queries)
    log(f"[bench] {len(rows):,} synthetic chunks made in {time.perf_counter() - t0:.0f} s")
    shutil.rmtree(args.work, ignore_errors=True)
    common = Counter(w for _, _, x in rows[:20_000] for w in set(x.split()))
    about = {"corpus": "synthetic (qa.bench.keyword_bench.synthetic_corpus)",
             "police_share": common["police"] / min(len(rows), 20_000)}
    args.out.parent.mkdir(parents=True, exist_ok=True)

    def save(result: dict) -> None:  # after each backend: a run cut short keeps what it measured
        args.out.write_text(json.dumps({**result, **about, "load_average": os.getloadavg()}, indent=2))

    result = compare(rows, questions, args.work, log=log, backends=backends, done=save)
    print(markdown(result))
    shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":  # pragma: no cover - a measurement run by hand
    sys.exit(main())
