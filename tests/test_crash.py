"""Issue 7, crashes: SIGKILL `qa ingest` at random points; a live snapshot switches without a restart."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from qa.ingest import ingest
from qa.snapshot import Snapshot

from test_incremental import PARAGRAPHS, TITLES, snapshot_state

KILLS = int(os.environ.get("QA_CRASH_KILLS", 20))


def write_version(corpus: Path, version: int, n: int = 60) -> None:
    """Version 0 or 1 of a corpus of ``n`` dated releases; 1 changes, drops and adds some."""
    rng = random.Random(1)
    wanted = {}
    for i in range(n + 6):
        body = "\n\n".join(" ".join(rng.choice(PARAGRAPHS) for _ in range(rng.randint(2, 5)))
                           for _ in range(rng.randint(3, 8)))
        if version == 1 and i % 6 == 0:
            body += f"\n\nUpdate: release {i} was corrected on the second day."
        if (version == 0 and i >= n) or (version == 1 and i % 10 == 3):
            continue
        wanted[f"r{i:04d}.md"] = f"---\ntitle: {TITLES[i % len(TITLES)]} {i}\ndate: 2023-01-{i % 28 + 1:02d}\n---\n{body}\n"
    for old in corpus.glob("*.md"):
        if old.name not in wanted:
            old.unlink()
    for name, text in wanted.items():
        path = corpus / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def same(a: dict, b: dict) -> bool:
    return all(np.array_equal(a[k], b[k]) if k == "vectors" else a[k] == b[k] for k in a)


def run_ingest(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qa.cli", "ingest"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_sigkill_during_ingest_leaves_the_old_or_the_new_index(tmp_path, hash_embedder):
    from conftest import make_settings

    (tmp_path / "corpus").mkdir()
    settings = make_settings(tmp_path)
    env = {**os.environ, "QA_MODEL": "hash-64", "QA_CORPUS_DIR": str(settings.corpus_dir),
           "QA_INDEX_DIR": str(settings.index_dir), "HF_HUB_OFFLINE": "1"}
    states, took = {}, []
    for version in (1, 0):  # full runs: the two states a kill may leave, and how long a run takes
        write_version(settings.corpus_dir, version)
        started = time.perf_counter()
        assert run_ingest(env).wait(timeout=120) == 0
        took.append(time.perf_counter() - started)
        states[version] = snapshot_state(settings, hash_embedder)
    assert not same(states[0], states[1])
    assert len(states[0]["releases"]) == 60 and len(states[1]["releases"]) == 59

    rng = random.Random(20261123)
    current, outcomes = 0, {"old": 0, "new": 0, "finished": 0}
    for _ in range(KILLS):
        target = 1 - current
        write_version(settings.corpus_dir, target)
        proc = run_ingest(env)
        time.sleep(rng.uniform(0.0, 1.1 * max(took)))
        proc.send_signal(signal.SIGKILL)
        code = proc.wait(timeout=60)
        state = snapshot_state(settings, hash_embedder)  # loads and answers searches
        if same(state, states[current]):
            outcomes["old"] += 1
        else:
            assert same(state, states[target]), "the index is neither the old nor the new snapshot"
            outcomes["new" if code == -signal.SIGKILL else "finished"] += 1
            current = target
        assert code in (0, -signal.SIGKILL)
    print(f"\n{KILLS} kills survived: {outcomes}; a full ingest takes {max(took):.1f} s")
    assert outcomes["old"] > 0 and outcomes["old"] + outcomes["new"] + outcomes["finished"] == KILLS

    # The next ingest after all that completes and tidies up what killed runs left.
    write_version(settings.corpus_dir, 1 - current)
    assert run_ingest(env).wait(timeout=120) == 0
    assert same(snapshot_state(settings, hash_embedder), states[1 - current])
    snapshots = list((settings.index_dir / "snapshots").iterdir())
    assert not [s for s in snapshots if s.name.endswith(".tmp")] and len(snapshots) <= 2
    assert all((s / "keywords" / "meta.json").is_file() for s in snapshots)  # each whole, its keyword index too


def test_live_snapshot_answers_during_an_ingest_and_then_switches(built_index):
    settings, retriever = built_index.settings, built_index.service.retriever
    question = "Operation Hotspot patrols arrests"
    before = retriever.search(question, 3, mode="bm25")
    assert before[0].release_id == "herts-operation-hotspot-page"
    old_path = retriever.snapshots.get().path

    corpus = settings.corpus_dir
    (corpus / "herts-operation-hotspot-page.txt").unlink()
    (corpus / "zebra.md").write_text("---\ntitle: Zebra crossing campaign\n---\nOfficers in Letchworth launched a "
                                     "zebra crossing safety campaign with local schools on Monday morning.\n")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            ingest(settings, built_index.embedder)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    seen: list[list[tuple]] = []
    while worker.is_alive():
        seen.append([(p.release_id, p.text) for p in retriever.search(question, 3, mode="bm25")])
    worker.join()
    assert not errors and seen

    deadline = time.monotonic() + 5
    while retriever.snapshots.get().path == old_path and time.monotonic() < deadline:
        assert retriever.search(question, 3, mode="bm25")
        time.sleep(0.05)
    assert retriever.snapshots.get().path != old_path
    # Every answer given during the ingest came whole from the old or from the new snapshot.
    new_answer = [(p.release_id, p.text) for p in retriever.search(question, 3, mode="bm25")]
    old_answer = [(p.release_id, p.text) for p in before]
    assert new_answer != old_answer
    assert all(answer in (old_answer, new_answer) for answer in seen)
    after = retriever.search("zebra crossing campaign Letchworth", 3, mode="bm25")
    assert after[0].release_id == "zebra"
    assert all(p.release_id != "herts-operation-hotspot-page" for p in retriever.search(question, 5))
    snap = Snapshot.open(settings.index_dir)
    assert snap.path == retriever.snapshots.get().path
    snap.close()
