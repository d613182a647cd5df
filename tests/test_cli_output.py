"""`qa ingest` output piped to a file or grep: one line per added release, skipped file and duplicate,
however long its path (rich would otherwise wrap at 80 columns when stdout is not a terminal)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_each_report_line_is_one_line_when_piped(tmp_path):
    deep = tmp_path / "corpus" / ("a-rather-long-folder-name-for-press-releases-" * 2).rstrip("-")
    deep.mkdir(parents=True)
    long = "release-with-a-very-long-file-name-that-goes-well-past-eighty-columns-on-its-own"
    body = "---\ntitle: Cyclist hurt on the ring road\n---\nA cyclist was taken to hospital after a crash on Tuesday."
    (deep / f"{long}.md").write_text(body)
    (deep / f"{long}-copy.md").write_text(body)  # a duplicate
    (deep / f"{long}-empty.txt").write_text("")  # skipped: empty
    (deep / f"{long}-binary.txt").write_bytes(b"\x00\x01\x02" * 100)  # skipped: binary
    env = {**os.environ, "QA_MODEL": "hash-64", "QA_CORPUS_DIR": str(tmp_path / "corpus"),
           "QA_INDEX_DIR": str(tmp_path / "idx"), "HF_HUB_OFFLINE": "1", "COLUMNS": "80", "TERM": "dumb"}
    proc = subprocess.run([sys.executable, "-m", "qa.cli", "ingest"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stderr  # files were skipped
    lines = proc.stdout.splitlines()
    skipped = [line for line in lines if line.startswith("  skipped: ")]
    duplicates = [line for line in lines if line.startswith("  duplicate: ")]
    added = [line for line in lines if line.startswith("  added: ")]
    assert len(skipped) == 2 and len(duplicates) == 1 and len(added) == 1, proc.stdout
    for suffix, reason in (("-empty.txt", "empty"), ("-binary.txt", "binary")):
        found = [line for line in skipped if f"{long}{suffix}: " in line]
        assert len(found) == 1 and reason in found[0].split(f"{suffix}: ", 1)[1], proc.stdout
    assert long in duplicates[0] and "same text as" in duplicates[0] and len(duplicates[0]) > 80
    assert "eighty-columns" in added[0]  # release ids are shortened, so this line is short anyway
    # Nothing was wrapped onto a continuation line before the closing "N releases, ..." line.
    end = next(i for i, line in enumerate(lines) if line.startswith("1 releases"))
    assert all(line.startswith(("  skipped: ", "  duplicate: ", "  added: ", "added ")) for line in lines[:end]), \
        proc.stdout
