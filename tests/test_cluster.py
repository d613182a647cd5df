"""Embedding on a Ray cluster (qa.cluster): the address rules, the streamed pieces, and a real local cluster."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from qa.cli import app
from qa.cluster import check_address
from qa.errors import ConfigError
from qa.vectors import EmbeddingCache, HashEmbedder, embed_with_cache

runner = CliRunner()


@pytest.mark.parametrize("address", ["127.0.0.1:6379", "ray://head.example:10001", "auto", "local", "[::1]:6379"])
def test_ray_addresses_are_accepted(address):
    assert check_address(address) == address


@pytest.mark.parametrize("address", ["corpus", "./releases/", "head"])
def test_a_path_given_as_address_is_refused_with_what_to_do(address):
    with pytest.raises(ConfigError, match="not a Ray cluster address.*Put file paths before --ray"):
        check_address(address)


def test_cli_refuses_a_bad_address_before_reading_anything(qa_env):
    result = runner.invoke(app, ["ingest", "--ray", "corpus"])
    assert result.exit_code == 2
    assert "not a Ray cluster address" in result.output
    assert not (qa_env.index_dir / "current").exists()


class StreamingEmbedder(HashEmbedder):
    """Hands vectors back in pieces out of order, as a cluster's actors finish them."""

    def __init__(self) -> None:
        super().__init__(16)
        self.calls = 0

    def embed_stream(self, texts):
        self.calls += 1
        order = np.arange(len(texts))[::-1]
        for lo in range(0, len(order), 3):
            rows = order[lo:lo + 3]
            yield rows, self.embed_batch([texts[i] for i in rows])


def test_streamed_pieces_land_in_their_rows_and_the_cache(tmp_path: Path):
    texts = [f"release {i} about burglary in ward {i % 4}" for i in range(11)]
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    embedder = StreamingEmbedder()
    vectors, embedded = embed_with_cache(embedder, texts, cache)
    assert embedded == 11 and embedder.calls == 1  # one job for every text still to embed
    assert np.allclose(vectors, HashEmbedder(16).embed_batch(texts))
    again, embedded = embed_with_cache(embedder, texts, cache)
    assert embedded == 0 and embedder.calls == 1 and np.allclose(again, vectors)
    cache.close()


def _can_confine() -> bool:
    return (shutil.which("unshare") is not None and shutil.which("ip") is not None and shutil.which("ss") is not None
            and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0)


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="the Ray extra is not installed")
@pytest.mark.skipif(not _can_confine(), reason="no network namespace here to keep Ray on loopback")
def test_a_two_worker_local_cluster_builds_the_single_process_index(tmp_path: Path):
    out = tmp_path / "check.json"
    done = subprocess.run([sys.executable, "-m", "qa.bench.ray_bench", "--check", "--out", str(out)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["cli_exit"] == 0, report["cli_said"]
    assert any("embedded on 2 Ray worker(s)" in line for line in report["cli_said"]), report["cli_said"]
    assert report["chunks"] > 50
    assert report["same_chunks"]
    assert report["max_vector_difference"] < 1e-5
    assert report["same_top10"] == report["questions"] == 20
    assert report["listening"] and report["all_loopback"], report["listening"]


@pytest.mark.parametrize("flag, env, expected", [(None, None, None), (None, "10.0.0.5:6379", "10.0.0.5:6379"),
                                                 ("auto", None, "auto"),
                                                 ("127.0.0.1:7000", "10.0.0.5:6379", "127.0.0.1:7000")])
def test_which_cluster_an_ingest_uses(qa_env, monkeypatch, flag, env, expected):
    from qa.cli import _ingest_embedder
    from qa.settings import get_settings

    if env:
        monkeypatch.setenv("QA_RAY_ADDRESS", env)
    get_settings.cache_clear()
    embedder = _ingest_embedder(get_settings(), flag)
    assert getattr(embedder, "address", None) == expected  # no cluster is contacted until texts are embedded
