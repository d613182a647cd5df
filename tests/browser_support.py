"""What the browser tests share: Debian's Chromium, and uvicorn serving a service on a free loopback port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qa.bench.load import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def require_chromium(what: str) -> None:
    """Skip, saying why, when Chromium or the playwright package is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser-deps) to run {what}")
    pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")


@contextmanager
def serving(service) -> Iterator[str]:
    """uvicorn on a free 127.0.0.1 port serving ``service``'s app; yields its base URL, stops on exit."""
    import uvicorn

    from qa.web.app import create_app

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(service.settings, service), host="127.0.0.1", port=port,
                                       log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 120 s")
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium():
    """Headless Chromium driven by Playwright (never `playwright install`: Debian's binary)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
