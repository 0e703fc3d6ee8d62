"""A page opened before anything is indexed follows the ingest beside the app, in a real browser (Debian's chromium):
its status line says what is being indexed, then clears, and its header and market filters fill in without a reload.

The app and its ingest run in this process (the fake embedder, the tiny corpus), as `assistant serve` runs them.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from assistant.cli.indexer import Indexer
from assistant.core.indexing import IndexStatus
from assistant.core.settings import Settings
from assistant.services import Services
from assistant.store.edge import EdgeStore

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
STEP_MS = 30_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def page() -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.set_default_timeout(STEP_MS)
        yield pg
        browser.close()


def test_an_open_page_follows_the_ingest_and_refreshes_its_filters(
    page: Page, tmp_path: Path, tiny_corpus: Any, tiny_settings: Callable[..., Settings], fake_embedder: Callable[[], Any]
) -> None:
    from assistant.app.build import serve

    tiny_corpus.write(tmp_path / "corpus")
    settings = tiny_settings(tmp_path, port=_free_port(), chunk_tokens=64, chunk_overlap=8)
    services = Services(settings, store=EdgeStore.open(settings.index_dir), embedder=fake_embedder())
    indexer = Indexer(services, IndexStatus(), lambda _line: None)
    indexer.prepare()
    demo = serve(services, block=False, status=indexer.status)
    try:
        page.goto(str(demo.local_url))
        page.locator("#index-status").get_by_text("Indexing starts").wait_for()
        page.get_by_role("tab", name="Job market").click()
        page.locator("#market-city input").click()
        assert page.get_by_role("option", name="Berlin", exact=True).count() == 0
        page.locator("#app-header").click()  # closes the list

        assert indexer.run_once()
        page.locator("#app-header").get_by_text("data as of 2026-02-10").wait_for()
        page.wait_for_function("() => !document.querySelector('#index-status').innerText.trim()")
        page.locator("#market-city input").click()
        page.get_by_role("option", name="Berlin", exact=True).click()
        page.locator("#market-postings").get_by_text("city=Berlin").wait_for()
    finally:
        demo.close()
        services.close()
