"""Hostile input: schemathesis over the whole OpenAPI schema, and hypothesis over questions.

Every response must be 2xx or 4xx; every 4xx carries a message. Runs in-process (ASGI)
against a hash-64 index, with a bounded number of examples so it stays under a minute.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st
from web_support import make_client, write_corpus

from qa.ingest import ingest
from qa.settings import Settings
from qa.vectors import make_embedder
from qa.web.app import create_app



def _settings() -> Settings:
    """One index for the module, built at import time (schemathesis needs the app when collecting)."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="qa-fuzz-"))
    s = Settings(corpus_dir=write_corpus(tmp / "corpus"), index_dir=tmp / "idx", model="hash-64",
                 max_body_bytes=64_000)
    ingest(s, make_embedder("hash-64"))
    return s


SETTINGS = _settings()
KEY = "fuzz-key"
# An invalid body may also be too large (an over-long field): the server's 413 rejects it too, as the schema documents.
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}}})
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(SETTINGS), config=CONFIG)
keyed_schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(SETTINGS.model_copy(update={"api_key": KEY})),
                                              config=CONFIG)
CASES = {"n": 0}


@keyed_schema.auth()
class BearerKey:
    """Gives schemathesis the key, so its auth checks can also try requests without it."""

    def get(self, case, context):
        return KEY

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def assert_reply(r) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:500])
    if 400 <= r.status_code < 500:
        body = r.json()
        assert isinstance(body.get("message"), str) and body["message"].strip(), r.text[:500]


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_openapi_no_server_errors(case):
    check_case(case)


@keyed_schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_openapi_with_api_key(case):
    check_case(case)


def check_case(case, headers: dict | None = None) -> None:
    """schemathesis' own checks (status codes, response schemas, auth, negative data) plus ours."""
    CASES["n"] += 1
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.as_curl_command(), response.status_code, response.text[:500])
    case.validate_response(response, headers=headers)
    if 400 <= response.status_code < 500:
        assert json.loads(response.content).get("message"), response.text[:500]


@pytest.fixture(scope="module")
def client():
    with make_client(SETTINGS) as c:
        yield c


SPECIAL = ["\u202e" * 999, "\U0001F600" * 1000, "é" * 1001, "<script>" * 100, "' OR 1=1 --", '"NEAR(a b)" AND * ^',
           "\ufffd\x00\x7f\x1b[31m", "%00%2e%2e%2f", "-" * 5000]
url_questions = st.one_of(
    st.text(max_size=1200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=50),
    st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=50), st.text(max_size=50)),
    st.sampled_from(SPECIAL),
)
questions = url_questions | st.just("x" * 100_000)  # a 100 kB body (over the limit: 413)
wrong_types = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                        st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                                                    max_size=3))


@given(q=questions, k=st.one_of(st.integers(-5, 200), wrong_types))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_ask_question_strings(client, q, k):
    assert_reply(client.post("/api/ask", json={"question": q, "k": k}))


@given(q=url_questions)
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_search_and_page_question_strings(client, q):
    assert_reply(client.get("/api/search", params={"q": q}))
    page = client.get("/", params={"q": q})
    assert page.status_code < 500
    assert "<script>alert" not in page.text


@given(body=st.one_of(wrong_types, st.dictionaries(st.sampled_from(["question", "k", "filters", "x"]),
                                                    wrong_types | st.text(max_size=20), max_size=4)))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_ask_wrong_json_types(client, body):
    assert_reply(client.post("/api/ask", json=body))


@given(raw=st.binary(max_size=2000))
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_ask_raw_bytes(client, raw):
    assert_reply(client.post("/api/ask", content=raw, headers={"content-type": "application/json"}))


def test_huge_body_is_413(client):
    r = client.post("/api/ask", json={"question": "x" * 100_000})
    assert r.status_code == 413 and r.json()["message"]


def test_report_fuzz_count():
    """Not a check: prints how many schemathesis cases ran (for the issue's closing note)."""
    print(f"schemathesis cases run: {CASES['n']}")


@pytest.mark.parametrize("raw", [b'{"question": "\\ud800 zebra"}', b'{"question": "zebra", "filters": {"source": "\\udfff"}}',
                                 b'{"question": "\\u0000"}', b'{"question": "zebra", "k": 1e400}',
                                 b'{"question": "zebra", "k": 5.0}', b'{"question": "zebra", "k": true}'])
def test_json_edge_cases(client, raw):
    assert_reply(client.post("/api/ask", content=raw, headers={"content-type": "application/json"}))
