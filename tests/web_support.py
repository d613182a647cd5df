"""Shared fixtures for the web tests: a small corpus (with a hostile release) indexed with the hash-64 fake.

Imported by tests/test_api.py and tests/test_fuzz_api.py (``from web_support import ...``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.answer import ABSTAIN_TEXT, Answer, Citation
from qa.ingest import ingest
from qa.service import Service
from qa.settings import Settings
from qa.vectors import make_embedder
from qa.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent

HOSTILE_TITLE = "<script>alert('title')</script> Hostile <img src=x onerror=alert(1)> notice"
HOSTILE_BODY = """Officers in Testtown found a note reading <script>alert("body")</script> on a door.
A second note said <b onmouseover="alert(2)">hover here</b> and <a href="javascript:alert(3)">click me</a>.
Police arrested 3 people in Testtown after the zebra crossing incident."""
# JSON keeps the text as written (Markdown and HTML readers would drop the tags).
HOSTILE_RELEASE = json.dumps({"title": HOSTILE_TITLE, "date": "2020-01-02", "url": "javascript:alert(document.cookie)",
                              "area": "Testshire", "body": HOSTILE_BODY})

PLAIN_RELEASE = """---
title: Zebra crossing repainted in Quietville
date: 2021-05-06
url: https://example.org/news/zebra
area: Calmshire
---
The zebra crossing on the High Street in Quietville was repainted on Tuesday.

Council workers finished the job in four hours, police said.
"""


def write_corpus(corpus: Path, with_sample: bool = True) -> Path:
    corpus.mkdir(parents=True, exist_ok=True)
    if with_sample:
        for name in ("herts-jps-year-in-review.md", "herts-operation-hotspot-page.txt", "questions.jsonl"):
            shutil.copy(ROOT / "corpus" / name, corpus / name)
    (corpus / "hostile.json").write_text(HOSTILE_RELEASE, encoding="utf-8")
    (corpus / "quietville.md").write_text(PLAIN_RELEASE, encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Settings:
    tmp = tmp_path_factory.mktemp("web")
    settings = Settings(corpus_dir=write_corpus(tmp / "corpus"), index_dir=tmp / "idx", model="hash-64")
    ingest(settings, make_embedder("hash-64"))
    return settings


def make_client(settings: Settings, **overrides) -> TestClient:
    settings = settings.model_copy(update=overrides) if overrides else settings
    return TestClient(create_app(settings, Service(settings)))


@pytest.fixture(scope="module")
def client(indexed) -> TestClient:
    with make_client(indexed) as c:
        yield c


def abstention(question: str) -> Answer:
    near = Citation(n=1, release_id="quietville", title="Zebra crossing repainted in Quietville", published="2021-05-06",
                    url="https://example.org/news/zebra", source="quietville.md", text="The zebra crossing was repainted.",
                    start=0, end=10, passage_start=0, passage_end=33, score=0.1)
    return Answer(question=question, answer=ABSTAIN_TEXT, abstained=True, citations=[near])
