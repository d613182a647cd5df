"""Issue 7: an incremental ingest after random edits equals an ingest of the final corpus from scratch."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.ingest import ingest
from qa.passages import LiveSnapshot, Retriever
from qa.snapshot import Snapshot
from qa.store import Filters

from conftest import make_settings
from qa.vectors import HashEmbedder

PARAGRAPHS = [
    "Officers arrested a man in Stevenage on Monday after a burglary at a house on the High Street.",
    "Police are appealing for witnesses to a collision on the A505 near Hitchin on Tuesday evening.",
    "The Police and Crime Commissioner has announced £1m of funding for extra patrols in hotspot areas.",
    "A woman has been charged with fraud after taking money from elderly residents in Watford.",
    "Volunteers from the Special Constabulary gave more than 20,000 hours of their time last year.",
    "Detectives investigating a stabbing in St Albans have released CCTV images of two men.",
    "The county's anti-slavery partnership brings together 30 organisations to protect victims.",
    "Anyone with information can call 101 or contact Crimestoppers anonymously on 0800 555 111.",
    "Road closures will be in place on Saturday while officers carry out a planned operation.",
    "The Chief Constable thanked staff for their hard work during a challenging winter.",
]
TITLES = ["Burglary Arrest in Stevenage", "Appeal After Hitchin Crash", "Funding for Hotspot Patrols",
          "Fraud Charge in Watford", "Special Constables Thanked", "CCTV Appeal After Stabbing"]
QUERIES = ["burglary arrest Stevenage", "witnesses collision", "anti-slavery organisations", "funding patrols"]

body_st = st.lists(st.integers(0, len(PARAGRAPHS) - 1), min_size=1, max_size=4).map(
    lambda ps: "\n\n".join(PARAGRAPHS[p] for p in ps))


@st.composite
def content(draw) -> str:
    kind = draw(st.sampled_from(["txt", "md", "json", "page"]))
    title = draw(st.sampled_from(TITLES))
    body = draw(body_st)
    if kind == "txt":
        return body + "\n"
    if kind == "md":
        day = draw(st.integers(1, 28))
        return f"---\ntitle: {title}\ndate: 2023-05-{day:02d}\nurl: https://example.org/{day}\n---\n\n{body}\n"
    if kind == "json":
        records = [{"title": title, "date": "2022-01-02", "body": body}]
        if draw(st.booleans()):
            records.append({"title": draw(st.sampled_from(TITLES)), "body": draw(body_st)})
        return json.dumps(records)
    # a page of two titled releases, each long enough to count as one
    second = draw(st.sampled_from(TITLES))
    filler = " ".join(PARAGRAPHS[:3])
    return f"Site Header Line\n{title}\n{body}\n{filler}\n\n{second}\n{draw(body_st)}\n{filler}\n"


NAMES = [f"release-{n}" for n in range(6)]
EXT = {"txt": ".txt", "md": ".md", "json": ".json", "page": ".txt"}
edit = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(NAMES), content()),  # add or change
    st.tuples(st.just("remove"), st.sampled_from(NAMES), st.none()),
)


def suffix(text: str) -> str:
    return ".md" if text.startswith("---") else ".json" if text.startswith("[") else ".txt"


def apply(corpus: Path, op: str, name: str, text: str | None) -> None:
    for old in corpus.glob(f"{name}.*"):
        old.unlink()
    if op == "write":
        (corpus / f"{name}{suffix(text)}").write_text(text)


def snapshot_state(settings, embedder) -> dict:
    snap = Snapshot.open(settings.index_dir, settings.model)
    try:
        releases = [tuple(r) for r in snap.store._all("SELECT * FROM releases ORDER BY id")]
        chunks = [tuple(r) for r in snap.store._all('SELECT * FROM chunks ORDER BY id')]
        vectors = snap.index.index.reconstruct_n(0, snap.index.ntotal) if snap.index.ntotal else np.zeros((0,))
        m = snap.manifest
        manifest = (m.model, m.dim, m.index_type, m.releases, m.chunks, m.corpus_fingerprint, m.chunk_tokens,
                    m.keyword_index)
        assert m.keyword_index == settings.keyword_index and snap.keywords.kind == m.keyword_index
        assert (snap.path / "keywords" / "meta.json").is_file() == (m.keyword_index == "tantivy")
        # the keyword index alone, deeper than the fused top 5: same chunks, same scores
        keyword_hits = [[(c, round(s, 4)) for c, s in snap.keywords.search(q, 20)] for q in QUERIES]
    finally:
        snap.close()
    retriever = Retriever(embedder, LiveSnapshot(settings.index_dir, settings.model))
    results = [[(p.chunk_id, p.release_id, round(p.score, 6)) for p in retriever.search(q, 5, f)]
               for q in QUERIES for f in (None, Filters(since="2023-01-01"))]
    return {"releases": releases, "chunks": chunks, "vectors": vectors, "manifest": manifest, "results": results,
            "keyword_hits": keyword_hits}


@settings(max_examples=int(os.environ.get("QA_HYPOTHESIS_EXAMPLES", 15)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(initial=st.lists(st.tuples(st.sampled_from(NAMES), content()), max_size=4),
       batches=st.lists(st.lists(edit, min_size=1, max_size=4), min_size=1, max_size=3))
def test_incremental_ingest_equals_a_rebuild(initial, batches):
    embedder = HashEmbedder(64, "hash-64")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        corpus.mkdir()
        for name, text in initial:
            apply(corpus, "write", name, text)
        live = make_settings(root)
        ingest(live, embedder)
        for batch in batches:
            for op, name, text in batch:
                apply(corpus, op, name, text)
            report = ingest(live, embedder)
            assert report.releases == Snapshot.open(live.index_dir).store.counts()[0]
        scratch = live.model_copy(update={"index_dir": root / "scratch"})
        fresh = ingest(scratch, embedder)
        assert fresh.embedded == fresh.chunks
        a, b = snapshot_state(live, embedder), snapshot_state(scratch, embedder)
        assert a["releases"] == b["releases"]
        assert a["chunks"] == b["chunks"]
        assert np.array_equal(a["vectors"], b["vectors"])
        assert a["manifest"] == b["manifest"]
        assert a["results"] == b["results"]
        assert a["keyword_hits"] == b["keyword_hits"]
