"""Shared fixtures: a copy of the sample corpus, hash-model settings and index, and one real-model service.

* ``sample_corpus``: the releases of ``corpus/`` (without ``questions.jsonl``) copied into
  ``tmp_path/corpus``, writable, so a test may edit them.
* ``hash_settings``: ``Settings`` with the model-free ``hash-64`` embedder and tmp corpus and
  index folders. ``hash_embedder`` is the matching fake.
* ``built_index``: ``hash_settings`` after one ingest; ``.settings``, ``.report``, ``.embedder``
  and a ``.service`` (a ``qa.service.Service`` over that index).
* ``qa_env``: the ``QA_*`` environment of ``hash_settings`` set for code that calls
  ``get_settings()`` (the CLI, the web app), with its cache cleared before and after.
* ``real_service`` (session): a ``Service`` over an all-MiniLM-L6-v2 index of the sample
  corpus, built once per test session in a tmp folder; use it in tests marked ``slow``.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from qa.ingest import IngestReport, ingest  # noqa: E402
from qa.settings import PROJECT_ROOT, Settings, get_settings  # noqa: E402
from qa.vectors import Embedder, make_embedder  # noqa: E402

SAMPLE_CORPUS = PROJECT_ROOT / "corpus"
QUESTIONS = SAMPLE_CORPUS / "questions.jsonl"
REAL_MODEL = "all-MiniLM-L6-v2"


def copy_corpus(dest: Path) -> Path:
    """The sample releases (not the question sets) copied into ``dest``, writable."""
    shutil.copytree(SAMPLE_CORPUS, dest, ignore=shutil.ignore_patterns("questions.jsonl", "followups.jsonl", ".*"))
    for path in dest.rglob("*"):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return dest


def make_settings(root: Path, model: str = "hash-64", **overrides) -> Settings:
    """Settings whose corpus is ``root/corpus`` and index ``root/idx``."""
    return Settings(corpus_dir=root / "corpus", index_dir=root / "idx", model=model, **overrides)


@dataclass
class BuiltIndex:
    settings: Settings
    embedder: Embedder
    report: IngestReport

    @cached_property
    def service(self):
        from qa.service import Service

        return Service(self.settings, self.embedder)


@pytest.fixture
def sample_corpus(tmp_path: Path) -> Path:
    return copy_corpus(tmp_path / "corpus")


@pytest.fixture
def hash_embedder() -> Embedder:
    return make_embedder("hash-64")


@pytest.fixture
def hash_settings(tmp_path: Path, sample_corpus: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def built_index(hash_settings: Settings, hash_embedder: Embedder) -> BuiltIndex:
    report = ingest(hash_settings, hash_embedder)
    return BuiltIndex(hash_settings, hash_embedder, report)


@pytest.fixture
def qa_env(monkeypatch: pytest.MonkeyPatch, hash_settings: Settings) -> Settings:
    monkeypatch.setenv("QA_MODEL", hash_settings.model)
    monkeypatch.setenv("QA_CORPUS_DIR", str(hash_settings.corpus_dir))
    monkeypatch.setenv("QA_INDEX_DIR", str(hash_settings.index_dir))
    get_settings.cache_clear()
    yield hash_settings
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("real")
    copy_corpus(root / "corpus")
    return make_settings(root, model=REAL_MODEL)


@pytest.fixture(scope="session")
def real_service(real_settings: Settings):
    """A Service over a real-model index of the sample corpus (built once per session)."""
    from qa.service import Service

    embedder = make_embedder(REAL_MODEL)
    ingest(real_settings, embedder)
    return Service(real_settings, embedder)
