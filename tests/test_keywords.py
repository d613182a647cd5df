"""The keyword index (issue 13, item 1): tantivy and FTS5 behind ``KeywordIndex``, chosen by QA_KEYWORD_INDEX when a
snapshot is built and searched with what the snapshot holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import QUESTIONS, copy_corpus, make_settings
from qa import keywords
from qa.errors import ConfigError, IndexIncompatible
from qa.ingest import ingest, is_stale
from qa.passages import LiveSnapshot, Retriever
from qa.snapshot import Snapshot, current_dir
from qa.store import Filters
from qa.vectors import make_embedder

PCC = "herts-pcc-news-page-"
# Sample questions (about one in ten of corpus/questions.jsonl) on which both backends rank the same
# chunk first and share at least four of their top five.
SAME_TOP = [
    "Roughly how many people were arrested by the joint Bedfordshire, Cambridgeshire and Hertfordshire protective "
    "services command in its year in review?",
    "How were the areas targeted by Operation Hotspot chosen?",
    "What is the name of the pilot project that helps Special Constables build careers in areas like cybercrime and "
    "roads policing?",
    "Where was the latest Hertsmere barn meeting with farmers held?",
    "What is the minimum number of hours a month a Special Constable volunteers?",
    "On what date is Operation Hotspot due to finish?",
    "When did HMICFRS carry out the efficiency inspection of Hertfordshire Constabulary?",
    "In which month was Operation Tropic launched?",
    "Besides scrutiny, why might a detainee be glad of a custody visit?",
    "Before which parliamentary committee did the PCC argue that commissioners should have more freedom over their "
    "budgets?",
]


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> dict[str, Snapshot]:
    """The sample corpus ingested twice with the hash embedder: once per keyword index."""
    root = tmp_path_factory.mktemp("keywords")
    copy_corpus(root / "corpus")
    embedder = make_embedder("hash-64")
    snaps = {}
    for kind in keywords.KINDS:
        settings = make_settings(root, keyword_index=kind).model_copy(update={"index_dir": root / kind})
        ingest(settings, embedder)
        snaps[kind] = Snapshot.open(settings.index_dir)
    yield snaps
    for snap in snaps.values():
        snap.close()


def top(snap: Snapshot, question: str, k: int = 5, allowed=None) -> list[int]:
    return [cid for cid, _ in snap.keywords.search(question, k, allowed)]


@pytest.mark.parametrize("question", SAME_TOP, ids=[q[:40] for q in SAME_TOP])
def test_both_backends_rank_the_same_chunks_first(both, question):
    tantivy, fts5 = top(both["tantivy"], question), top(both["fts5"], question)
    assert tantivy[0] == fts5[0], (tantivy, fts5)
    assert len(set(tantivy) & set(fts5)) >= 4, (tantivy, fts5)


def test_over_every_sample_question_the_backends_agree_on_the_release(both):
    """The allowed differences: FTS5 counts a title match as half a text match, tantivy as one, and tantivy keeps
    chunk lengths in one byte (qa.keywords says why); so near-equal chunks can swap places, mostly neighbouring
    chunks of one release (which overlap by a sentence). The release ranked first differs on at most 3 of the 151
    sample questions (today: 3; in each the first two swap, and FTS5's first is the release that answers it: BM25
    alone, without the dense half of hybrid retrieval)."""
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]
    store = both["fts5"].store
    same_release, overlap = 0, []
    for q in questions:
        t, f = top(both["tantivy"], q, 10), top(both["fts5"], q, 10)
        rows = store.chunks(t[:1] + f[:1])
        same_release += [rows[c]["release_id"] for c in t[:1]] == [rows[c]["release_id"] for c in f[:1]]
        overlap.append(len(set(t) & set(f)) / len(f) if f else float(not t))
    assert same_release >= len(questions) - 3
    assert np.mean(overlap) >= 0.9


@pytest.mark.parametrize("kind", keywords.KINDS)
def test_filters_keep_only_allowed_chunks_in_ranked_order(both, kind):
    snap = both[kind]
    question = "arrests officers operation patrols funding"
    everything = snap.keywords.search(question, 500)
    for filters in (Filters(source="herts-jps"), Filters(since="2019-01-01"), Filters(until="2017-10-19"),
                    Filters(source="hertfordshire", until="2018-12-31", undated=True)):
        allowed = snap.store.allowed_ids(filters)
        assert 0 < len(allowed) < snap.manifest.chunks
        got = snap.keywords.search(question, 5, allowed)
        want = [hit for hit in everything if hit[0] in set(allowed.tolist())][:5]
        assert [c for c, _ in got] == [c for c, _ in want], filters
        assert [s for _, s in got] == pytest.approx([s for _, s in want])  # the filter adds nothing to a score
    assert snap.keywords.search(question, 5, np.array([], dtype=np.int64)) == []
    anti_slavery = "How many organisations make up the county's anti-slavery partnership?"
    assert snap.keywords.search(anti_slavery, 5, snap.store.allowed_ids(Filters(source="herts-jps"))) == []


@pytest.mark.parametrize("kind", keywords.KINDS)
def test_a_question_without_content_words_finds_nothing(both, kind):
    index = both[kind].keywords
    assert index.search("", 5) == [] and index.search("What is it that they did?", 5) == []
    assert index.search_batch(["", "Operation Hotspot"], 5)[0] == []
    assert index.search('"hotspot" OR NEAR(a b) title:* -x', 5)  # no query syntax gets through, words still count
    with pytest.raises(ValueError, match="k must be greater than 0"):
        index.search("hotspot", 0)


@pytest.mark.parametrize("kind", keywords.KINDS)
def test_a_snapshot_is_searched_with_the_index_it_was_built_with(hash_settings, hash_embedder, kind):
    settings = hash_settings.model_copy(update={"keyword_index": kind})
    ingest(settings, hash_embedder)
    path = current_dir(settings.index_dir)
    assert json.loads((path / "manifest.json").read_text())["keyword_index"] == kind
    assert (path / keywords.FOLDER / "meta.json").is_file() == (kind == "tantivy")
    snap = Snapshot.open(settings.index_dir)
    assert snap.keywords.kind == kind
    snap.close()
    other = "fts5" if kind == "tantivy" else "tantivy"
    assert not is_stale(settings) and is_stale(settings.model_copy(update={"keyword_index": other}))
    # A retriever whose settings name the other backend still searches with the snapshot's own.
    retriever = Retriever(hash_embedder, LiveSnapshot(settings.index_dir, settings.model))
    hits = retriever.search("Operation Hotspot arrests", 3, mode="bm25")
    assert hits[0].release_id == "herts-operation-hotspot-page"
    assert retriever.snapshots.get().keywords.kind == kind
    retriever.snapshots.close()


def test_a_snapshot_written_before_keyword_indexes_is_read_as_fts5(built_index):
    path = current_dir(built_index.settings.index_dir)
    manifest = json.loads((path / "manifest.json").read_text())
    del manifest["keyword_index"]
    (path / "manifest.json").write_text(json.dumps(manifest))
    shutil.rmtree(path / keywords.FOLDER)
    snap = Snapshot.open(built_index.settings.index_dir)
    assert snap.manifest.keyword_index == "fts5" and snap.keywords.kind == "fts5"
    assert top(snap, "Operation Hotspot arrests")
    snap.close()


def damage_missing(folder: Path) -> None:
    shutil.rmtree(folder)


def damage_segment(folder: Path) -> None:
    for f in folder.iterdir():
        if f.suffix in (".idx", ".term"):
            f.write_bytes(b"garbage")


def damage_meta(folder: Path) -> None:
    (folder / "meta.json").write_text("{")


@pytest.mark.parametrize("damage", [damage_missing, damage_segment, damage_meta])
def test_a_missing_or_damaged_keyword_index_says_to_run_ingest(built_index, damage):
    settings = built_index.settings
    path = current_dir(settings.index_dir)
    damage(path / keywords.FOLDER)
    with pytest.raises(IndexIncompatible, match=r"keyword index .* (missing|damaged).*run `qa ingest`"):
        Snapshot.open(settings.index_dir)
    report = ingest(settings, built_index.embedder)  # which rebuilds it
    snap = Snapshot.open(settings.index_dir)
    assert snap.manifest.chunks == report.chunks and top(snap, "Operation Hotspot arrests")
    snap.close()


def test_a_keyword_index_of_another_snapshot_is_refused(built_index, tmp_path):
    """A keyword index whose chunk count is not the snapshot's (copied in from another build) is not searched."""
    other = make_settings(tmp_path / "other")
    (tmp_path / "other" / "corpus").mkdir(parents=True)
    (other.corpus_dir / "one.md").write_text("---\ntitle: One\n---\nA single short release about a stolen bicycle.")
    ingest(other, built_index.embedder)
    path = current_dir(built_index.settings.index_dir)
    shutil.rmtree(path / keywords.FOLDER)
    shutil.copytree(current_dir(other.index_dir) / keywords.FOLDER, path / keywords.FOLDER)
    with pytest.raises(IndexIncompatible, match="holds 1 chunks but the snapshot has"):
        Snapshot.open(built_index.settings.index_dir)


def test_an_unknown_keyword_index_setting_is_refused_before_any_work(hash_settings, hash_embedder):
    settings = hash_settings.model_copy(update={"keyword_index": "lucene"})
    with pytest.raises(ConfigError, match=r"QA_KEYWORD_INDEX='lucene' is not one of: tantivy, fts5"):
        ingest(settings, hash_embedder)
    assert current_dir(settings.index_dir) is None


def test_an_unknown_kind_in_a_manifest_is_refused(built_index):
    path = current_dir(built_index.settings.index_dir)
    manifest = json.loads((path / "manifest.json").read_text())
    (path / "manifest.json").write_text(json.dumps({**manifest, "keyword_index": "bm25s"}))
    with pytest.raises(IndexIncompatible, match="'bm25s', which this qa cannot read: run `qa ingest`"):
        Snapshot.open(built_index.settings.index_dir)


def test_the_setting_reads_from_the_environment(monkeypatch):
    from qa.settings import Settings

    assert Settings().keyword_index == "tantivy"
    monkeypatch.setenv("QA_KEYWORD_INDEX", "fts5")
    assert Settings().keyword_index == "fts5"


def test_an_empty_corpus_gives_an_empty_keyword_index(tmp_path, hash_embedder):
    settings = make_settings(tmp_path)
    settings.corpus_dir.mkdir()
    ingest(settings, hash_embedder)
    snap = Snapshot.open(settings.index_dir)
    assert snap.keywords.kind == "tantivy" and snap.keywords.search("police", 5) == []
    snap.close()


@pytest.mark.parametrize("depth", [10_000, 3, 0])
def test_tantivy_filters_give_the_same_results_by_either_path(both, monkeypatch, depth):
    """A filtered search first filters a wider unfiltered top, and falls back to a term-set query on the ids when
    that top holds too few allowed chunks (here forced with a small POST_FILTER_DEPTH): the same results either way."""
    snap = both["tantivy"]
    monkeypatch.setattr(keywords.TantivyKeywords, "POST_FILTER_DEPTH", depth)
    question = "arrests officers operation patrols funding police"
    everything = snap.keywords.search(question, 500)
    for allowed in (np.arange(0, snap.manifest.chunks, 3), np.array([everything[-1][0], everything[0][0]]),
                    np.array([c for c, _ in everything[20:]])):
        want = [hit for hit in everything if hit[0] in set(allowed.tolist())][:5]
        got = snap.keywords.search_batch([question, "hotspot"], 5, allowed)[0]
        assert got == want
