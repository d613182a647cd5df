"""WCAG 2.2 AA on the real thing: axe-core in Debian's headless Chromium, plus the keyboard and reflow
checks axe cannot make.

Four page kinds are checked: the home page, an answer, a refusal and a release page (reached by
following the answer's first citation). axe-core comes from the npm registry (``make browser-deps``
installs it under .venv/npm/) and is injected from that file; the pages fetch nothing from outside.
axe runs the rules tagged wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa and best-practice, in the light
and the dark colour scheme, and any violation fails the test.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote_plus

import pytest
from browser_support import chromium, require_chromium, serving

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

ANSWERED = "How many arrests has Operation Hotspot led to?"
REFUSED = "How many officers took part in Operation Hotspot in Watford alone?"
REFUSAL_HEADING = "The releases don't say"


@pytest.fixture(scope="module")
def server(real_service):
    """uvicorn on a free loopback port, serving conftest's real-model index of the sample corpus."""
    require_chromium("the accessibility test")
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS.relative_to(ROOT)} is missing: install axe-core from npm (make browser-deps)")
    with serving(real_service) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def pages(server, browser) -> dict[str, str]:
    """The page kinds by name, as paths (the four of the issue and a refusal with its trace open); the answer and
    the refusal are checked to be what they claim."""
    page = browser.new_page()
    page.goto(server + "/?q=" + quote_plus(ANSWERED))
    assert page.locator("#answer-title").inner_text() == "Answer", f"{ANSWERED!r} was not answered"
    release = page.locator("article.card h3 a").first.get_attribute("href")
    page.goto(server + "/?q=" + quote_plus(REFUSED))
    assert page.locator("#answer-title").inner_text() == REFUSAL_HEADING, f"{REFUSED!r} was not refused"
    page.close()
    return {"home": "/", "answer": "/?q=" + quote_plus(ANSWERED), "refusal": "/?q=" + quote_plus(REFUSED),
            "release": release, "explained": "/?explain=1&q=" + quote_plus(REFUSED)}


KINDS = ["home", "answer", "refusal", "release", "explained"]  # explained: a refusal with "Why this answer?" open


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_violations(server, browser, pages, kind, scheme):
    context = browser.new_context(color_scheme=scheme)
    context.add_init_script(path=str(AXE_JS))  # an init script: the page's CSP does not apply to it
    outside: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
    page = context.new_page()
    page.goto(server + pages[kind])
    page.wait_for_load_state("load")
    if kind != "release":
        page.locator("details.filters summary").click()  # the filters' fields are checked open too
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                            AXE_TAGS)
    context.close()
    assert "color-contrast" in {rule["id"] for rule in results["passes"]}, "axe did not check colour contrast"
    assert results["violations"] == [], f"{kind} page, {scheme} scheme:\n{_describe(results['violations'])}"
    assert outside == [], f"the pages fetched from outside the server: {outside}"


def _tab(page) -> dict:
    """Press Tab; the newly focused element, described, with whether its focus indicator shows."""
    page.keyboard.press("Tab")
    return page.evaluate("""() => {
        const e = document.activeElement, s = getComputedStyle(e);
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
        const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
        return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: (e.textContent || '').trim(),
                href: e.getAttribute('href'), name: e.getAttribute('name'), visible: outline || shadow,
                inCard: !!e.closest('article.card'), inAnswer: !!e.closest('section.answer')};
    }""")


def _tab_through(page, limit: int = 60) -> list[dict]:
    """Tab from the top of the page until focus leaves main (into the footer) or ``limit`` presses."""
    stops: list[dict] = []
    for _ in range(limit):
        stop = _tab(page)
        if stops and stop == stops[-1]:
            continue  # the parts of one date input (day, month, year) are one element
        stops.append(stop)
        if stop["text"] == "JSON API":
            break
    return stops


def _index(stops: list[dict], **want) -> int:
    for i, stop in enumerate(stops):
        if all(stop[k] == v for k, v in want.items()):
            return i
    raise AssertionError(f"no tab stop with {want} in {[(s['tag'], s['id'] or s['text'][:30]) for s in stops]}")


def _from_the_top(pages: dict[str, str], kind: str) -> str:
    """The page's path; a release without a cited span, where app.js would move focus to the passage."""
    return pages[kind].split("?")[0] if kind == "release" else pages[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_the_skip_link_comes_first_and_moves_focus_to_main(server, browser, pages, kind):
    page = browser.new_page()
    page.goto(server + _from_the_top(pages, kind))
    first = _tab(page)
    assert (first["cls"], first["href"], first["text"]) == ("skip", "#main", "Skip to content")
    assert first["visible"], "the focused skip link shows no outline"
    box = page.locator("a.skip").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    after = _tab(page)
    assert page.evaluate("document.activeElement.closest('main') !== null"), f"Tab after the skip link left main: {after}"
    page.close()


def test_tab_order_and_visible_focus_on_an_answer(server, browser, pages):
    page = browser.new_page()
    page.goto(server + pages["answer"])
    page.locator("details.filters").evaluate("d => d.open = true")
    stops = _tab_through(page)
    order = [_index(stops, cls="skip"), _index(stops, id="q"), _index(stops, tag="button"),
             _index(stops, tag="summary"), _index(stops, name="since"), _index(stops, name="until"),
             _index(stops, name="source"), _index(stops, inAnswer=True, cls="marker"),
             _index(stops, inCard=True, tag="a")]
    assert order == sorted(order), [(s["tag"], s["id"] or s["name"] or s["text"][:30]) for s in stops]
    first_card = stops[order[-1]]
    assert first_card["href"] == page.locator("article.card h3 a").first.get_attribute("href")
    hidden = [s for s in stops if not s["visible"]]
    assert hidden == [], f"focused elements without a visible outline or box-shadow: {hidden}"
    page.close()


def test_tab_order_and_visible_focus_on_a_refusal_and_a_release(server, browser, pages):
    for kind in ("refusal", "release"):
        page = browser.new_page()
        page.goto(server + _from_the_top(pages, kind))
        stops = _tab_through(page)
        if kind == "refusal":
            assert _index(stops, id="q") < _index(stops, tag="button") < _index(stops, tag="summary") \
                < _index(stops, inCard=True, tag="a")
        hidden = [s for s in stops if not s["visible"]]
        assert hidden == [], f"{kind} page: focused elements without a visible outline or box-shadow: {hidden}"
        page.close()


def test_a_cited_passage_takes_focus_visibly(server, browser, pages):
    page = browser.new_page()
    page.goto(server + pages["release"])
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.id") == "cited"
    assert page.evaluate("getComputedStyle(document.activeElement).boxShadow") not in ("", "none")
    after = _tab(page)
    assert after["visible"], f"the tab stop after the cited passage shows no focus: {after}"
    page.close()


@pytest.mark.parametrize(("width", "scale"), [(320, 1), (640, 2)], ids=["320px", "1280px-at-200%"])
@pytest.mark.parametrize("kind", KINDS)
def test_reflows_without_horizontal_scrolling(server, browser, pages, kind, width, scale):
    """WCAG 1.4.10: 320 CSS px wide (a 1280 px window at 400%), and a 1280 px window at 200% (640 CSS px)."""
    context = browser.new_context(viewport={"width": width, "height": 640}, device_scale_factor=scale)
    page = context.new_page()
    page.goto(server + pages[kind])
    if kind != "release":
        page.locator("details.filters summary").click()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 1, f"the {kind} page scrolls {overflow}px sideways at {width} CSS px"
