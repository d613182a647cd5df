"""A real browser on the real thing: Debian's headless Chromium, driven by Playwright, against
uvicorn serving an index of the sample corpus built with the real model.

Open /, ask a sample question, see the answer and its citation cards, follow a citation to
the release page and check the highlighted passage. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_support import chromium, require_chromium, serving

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(real_service):
    """uvicorn on a free loopback port, serving conftest's real-model index of the sample corpus."""
    require_chromium("the browser test")
    with serving(real_service) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


def _sample_question(qid: str = "q005") -> dict:
    for line in (ROOT / "corpus" / "questions.jsonl").read_text().splitlines():
        item = json.loads(line)
        if item["id"] == qid:
            return item
    raise LookupError(qid)


def test_ask_then_follow_a_citation(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    sample = _sample_question()
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
    page.goto(server + "/")
    assert page.title().startswith("qa")
    page.fill("#q", sample["question"])
    with page.expect_navigation():
        page.press("#q", "Enter")  # the keyboard is enough
    assert "?q=" in page.url

    answer = page.locator("section.answer")
    answer.wait_for()
    assert answer.locator("h2").inner_text() in ("Answer", "The releases don't say")
    cards = page.locator("article.card")
    assert cards.count() >= 1
    hrefs = [cards.nth(i).locator("h3 a").get_attribute("href") for i in range(cards.count())]
    assert any(h.startswith(f"/releases/{sample['release_ids'][0]}?") for h in hrefs), hrefs
    if answer.locator("h2").inner_text() == "Answer":
        marker = answer.locator("a.marker").first
        assert marker.get_attribute("href") == "#cite-1"
        assert cards.first.locator("mark").count() == 1
    page.screenshot(path=str(ARTIFACTS / "browser-answer.png"), full_page=True)

    card = cards.first
    highlighted = card.locator("mark").inner_text() if card.locator("mark").count() else None
    with page.expect_navigation():
        card.locator("h3 a").click()
    assert "/releases/" in page.url and page.url.endswith("#cited")
    cited = page.locator("mark#cited")
    cited.wait_for()
    if highlighted:
        assert " ".join(cited.inner_text().split()) == " ".join(highlighted.split())
    box = cited.bounding_box()
    assert box is not None and 0 <= box["y"] < 900, box  # scrolled into view
    page.screenshot(path=str(ARTIFACTS / "browser-release.png"))
    page.close()
    assert outside == [], f"the pages fetched from outside the server: {outside}"


def test_works_without_javascript_and_on_a_phone(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(server + "/?q=" + "Which+detective+is+leading+Operation+Hotspot%3F")
    assert page.locator("article.card").count() >= 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone screen"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.screenshot(path=str(ARTIFACTS / "browser-phone.png"), full_page=True)
    context.close()


def test_hostile_text_never_runs(server, browser):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%3Cimg+src%3Dx+onerror%3Dalert(2)%3E")
    page.wait_for_load_state("load")
    assert "<script>alert(1)</script>" in page.locator("#q").input_value()
    assert dialogs == []
    page.close()
