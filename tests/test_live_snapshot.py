"""Issue 7, leaks: a long-running server closes the snapshots it replaces, and a build killed at the swap
leaves no ``current.<pid>.tmp`` link behind for good."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qa.ingest import ingest
from qa.passages import LiveSnapshot, Retriever
from qa.snapshot import Snapshot, current_dir


def reingest(built) -> None:
    """A new snapshot (ingest always publishes one); the corpus changes a little so each one differs."""
    extra = built.settings.corpus_dir / "extra.md"
    n = int(extra.read_text().split()[-1]) + 1 if extra.exists() else 1
    extra.write_text(f"---\ntitle: Extra release\n---\nA cyclist was stopped on the ring road, version {n}")
    ingest(built.settings, built.embedder)


def is_open(snap: Snapshot) -> bool:
    try:
        snap.store.counts()
    except sqlite3.ProgrammingError:  # "Cannot operate on a closed database."
        return False
    return True


def open_store_files(index_dir: Path) -> list[str]:
    """The snapshot SQLite files this process holds open (from /proc/self/fd)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if str(index_dir) in target and target.split(" (deleted)")[0].endswith("qa.sqlite"):
            found.append(target)
    return found


def mapped_keyword_indexes(index_dir: Path) -> set[str]:
    """The snapshots whose tantivy keyword index files this process has mapped (from /proc/self/maps)."""
    found = set()
    for line in Path("/proc/self/maps").read_text().splitlines():
        target = line.split(maxsplit=5)[5] if len(line.split(maxsplit=5)) == 6 else ""
        if str(index_dir) in target and "/keywords/" in target:
            found.add(target.split("/keywords/")[0])
    return found


def test_the_replaced_snapshot_stays_open_and_the_one_before_is_closed(built_index):
    live = LiveSnapshot(built_index.settings.index_dir, "hash-64", check_s=0, grace_s=0)
    first = live.get()
    reingest(built_index)
    second = live.get()
    assert second.path != first.path
    assert is_open(first), "a request may still be reading the snapshot just replaced"
    reingest(built_index)
    third = live.get()
    assert third.path != second.path
    assert not is_open(first), "the snapshot before the previous one is never closed"
    assert is_open(second) and is_open(third)
    live.close()
    assert not is_open(second) and not is_open(third)
    assert is_open(live.get())  # opens the current one again


def test_a_replaced_snapshot_is_kept_open_for_the_grace_period(built_index):
    live = LiveSnapshot(built_index.settings.index_dir, "hash-64", check_s=0, grace_s=3600)
    snaps = [live.get()]
    for _ in range(3):
        reingest(built_index)
        snaps.append(live.get())
    assert len({s.path for s in snaps}) == 4
    assert all(is_open(s) for s in snaps)  # replaced less than grace_s ago: a request may hold any of them
    live.close()
    assert not any(is_open(s) for s in snaps)


def test_open_files_stay_bounded_over_many_ingests(built_index):
    """A server following 8 ingests holds at most the current and the previous snapshot's database open."""
    settings = built_index.settings
    live = LiveSnapshot(settings.index_dir, "hash-64", check_s=0, grace_s=0)
    retriever = Retriever(built_index.embedder, live)
    assert retriever.search("Operation Hotspot arrests", 3)
    counts = []
    for _ in range(8):
        reingest(built_index)
        assert retriever.search("cyclist stopped on the ring road", 3)[0].release_id == "extra"
        counts.append((len(open_store_files(settings.index_dir)), len(mapped_keyword_indexes(settings.index_dir))))
    assert max(c for c, _ in counts) <= 2 and max(m for _, m in counts) <= 2, counts
    assert min(m for _, m in counts) >= 1  # the keyword index is tantivy's, read through mapped files
    live.close()
    assert open_store_files(settings.index_dir) == [] and mapped_keyword_indexes(settings.index_dir) == set()


def test_live_snapshot_rejects_negative_periods(tmp_path):
    with pytest.raises(ValueError, match="grace_s"):
        LiveSnapshot(tmp_path, grace_s=-1)


KILLED_AT_SWAP = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path

    from qa.ingest import ingest
    from qa.settings import Settings
    from qa.vectors import make_embedder

    replace = os.replace

    def die_at_the_swap(src, dst, *args, **kwargs):
        if Path(src).name.startswith("current."):
            os.kill(os.getpid(), signal.SIGKILL)
        return replace(src, dst, *args, **kwargs)

    os.replace = die_at_the_swap
    ingest(Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2], model="hash-64"), make_embedder("hash-64"))
""")


def test_a_link_left_by_a_build_killed_at_the_swap_is_removed_by_the_next_one(built_index):
    settings = built_index.settings
    before = current_dir(settings.index_dir)
    (settings.corpus_dir / "extra.md").write_text("---\ntitle: Extra\n---\nA van was stopped on the bypass.")
    proc = subprocess.run([sys.executable, "-c", KILLED_AT_SWAP, str(settings.corpus_dir), str(settings.index_dir)],
                          env={**os.environ, "HF_HUB_OFFLINE": "1"}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    left = [p for p in settings.index_dir.iterdir() if p.name.startswith("current.") and p.is_symlink()]
    assert len(left) == 1 and left[0].name.endswith(".tmp"), left  # what the kill leaves
    assert current_dir(settings.index_dir) == before  # still the old, whole snapshot
    snap = Snapshot.open(settings.index_dir)
    assert snap.store.release("extra") is None
    snap.close()

    ingest(settings, built_index.embedder)
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith("current.") and p.name != "current"]
    snap = Snapshot.open(settings.index_dir)
    assert snap.store.release("extra") is not None and snap.path != before
    snap.close()
