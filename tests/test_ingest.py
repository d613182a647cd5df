"""The ingest run: incremental changes, other folders, model changes, and the CLI commands."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from qa.bench.ingest_bench import chunk_texts as embedded_texts
from qa.errors import IndexIncompatible, IndexMissing, QaError
from qa.ingest import ingest, is_stale
from qa.snapshot import Snapshot
from qa.vectors import HashEmbedder

runner = CliRunner()


def said(result) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())
JPS = "herts-jps-year-in-review"
HOTSPOT = "herts-operation-hotspot-page"


class CountingEmbedder(HashEmbedder):
    """The hash fake, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__(64, "hash-64")
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        return super().embed_batch(texts)


def chunk_texts(settings) -> dict[str, list[str]]:
    """Each release's embedded texts (title and the chunk's own sentences: the overlap is not embedded)."""
    snap = Snapshot.open(settings.index_dir)
    try:
        ids = [r["release_id"] for r in snap.store._all("SELECT release_id FROM chunks ORDER BY id")]
    finally:
        snap.close()
    out: dict[str, list[str]] = {}
    for rid, text in zip(ids, embedded_texts(settings.index_dir), strict=True):
        out.setdefault(rid, []).append(text)
    return out


def check_consistent(settings) -> Snapshot:
    snap = Snapshot.open(settings.index_dir, settings.model)
    releases, chunks = snap.store.counts()
    assert (snap.manifest.releases, snap.manifest.chunks, snap.index.ntotal) == (releases, chunks, chunks)
    ids = [r[0] for r in snap.store._all("SELECT id FROM chunks ORDER BY id")]
    assert ids == list(range(chunks))
    # the published snapshot holds its keyword index, over the same chunks
    assert snap.manifest.keyword_index == settings.keyword_index == snap.keywords.kind
    if snap.keywords.kind == "tantivy":
        assert (snap.path / "keywords" / "meta.json").is_file() and snap.keywords.searcher.num_docs == chunks
    return snap


def test_first_ingest_adds_everything(hash_settings):
    embedder = CountingEmbedder()
    report = ingest(hash_settings, embedder)
    assert len(report.added) == report.releases == 14
    assert report.updated == report.removed == [] and report.unchanged == 0 and report.skipped == []
    assert report.embedded == report.chunks == len(embedder.texts) == len(set(embedder.texts))
    check_consistent(hash_settings).close()
    assert not is_stale(hash_settings)


def test_incremental_ingest_reports_and_embeds_only_changes(built_index):
    settings = built_index.settings
    corpus = settings.corpus_dir
    before = chunk_texts(settings)

    embedder = CountingEmbedder()
    report = ingest(settings, embedder)
    assert (report.added, report.updated, report.removed, report.unchanged) == ([], [], [], 14)
    assert report.embedded == 0 and embedder.texts == []

    jps = corpus / "herts-jps-year-in-review.md"
    jps.write_text(jps.read_text().replace("since tri-force collaboration in 2012", "since tri-force work began", 1))
    (corpus / "herts-operation-hotspot-page.txt").unlink()
    (corpus / "new-appeal.md").write_text(
        "---\ntitle: Appeal after Hitchin crash\ndate: 2024-02-01\n---\nPolice are appealing for witnesses to a "
        "collision on the A505 near Hitchin on Tuesday evening. A cyclist was taken to hospital.\n")
    assert is_stale(settings)
    embedder = CountingEmbedder()
    report = ingest(settings, embedder)
    assert report.added == ["new-appeal"]
    assert report.updated == [JPS]
    assert report.removed == [HOTSPOT]
    assert report.unchanged == 12
    after = chunk_texts(settings)
    new_texts = {t for rid, texts in after.items() for t in texts} - {t for ts in before.values() for t in ts}
    assert set(embedder.texts) == new_texts and len(embedder.texts) == report.embedded
    assert 2 <= report.embedded <= len(after[JPS]) + len(after["new-appeal"])
    assert HOTSPOT not in after and "new-appeal" in after
    check_consistent(settings).close()
    assert not is_stale(settings)


def test_title_change_updates_and_re_embeds_that_release_only(built_index):
    settings = built_index.settings
    jps = settings.corpus_dir / "herts-jps-year-in-review.md"
    jps.write_text(jps.read_text().replace('title: "Joint Protective Services', 'title: "JPS', 1))
    embedder = CountingEmbedder()
    report = ingest(settings, embedder)
    assert report.updated == [JPS] and report.unchanged == 13
    assert report.embedded == len(chunk_texts(settings)[JPS]) == len(embedder.texts)
    assert all(t.startswith("JPS – A Year in Review\n") for t in embedder.texts)


def test_ingesting_another_folder_keeps_existing_releases(built_index, tmp_path):
    settings = built_index.settings
    extra = tmp_path / "a-folder-outside-the-corpus-with-a-rather-long-name" / "extra"
    extra.mkdir(parents=True)
    for name, place in (("b", "Watford"), ("c", "Stevenage")):
        (extra / f"{name}.txt").write_text(f"Officers arrested a man in {place} on Friday after a report of "
                                           f"a burglary at a house on the high street.\n")
    report = ingest(settings, built_index.embedder, [extra])
    assert len(report.added) == 2 and report.removed == [] and report.releases == 16
    ids = set(report.added)
    assert all(rid.endswith(("extra-b", "extra-c")) for rid in ids)

    # Adding a file that sorts first changes no other release's id.
    (extra / "a.txt").write_text("Police closed the A1(M) near Welwyn for three hours after a lorry fire.\n")
    report = ingest(settings, built_index.embedder, [extra])
    assert len(report.added) == 1 and report.updated == [] and report.unchanged == 2

    # Re-ingesting the corpus folder keeps the other folder's releases; removing from it removes.
    report = ingest(settings, built_index.embedder)
    assert report.removed == [] and report.releases == 17 and report.unchanged == 14
    (extra / "b.txt").unlink()
    report = ingest(settings, built_index.embedder, [extra])
    assert [r for r in report.removed] == [next(i for i in ids if i.endswith("extra-b"))]
    assert report.releases == 16
    check_consistent(settings).close()


def _with_extra_folder(built_index, tmp_path) -> tuple[Path, set[str]]:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "b.txt").write_text("Officers arrested a man in Watford on Friday after a burglary on the high street.\n")
    report = ingest(built_index.settings, built_index.embedder, [extra])
    assert report.releases == 15
    return extra, set(report.added)


@pytest.mark.parametrize("damage", ["keyword index", "vector index", "format"])
def test_a_damaged_index_loses_no_release_from_other_folders(built_index, tmp_path, damage):
    """Re-ingesting the corpus over a snapshot whose indexes cannot be opened keeps the other folder's releases."""
    import shutil

    from qa import keywords
    from qa.snapshot import current_dir

    settings = built_index.settings
    _, extra_ids = _with_extra_folder(built_index, tmp_path)
    live = current_dir(settings.index_dir)
    if damage == "keyword index":
        shutil.rmtree(live / keywords.FOLDER)
    elif damage == "vector index":
        (live / "vectors.faiss").write_bytes(b"garbage")
    else:
        manifest = json.loads((live / "manifest.json").read_text())
        (live / "manifest.json").write_text(json.dumps({**manifest, "format": 0}))
    with pytest.raises(QaError):
        Snapshot.open(settings.index_dir)
    report = ingest(settings, built_index.embedder)
    assert report.releases == 15 and report.removed == [] and report.unchanged == 14
    snap = check_consistent(settings)
    assert all(snap.store.release(rid) is not None for rid in extra_ids)
    snap.close()


def test_an_unreadable_release_store_changes_nothing_until_rebuild(built_index, tmp_path):
    from qa.snapshot import current_dir

    settings = built_index.settings
    extra, extra_ids = _with_extra_folder(built_index, tmp_path)
    live = current_dir(settings.index_dir)
    (live / "qa.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(QaError, match=r"releases already indexed .* cannot be read .* nothing was changed: run "
                                      r"`qa ingest --rebuild`"):
        ingest(settings, built_index.embedder)
    assert current_dir(settings.index_dir) == live
    report = ingest(settings, built_index.embedder, [settings.corpus_dir, extra], rebuild=True)
    assert report.releases == 15 and set(report.added) >= extra_ids
    check_consistent(settings).close()
    from qa.cli import app

    assert "--rebuild" in runner.invoke(app, ["ingest", "--help"]).output


def test_ingest_of_a_missing_path_is_refused(built_index, tmp_path):
    with pytest.raises(QaError, match="does not exist"):
        ingest(built_index.settings, built_index.embedder, [tmp_path / "nowhere"])


def test_no_index_is_a_clear_error(hash_settings):
    with pytest.raises(IndexMissing, match="run `qa ingest`"):
        Snapshot.open(hash_settings.index_dir)


def test_index_of_another_model_is_refused(built_index):
    index_dir = built_index.settings.index_dir
    with pytest.raises(IndexIncompatible, match=r"built with model 'hash-64'.*run `qa ingest` to re-embed"):
        Snapshot.open(index_dir, model="all-MiniLM-L6-v2")
    with pytest.raises(IndexIncompatible, match=r"64-dimensional.*makes 384.*run `qa ingest`"):
        Snapshot.open(index_dir, dim=384)
    from qa.service import Service

    other = built_index.settings.model_copy(update={"model": "hash-32"})
    with pytest.raises(IndexIncompatible, match="re-embed"):
        Service(other).retriever.search("anti-slavery partnership")


def test_re_ingest_with_another_model_rebuilds(built_index):
    settings = built_index.settings.model_copy(update={"model": "hash-32"})
    embedder = CountingEmbedder()
    embedder.dim, embedder.name = 32, "hash-32"
    report = ingest(settings, embedder)
    assert report.embedded == report.chunks
    snap = Snapshot.open(settings.index_dir, "hash-32", 32)
    assert snap.manifest.dim == 32 and snap.index.dim == 32
    snap.close()


def test_another_chunk_overlap_makes_the_index_stale_and_rechunks(built_index):
    assert built_index.settings.chunk_overlap == 1 and not is_stale(built_index.settings)
    settings = built_index.settings.model_copy(update={"chunk_overlap": 0})
    assert is_stale(settings)
    report = ingest(settings, CountingEmbedder())
    assert 0 < report.chunks < built_index.report.chunks  # no sentence is embedded twice
    snap = Snapshot.open(settings.index_dir, "hash-64", 64)
    assert snap.manifest.chunk_overlap == 0 and not is_stale(settings)
    rows = snap.store.db.execute('SELECT release_id, start, "end" FROM chunks ORDER BY release_id, seq').fetchall()
    snap.close()
    assert all(a[2] <= b[1] for a, b in zip(rows, rows[1:]) if a[0] == b[0])


def test_search_returns_cited_passages(built_index):
    passages = built_index.service.retriever.search("anti-slavery partnership organisations", k=3)
    assert len(passages) == 3
    snap = Snapshot.open(built_index.settings.index_dir)
    for p in passages:
        body = snap.store.release(p.release_id).body
        assert body[p.start:p.end] == p.text
        assert p.source and p.title and set(p.scores) >= {"rrf"}
    snap.close()


# --- the CLI, with the hash model ---


def test_cli_ingest_stats_and_search(qa_env):
    from qa.cli import app

    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 2 and "run `qa ingest` to build one" in said(result)

    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0, result.output
    assert "added 14, updated 0, removed 0, unchanged 0, skipped 0" in said(result)
    assert "14 releases" in said(result)

    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["releases"] == 14 and stats["chunks"] >= 14 and stats["model"] == "hash-64"
    assert stats["dim"] == 64 and stats["index_type"] == "flat" and stats["corpus_fingerprint"]

    result = runner.invoke(app, ["ingest", "--if-stale"])
    assert result.exit_code == 0 and "up to date" in said(result)

    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0 and "unchanged 14" in said(result)

    result = runner.invoke(app, ["search", "Home Affairs Select Committee", "-k", "3", "--mode", "bm25", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["question"] == "Home Affairs Select Committee" and len(data["results"]) == 3
    top = data["results"][0]
    assert top["release_id"].endswith("pcc-to-appear-before-home-affairs-select")
    assert {"text", "title", "start", "end", "source", "score", "scores", "url", "published"} <= set(top)

    result = runner.invoke(app, ["search", "Home Affairs", "--since", "2019-01-01", "--json"])
    assert {r["release_id"] for r in json.loads(result.stdout)["results"]} == {JPS}  # the only one dated 2019
    result = runner.invoke(app, ["search", "Home Affairs", "--until", "2019-06-12", "--json"])
    dated_2017 = {r["release_id"] for r in json.loads(result.stdout)["results"]}  # dated from their text
    assert dated_2017 == {"herts-pcc-news-page-commissioner-supports-herts-anti-slavery",
                          "herts-pcc-news-page-new-herts-hate-crime-strategy"}
    assert {r["date_source"] for r in json.loads(result.stdout)["results"]} == {"weekday"}
    result = runner.invoke(app, ["search", "Home Affairs", "--until", "2017-01-01", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["results"] == []
    result = runner.invoke(app, ["search", "arrests", "--source", "herts-jps", "--json"])
    assert {r["release_id"] for r in json.loads(result.stdout)["results"]} == {JPS}


def test_cli_refuses_an_index_of_another_model(qa_env, monkeypatch):
    from qa.cli import app
    from qa.settings import get_settings

    assert runner.invoke(app, ["ingest"]).exit_code == 0
    monkeypatch.setenv("QA_MODEL", "hash-32")
    get_settings.cache_clear()
    result = runner.invoke(app, ["search", "anti-slavery"])
    assert result.exit_code == 2
    assert "re-embed" in said(result) and "Traceback" not in said(result)


def test_cli_ingest_exit_code_says_a_file_was_skipped(qa_env):
    from qa.cli import app

    (qa_env.corpus_dir / "empty.txt").write_text("")
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 1
    assert "skipped: empty.txt: empty file" in said(result)


def test_a_second_concurrent_ingest_is_refused(built_index):
    import fcntl

    settings = built_index.settings
    with open(settings.index_dir / ".ingest.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(QaError, match="another `qa ingest` is running"):
            ingest(settings, built_index.embedder)
    assert ingest(settings, built_index.embedder).unchanged == 14


def _contents(settings) -> tuple[list[tuple], np.ndarray, dict[str, int]]:
    """A snapshot's chunk rows, its vectors (read back from the index) and its BM25 word counts."""
    snap = Snapshot.open(settings.index_dir, settings.model)
    try:
        rows = [tuple(r) for r in snap.store._all('SELECT id, release_id, seq, start, "end", title, text FROM chunks '
                                                   "ORDER BY id")]
        vectors = snap.index.index.reconstruct_n(0, snap.index.ntotal)
        counts = snap.store.term_counts(["hotspot", "arrests", "commissioner", "slavery"])
        assert snap.keywords.searcher.num_docs == len(rows)
    finally:
        snap.close()
    return rows, vectors, counts


def test_ingest_a_few_releases_at_a_time_builds_the_same_snapshot(hash_settings, tmp_path):
    """Releases are chunked, stored and embedded a batch at a time (QA_INGEST_BATCH), so memory holds one
    batch's chunks and vectors; the snapshot is the one a single batch gives: chunk ids run on across batches."""
    ingest(hash_settings, HashEmbedder(64, "hash-64"))
    batched = hash_settings.model_copy(update={"ingest_batch": 3, "index_dir": tmp_path / "batched"})
    report = ingest(batched, HashEmbedder(64, "hash-64"))
    (rows, vectors, counts), (rows3, vectors3, counts3) = _contents(hash_settings), _contents(batched)
    assert report.chunks == len(rows3) == len(rows) > 14 and rows3 == rows
    assert np.array_equal(vectors3, vectors) and counts3 == counts and min(counts.values()) > 0
    check_consistent(batched).close()


def test_a_corpus_past_the_pq_size_gets_ivfpq_from_vectors_never_all_in_memory(hash_settings, tmp_path):
    """From QA_PQ_INDEX_MIN chunks the index is IVF-PQ, built from the scratch file of vectors in slices; the
    exact vectors beside it are the chunks' own, and the scratch file is not published."""
    corpus = tmp_path / "many"
    corpus.mkdir()
    words = "officers arrested seized patrols burglary county court appeal witness vehicle".split()
    for r in range(600):
        body = " ".join(f"Sentence {s} of release {r} says {words[(r + s) % 10]} {words[(r * s) % 10]} "
                        f"{words[s % 10]} near road {r * 31 + s}." for s in range(20))
        (corpus / f"r{r:04d}.md").write_text(f"# Release {r}\n\n{body}\n")
    settings = hash_settings.model_copy(update={"corpus_dir": corpus, "chunk_tokens": 32, "chunk_overlap": 0,
                                                "exact_index_max": 1_000, "pq_index_min": 10_000,
                                                "ingest_batch": 250})
    embedder = HashEmbedder(64, "hash-64")
    report = ingest(settings, embedder)
    assert report.chunks >= 10_000
    snap = check_consistent(settings)
    try:
        assert snap.manifest.index_type == snap.index.kind == "ivfpq"
        assert not [p.name for p in snap.path.iterdir() if p.name.endswith(".tmp")]
        texts = embedded_texts(settings.index_dir)
        own = embedder.embed_batch(texts[:2_000])
        assert np.allclose(np.asarray(snap.index.exact[:2_000], np.float32), own, atol=1e-3)
        _, ids = snap.index.search(own[:50], 1)
        assert (ids[:, 0] == np.arange(50)).mean() >= 0.9  # a chunk's own vector finds it
    finally:
        snap.close()


def test_ingest_streams_releases_a_batch_at_a_time_in_source_order(hash_settings, tmp_path, monkeypatch):
    """The releases are read into a scratch store, not memory, and handed to the chunker QA_INGEST_BATCH at a
    time in (source, id) order, whatever order the folders were given in, kept releases from another folder
    among them. While a batch is chunked, no other release is held in memory; the
    scratch store is not published."""
    import gc

    from qa.chunks import Chunker
    from qa.releases import Release

    def write(folder: Path, names: str) -> Path:
        folder.mkdir()
        for name in names:
            (folder / f"{name}.txt").write_text(f"Officers in Stream-{name} arrested a man on Friday after a "
                                                f"burglary at house number {ord(name)} on the high street.\n")
        return folder

    first, second = write(tmp_path / "first", "acegikm"), write(tmp_path / "second", "bdfhjln")
    parts: list[list[str]] = []
    held: list[int] = []
    real = Chunker.chunk_batch

    def chunk_batch(self, part):
        gc.collect()
        held.append(sum(isinstance(o, Release) and "Stream-" in o.body for o in gc.get_objects()))
        parts.append([r.source for r in part])
        return real(self, part)

    monkeypatch.setattr(Chunker, "chunk_batch", chunk_batch)
    settings = hash_settings.model_copy(update={"corpus_dir": tmp_path, "ingest_batch": 4})
    ingest(settings, HashEmbedder(64, "hash-64"), [first])
    parts.clear(), held.clear()
    report = ingest(settings, HashEmbedder(64, "hash-64"), [second])  # the first folder's releases are kept
    sources = [s for part in parts for s in part]
    assert report.releases == len(sources) == 14 and [len(p) for p in parts] == [4, 4, 4, 2]
    assert sources == sorted(sources) and {s.split("/")[0] for s in sources} == {"first", "second"}
    assert max(held) <= 4

    reverse = settings.model_copy(update={"index_dir": tmp_path / "reverse"})
    ingest(reverse, HashEmbedder(64, "hash-64"), [second, first])
    assert _contents(reverse)[0] == _contents(settings)[0]
    snap = check_consistent(settings)
    try:
        assert [p.name for p in snap.path.iterdir() if "tmp" in p.name] == []
    finally:
        snap.close()
