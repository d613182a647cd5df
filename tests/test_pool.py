"""Embedding with several model processes (qa.pool): how many, and that the index is the one-process index."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import REAL_MODEL, copy_corpus
from qa.bench.corpora import sample_questions
from qa.bench.measure import snapshot_view
from qa.pool import ProcessPoolEmbedder, auto_processes
from qa.vectors import make_embedder


@pytest.mark.parametrize("requested, device, cores, expected", [
    (0, "cpu", 1, 1), (0, "cpu", 2, 1), (0, "cpu", 4, 2), (0, "cpu", 16, 8), (0, "cuda", 16, 1),
    (0, "cuda:1", 16, 1), (3, "cpu", 2, 3), (1, "cpu", 16, 1)])
def test_how_many_model_processes(requested, device, cores, expected):
    assert auto_processes(requested, device, cores) == expected


def test_a_pool_needs_two_processes():
    with pytest.raises(ValueError, match="at least 2"):
        ProcessPoolEmbedder(make_embedder("hash-16"), 1)


@pytest.mark.slow
def test_two_processes_build_the_one_process_index(tmp_path: Path):
    """`QA_EMBED_PROCESSES=2 qa ingest`, as a user runs it, against `QA_EMBED_PROCESSES=1`. In float32: in
    bfloat16 a vector depends on how its batch was padded (up to ~2e-3), so only float32 can show that
    spreading the work changes nothing."""
    copy_corpus(tmp_path / "corpus")
    for processes in (1, 2):
        env = {**os.environ, "QA_CORPUS_DIR": str(tmp_path / "corpus"), "QA_INDEX_DIR": str(tmp_path / f"index{processes}"),
               "QA_MODEL": REAL_MODEL, "QA_EMBED_PROCESSES": str(processes), "QA_EMBED_DTYPE": "float32",
               "HF_HUB_OFFLINE": "1"}
        done = subprocess.run([sys.executable, "-m", "qa.cli", "ingest"], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert ("embedded with 2 model processes" in done.stdout) == (processes == 2)
    embedder = make_embedder(REAL_MODEL, dtype="float32")
    questions = sample_questions()[:20]
    one = snapshot_view(tmp_path / "index1", questions, embedder)
    two = snapshot_view(tmp_path / "index2", questions, embedder)
    assert len(one["chunks"]) > 50 and one["chunks"] == two["chunks"]
    assert float(np.max(np.abs(one["vectors"] - two["vectors"]))) < 1e-5
    assert one["top"] == two["top"]
