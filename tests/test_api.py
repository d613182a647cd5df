"""The JSON API and the pages through FastAPI's TestClient, on a hash-64 index of a small corpus."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

import pytest
from web_support import HOSTILE_TITLE, abstention, client, indexed, make_client  # noqa: F401  (fixtures)

from qa.answer import Answer, Citation
from qa.settings import Settings
from qa.web.render import cite_links, excerpt, safe_url, split_span

QUESTION = "How many arrests has Operation Hotspot led to so far?"
CITATION_FIELDS = {"n", "release_id", "title", "published", "url", "source", "text", "start", "end", "score"}
PASSAGE_FIELDS = {"release_id", "title", "published", "url", "source", "text", "start", "end", "score"}


def assert_error(r, status: int, *words: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["message"] and isinstance(body["message"], str)
    assert "Traceback" not in r.text
    for w in words:
        assert w in body["message"], body["message"]
    return body


# --- health ---------------------------------------------------------------------------------------------------

def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["releases"] == 4 and body["chunks"] > 0
    assert body["model"] == "hash-64" and body["built_at"]


def test_no_index_is_503_saying_to_ingest(tmp_path):
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "empty", model="hash-64")
    with make_client(settings) as c:
        assert_error(c.get("/healthz"), 503, "qa ingest")
        assert_error(c.post("/api/ask", json={"question": QUESTION}), 503, "qa ingest")
        assert_error(c.get("/api/search", params={"q": "x"}), 503, "qa ingest")
        assert_error(c.get("/api/releases"), 503, "qa ingest")
        page = c.get("/")
        assert page.status_code == 503 and "qa ingest" in page.text and "text/html" in page.headers["content-type"]


# --- ask ------------------------------------------------------------------------------------------------------

def test_ask_returns_answer_with_citations(client):
    r = client.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["question"] == QUESTION
    assert isinstance(body["answer"], str) and body["answer"]
    assert isinstance(body["abstained"], bool)
    assert "total" in body["timings_ms"]
    assert body["citations"], body
    for n, c in enumerate(body["citations"], 1):
        assert CITATION_FIELDS <= set(c)
        assert c["n"] == n and c["start"] <= c["end"]


def test_ask_k_and_filters(client):
    r = client.post("/api/ask", json={"question": "zebra crossing Testtown arrested", "k": 2,
                                      "filters": {"source": "Calmshire"}})
    assert r.status_code == 200, r.text
    assert {c["release_id"] for c in r.json()["citations"]} <= {"quietville"}
    r = client.post("/api/ask", json={"question": "zebra crossing", "filters": {"since": "2030-01-01"}})
    assert r.status_code == 200 and r.json()["citations"] == [] or r.json()["abstained"]


@pytest.mark.parametrize("payload, words", [
    ({"question": ""}, ["question", "empty"]),
    ({"question": "   \n\t "}, ["question", "spaces"]),
    ({"question": "x" * 1001}, ["question", "1,001", "1,000"]),
    ({}, ["question", "required"]),
    ({"question": 5}, ["question"]),
    ({"question": ["a"]}, ["question"]),
    ({"question": None}, ["question"]),
    ({"question": QUESTION, "k": 0}, ["k"]),
    ({"question": QUESTION, "k": 1000}, ["k"]),
    ({"question": QUESTION, "k": "five"}, ["k"]),
    ({"question": QUESTION, "filters": {"since": "not a date"}}, ["since"]),
    ({"question": QUESTION, "filters": "Hertfordshire"}, ["filters"]),
    ({"question": QUESTION, "filter": {}}, ["filter", "not a field"]),
])
def test_ask_bad_input_is_422_with_message(client, payload, words):
    body = assert_error(client.post("/api/ask", json=payload), 422, *words)
    assert body["error"] == "invalid_request" and body["errors"]


def test_ask_body_not_json_or_not_object(client):
    assert_error(client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"}), 422)
    assert_error(client.post("/api/ask", json=["a", "list"]), 422)
    assert_error(client.post("/api/ask", json="just a string"), 422)


def test_ask_accepts_1000_characters(client):
    assert client.post("/api/ask", json={"question": ("where " * 200)[:1000]}).status_code == 200


def test_wrong_method_is_405_json(client):
    assert_error(client.get("/api/ask"), 405)


# --- search ---------------------------------------------------------------------------------------------------

def test_search(client):
    r = client.get("/api/search", params={"q": "Operation Hotspot arrests", "k": 3})
    assert r.status_code == 200
    results = r.json()["results"]
    assert 1 <= len(results) <= 3
    assert all(PASSAGE_FIELDS <= set(p) for p in results)
    assert results[0]["release_id"] == "herts-operation-hotspot-page"


@pytest.mark.parametrize("params, field", [({}, "q"), ({"q": ""}, "q"), ({"q": "  "}, "q"), ({"q": "y" * 1001}, "q"),
                                           ({"q": "a", "k": 0}, "k"), ({"q": "a", "k": "x"}, "k"),
                                           ({"q": "a", "since": "yesterday"}, "since")])
def test_search_bad_input(client, params, field):
    assert_error(client.get("/api/search", params=params), 422, field)


# --- releases -------------------------------------------------------------------------------------------------

def test_releases_paged(client):
    first = client.get("/api/releases", params={"limit": 2}).json()
    second = client.get("/api/releases", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == 4 and len(first["releases"]) == 2 and len(second["releases"]) == 2
    ids = [r["id"] for r in first["releases"] + second["releases"]]
    assert len(set(ids)) == 4 and "body" not in first["releases"][0]
    assert client.get("/api/releases", params={"offset": 100}).json()["releases"] == []
    assert_error(client.get("/api/releases", params={"limit": 0}), 422, "limit")
    assert_error(client.get("/api/releases", params={"offset": -1}), 422, "offset")


def test_release_detail(client):
    r = client.get("/api/releases/quietville")
    assert r.status_code == 200
    body = r.json()
    assert body["title"] == "Zebra crossing repainted in Quietville" and body["published"] == "2021-05-06"
    assert body["url"] == "https://example.org/news/zebra" and "four hours" in body["body"]


def test_unknown_release_is_404(client):
    assert_error(client.get("/api/releases/no-such-release"), 404, "no-such-release", "/api/releases")
    assert client.get("/releases/no-such-release").status_code == 404


@pytest.mark.parametrize("path", [
    "/api/releases/..%2F..%2F..%2Fetc%2Fpasswd", "/api/releases/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/api/releases/../../etc/passwd", "/api/releases/..", "/api/releases/%00", "/api/releases/~root",
    "/releases/..%2F..%2F..%2Fetc%2Fpasswd", "/releases/../../etc/passwd", "/releases/%2e%2e",
    "/releases/..%5C..%5Cqa%5Csettings.py", "/static/..%2F..%2Fsettings.py", "/static/../app.py",
    "/static/%2e%2e/%2e%2e/settings.py", "/static/swagger/..%2F..%2F..%2F__init__.py",
])
def test_path_traversal_is_404(client, path):
    r = client.get(path)
    assert r.status_code == 404, (path, r.status_code)
    assert "root:" not in r.text and "PROJECT_ROOT" not in r.text and "import" not in r.text


# --- errors never leak ----------------------------------------------------------------------------------------

def test_unknown_paths(client):
    assert_error(client.get("/api/nothing-here"), 404, "/docs")
    page = client.get("/nothing-here")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_openapi_and_local_docs(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/search", "/api/releases", "/api/releases/{release_id}", "/healthz"} <= set(schema["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


# --- API key and body size ------------------------------------------------------------------------------------

def test_api_key(indexed):
    with make_client(indexed, api_key="s3cret") as c:
        assert_error(c.get("/api/releases"), 401, "Authorization: Bearer")
        assert c.get("/api/releases").headers["www-authenticate"] == "Bearer"
        assert_error(c.get("/api/releases", headers={"Authorization": "Bearer wrong"}), 401, "wrong")
        assert_error(c.get("/api/releases", headers={"Authorization": "Basic czNjcmV0"}), 401)
        assert_error(c.post("/api/ask", json={"question": QUESTION}), 401)
        ok = {"Authorization": "Bearer s3cret"}
        assert c.get("/api/releases", headers=ok).status_code == 200
        assert c.post("/api/ask", json={"question": QUESTION}, headers=ok).status_code == 200
        assert c.get("/healthz").status_code == 200
        assert c.get("/").status_code == 200  # pages stay public unless QA_PROTECT_PAGES


def test_api_key_protects_pages_when_asked(indexed):
    with make_client(indexed, api_key="s3cret", protect_pages=True) as c:
        r = c.get("/")
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
        assert c.get("/releases/quietville").status_code == 401
        basic = base64.b64encode(b"anyone:s3cret").decode()
        assert c.get("/", headers={"Authorization": f"Basic {basic}"}).status_code == 200
        assert c.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/", headers={"Authorization": "Basic !!!notbase64"}).status_code == 401


def test_body_over_limit_is_413(indexed):
    with make_client(indexed, max_body_bytes=2000) as c:
        big = {"question": "x" * 5000}
        assert_error(c.post("/api/ask", json=big), 413, "2000 bytes")

        def chunks():  # no Content-Length: the limit is counted while reading
            for _ in range(10):
                yield b'{"question": "' + b"y" * 500

        r = c.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
        assert_error(r, 413)
        assert c.post("/api/ask", json={"question": QUESTION}).status_code == 200


# --- pages ----------------------------------------------------------------------------------------------------

class Tags(HTMLParser):
    """Collects every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """No script but ours, no event-handler attribute, no javascript: link."""
    parser = Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        if tag == "script":
            assert attrs.get("src") == "/static/app.js", attrs
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript"), (tag, attrs)
    assert "<script>alert" not in html and "<img src=x" not in html


def test_home_page(client):
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "default-src 'self'" in r.headers["content-security-policy"]
    html = r.text
    assert 'name="q"' in html and 'method="get"' in html
    assert "Which detective is leading Operation Hotspot?" in html  # an example from questions.jsonl
    assert 'name="since"' in html and 'name="until"' in html
    assert '<option value="Calmshire"' in html and '<option value="hostile.json"' in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html  # nothing external


def test_answer_page(client):
    r = client.get("/", params={"q": QUESTION})
    assert r.status_code == 200
    html = r.text
    assert 'id="cite-1"' in html and QUESTION in html
    assert 'href="/releases/herts-operation-hotspot-page?start=' in html


def test_answer_markers_link_to_cards_with_highlight(client, monkeypatch):
    body = client.get("/api/releases/quietville").json()["body"]
    start, end = body.index("Council"), body.index("said.") + 5
    cited = Citation(n=1, release_id="quietville", title="Zebra crossing repainted in Quietville",
                     published="2021-05-06", url="https://example.org/news/zebra", source="quietville.md",
                     text=body, start=start, end=end, passage_start=0, passage_end=len(body), score=0.9)
    answer = Answer(question="how long?", answer="Four hours [1].", abstained=False, citations=[cited])
    monkeypatch.setattr(client.app.state.service, "ask", lambda q, k=None, filters=None, **_: answer)
    html = client.get("/", params={"q": "how long?"}).text
    assert 'Four hours <a class="marker" href="#cite-1"' in html and 'id="cite-1"' in html
    assert f"<mark>{body[start:end]}</mark>" in html
    assert f'href="/releases/quietville?start={start}&amp;end={end}#cited"' in html
    assert 'href="https://example.org/news/zebra"' in html


def test_abstention_page(client, monkeypatch):
    monkeypatch.setattr(client.app.state.service, "ask", lambda q, k=None, filters=None, **_: abstention(q))
    html = client.get("/", params={"q": "What is the capital of Australia?"}).text
    assert "The releases don&#39;t say" in html or "The releases don't say" in html
    assert "Nearest releases" in html and "/releases/quietville?start=0&amp;end=33#cited" in html


def test_page_bad_input(client):
    assert "Type a question" in client.get("/", params={"q": "   "}).text
    r = client.get("/", params={"q": "z" * 1001})
    assert r.status_code == 422 and "1,000" in r.text
    r = client.get("/", params={"q": "zebra", "since": "soon"})
    assert r.status_code == 422 and "since" in r.text


def test_release_page_highlights_span(client):
    body = client.get("/api/releases/quietville").json()["body"]
    start, end = body.index("Council"), body.index("said.") + 5
    html = client.get("/releases/quietville", params={"start": start, "end": end}).text
    assert f'<mark id="cited" tabindex="-1">{body[start:end]}</mark>' in html
    assert 'href="https://example.org/news/zebra"' in html
    assert '<mark' not in client.get("/releases/quietville").text
    assert '<mark' not in client.get("/releases/quietville", params={"start": 9, "end": 3}).text
    assert client.get("/releases/quietville", params={"start": 5, "end": 10**9}).status_code == 200
    assert client.get("/releases/quietville", params={"start": -1}).status_code == 422


def test_hostile_release_is_text_everywhere(client):
    detail = client.get("/api/releases/hostile").json()
    assert detail["title"] == HOSTILE_TITLE and "<script>" in detail["body"]  # stored as given, JSON is data
    start = detail["body"].index("<script>")
    page = client.get("/releases/hostile", params={"start": start, "end": start + 30}).text
    assert_inert(page)
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page and "&lt;b onmouseover=" in page
    assert "javascript:alert(document.cookie)" not in page  # a javascript: url is not even shown as a link
    answer = client.get("/", params={"q": "Testtown note script arrested <script>alert(9)</script>"}).text
    assert_inert(answer)
    assert "&lt;script&gt;alert(9)&lt;/script&gt;" in answer
    assert "release=hostile" in answer or "/releases/hostile?" in answer  # the hostile release was cited
    missing = client.get("/releases/<script>alert(1)</script>")
    assert missing.status_code == 404
    assert_inert(missing.text)


@pytest.mark.parametrize("q", ['"><svg onload=alert(1)>', "javascript:alert(1)", "[1] <a href=x>[2]</a>",
                               "</title><script>alert(1)</script>"])
def test_hostile_question_is_text(client, q):
    r = client.get("/", params={"q": q})
    assert r.status_code == 200
    assert_inert(r.text)


# --- helpers --------------------------------------------------------------------------------------------------

def test_safe_url():
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("http://x.y") == "http://x.y"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<b>",
                "//evil.example/x", "/relative", "ftp://x.y", "https://x.y/\"onmouseover=alert(1)", None, "",
                "vbscript:msgbox", "https://"):
        assert safe_url(bad) is None, bad


def test_cite_links_escapes_then_links():
    html = cite_links("A <b>b</b> [1] and [2] [3]", 2)
    assert "&lt;b&gt;b&lt;/b&gt;" in html
    assert '<a class="marker" href="#cite-1"' in html and '<a class="marker" href="#cite-2"' in html
    assert "[3]" in html and 'href="#cite-3"' not in html


def test_split_span_and_excerpt():
    assert split_span("abcdef", 2, 4) == ("ab", "cd", "ef")
    assert split_span("abcdef", -5, 99) == ("", "abcdef", "")
    assert split_span("abcdef", 4, 2) == ("abcdef", "", "")
    before, hit, after = excerpt("word " * 200 + "HIT" + " word" * 200, 1000, 1003, context=50)
    assert hit == "HIT" and before.startswith("…") and after.endswith("…") and len(before) < 60 and len(after) < 60


@pytest.mark.slow
def test_ask_gives_the_short_answer_with_its_offsets_and_the_page_highlights_it(real_service):
    """The reading answerer (the default, real reader weights) over the real-model index of the sample corpus:
    the span first, where it is in its release."""
    with make_client(real_service.settings) as client:
        check_short_answer(client)


def check_short_answer(client) -> None:
    body = client.post("/api/ask", json={"question": QUESTION}).json()
    assert not body["abstained"] and body["reason"] is None and 0 <= body["confidence"] <= 1
    short = body["short_answer"]
    assert short["text"].startswith("157") and body["answer"].startswith(f"{short['text']} [1].")
    release = client.get(f"/api/releases/{body['citations'][0]['release_id']}").json()
    assert release["body"][short["start"]:short["end"]] == short["text"]
    page = client.get("/", params={"q": QUESTION}).text
    assert f"<strong>{short['text']}</strong>" in page and "<mark>" in page


@pytest.mark.slow
def test_a_refusal_says_why_in_the_json_and_on_the_page(client):
    q = "How many arrests did Operation Hotspot make in Watford alone?"
    body = client.post("/api/ask", json={"question": q}).json()
    assert body["abstained"] and body["reason"] in ("constraint_missing", "wrong_type", "below_threshold")
    assert body["answer"].startswith("The releases don't say how many arrests Operation Hotspot made in Watford alone.")
    assert body["short_answer"] is None and body["citations"]
    page = client.get("/", params={"q": q}).text
    assert "The releases don&#39;t say how many arrests" in page and "Why:" in page


def test_requests_in_threads_are_bounded_by_serve_threads(indexed):
    """QA_SERVE_THREADS caps the threads sync routes run in (anyio's default is 40): with 40, 32 clients made the
    server's memory creep (qa.bench.memory); requests beyond the cap wait in the event loop."""
    import anyio.to_thread

    with make_client(indexed, serve_threads=3) as c:
        assert c.get("/healthz").status_code == 200
        assert c.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens) == 3
