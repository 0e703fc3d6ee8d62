"""The app in a real browser: Debian's chromium through Playwright, against a small index this module builds.

The app runs in this process (Gradio's server thread) on a free localhost port with the offline model.
Screenshots of each tab go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import io
import socket
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Locator, Page, Request, sync_playwright

from ingest.loaders.base import FIELD_GUIDE_BLOB

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STEP_MS = 30_000  # bound on any one wait in the page
ANSWER_MS = 90_000  # bound on one streamed answer from the offline model
UPLOAD_LIMIT_MB = 1.0


@dataclass
class RunningApp:
    """The app under test: its URL, settings and the requests the pages made to other hosts."""

    url: str
    feedback_db: Path
    outside_requests: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cv_pdf_bytes(lines: list[str]) -> bytes:
    """A one-page text PDF (TrueType fonts, so its text can be extracted), drawn with matplotlib's PDF backend."""
    import matplotlib
    from matplotlib.backends.backend_pdf import FigureCanvasPdf
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig = Figure(figsize=(8.27, 11.69))
        FigureCanvasPdf(fig)
        for i, line in enumerate(lines):
            fig.text(0.1, 0.9 - 0.04 * i, line, fontsize=14 if i == 0 else 11)
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf")
    return buf.getvalue()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, tiny_corpus: Any) -> Iterator[RunningApp]:
    """The app over a freshly ingested small corpus, served on a free port for this module's tests."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from assistant.app.build import serve
    from assistant.core.settings import Settings
    from assistant.services import Services
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    base = tmp_path_factory.mktemp("app")
    root = tiny_corpus.write(base / "corpus")
    settings = Settings(
        corpus_dir=root, data_dir=base / "data", model="offline", port=_free_port(), max_upload_mb=UPLOAD_LIMIT_MB
    )
    services = Services(settings)
    Ingester(services.store, services.embedder, services.taxonomy, ChunkSpec(settings.chunk_tokens, settings.chunk_overlap)).run(
        root
    )
    demo = serve(services, block=False)
    try:
        yield RunningApp(str(demo.local_url), settings.feedback_db)
    finally:
        demo.close()
        services.close()


@pytest.fixture(scope="module")
def browser(app: RunningApp) -> Iterator[Browser]:
    """One headless chromium for the module."""
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(app: RunningApp, browser: Browser) -> Iterator[Page]:
    """A fresh page on the app; records any request to a host other than the app's."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(STEP_MS)
    app_host = urlparse(app.url).netloc

    def note(request: Request) -> None:
        url = request.url
        if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).netloc != app_host:
            app.outside_requests.append(url)

    pg.on("request", note)
    pg.goto(app.url)
    pg.locator("#tab-chat, #chatbot").first.wait_for()
    yield pg
    context.close()


def _shot(pg: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _open_tab(pg: Page, name: str) -> None:
    pg.get_by_role("tab", name=name).click()


def _pick(pg: Page, elem_id: str, option: str) -> None:
    pg.locator(f"#{elem_id} input").click()
    pg.get_by_role("option", name=option, exact=True).click()


def test_cv_upload_shows_gap_table_and_chart(page: Page, tmp_path: Path, tiny_corpus: Any) -> None:
    cv = tmp_path / "jane-cv.pdf"
    cv.write_bytes(cv_pdf_bytes(["Jane Example, Data Engineer", "Skills: Python, SQL, Spark, Airflow, Docker"]))
    _open_tab(page, "Skill gap")
    page.locator("#gap-cv input[type=file]").set_input_files(str(cv))
    page.get_by_text("jane-cv.pdf received").wait_for()
    page.locator("#gap-run").click()
    page.locator("#gap-recognised").get_by_text("from your CV").wait_for()
    chips = page.locator("#gap-recognised .ca-chip").all_inner_texts()
    assert {"Python", "SQL", "Spark", "Docker"} <= set(chips)
    table = page.locator("#gap-table").inner_text()
    assert "RAG" in table and "62.5%" in table and "5 of 8" in table
    page.locator("#gap-chart img").wait_for()
    assert page.locator("#gap-chart img").evaluate("img => img.naturalWidth") > 300
    learning = page.locator("#gap-learning")
    assert learning.locator(f"a[href$='{tiny_corpus.learning_path_source.removeprefix('field-guide/')}']").count() >= 1
    _shot(page, "skill-gap")


def test_non_pdf_upload_is_refused_by_content(page: Page, tmp_path: Path) -> None:
    fake = tmp_path / "not-really.pdf"
    fake.write_text("Skills: Python, SQL\n")
    _open_tab(page, "Skill gap")
    page.locator("#gap-cv input[type=file]").set_input_files(str(fake))
    note = page.locator("#gap-upload-note")
    note.get_by_text("is not a PDF").wait_for()
    page.locator("#gap-run").click()
    page.locator("#gap-error").get_by_text("is not a PDF").wait_for()
    _shot(page, "skill-gap-not-a-pdf")


def test_oversized_upload_is_refused(page: Page, tmp_path: Path) -> None:
    big = tmp_path / "huge-cv.pdf"
    big.write_bytes(cv_pdf_bytes(["Big CV"]) + b"%" + b"x" * int(1.5 * UPLOAD_LIMIT_MB * 2**20))
    _open_tab(page, "Skill gap")
    page.locator("#gap-cv input[type=file]").set_input_files(str(big))
    page.get_by_text("exceed", exact=False).first.wait_for()
    _shot(page, "skill-gap-too-large")
    assert page.get_by_text("huge-cv.pdf received").count() == 0


def test_market_city_filter_shows_chart_and_postings(page: Page, tiny_corpus: Any) -> None:
    _open_tab(page, "Job market")
    page.locator("#market-chart img").wait_for()
    _pick(page, "market-city", "Berlin")
    postings = page.locator("#market-postings")
    postings.get_by_text("city=Berlin").wait_for()
    berlin = [p for p in tiny_corpus.postings if p.location.startswith("Berlin")]
    links = postings.locator("a")
    assert links.count() == len(berlin)
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} == {p.url for p in berlin}
    assert page.locator("#market-chart img").evaluate("img => img.naturalWidth") > 300
    assert "Senior level" in page.locator("#market-pay").inner_text()
    _shot(page, "job-market-berlin")


DE_QUESTION = "What should a data engineer learn to become an AI engineer?"
# Records every distinct text the newest bot message shows, so a test can see the answer arrive in steps.
WATCH_BOT_TEXT = """() => {
  window.__botTexts = [];
  const log = document.querySelector('#chatbot');
  new MutationObserver(() => {
    const bots = log.querySelectorAll('[data-testid="bot"]');
    const text = bots.length ? bots[bots.length - 1].innerText : '';
    if (text && window.__botTexts[window.__botTexts.length - 1] !== text) window.__botTexts.push(text);
  }).observe(log, {subtree: true, childList: true, characterData: true});
}"""


def _ask(pg: Page, question: str) -> None:
    pg.locator("#chat-input textarea").fill(question)
    pg.locator("#chat-send").click()


def _answers(pg: Page) -> Locator:
    """Finished answers: bot messages that carry the trace block."""
    return pg.locator("#chatbot [data-testid='bot']").filter(has_text="How this answer was made")


def _thumbs(db: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as con:
        return list(con.execute("SELECT question, thumbs FROM answers ORDER BY id"))


def test_question_streams_an_answer_with_a_cited_guide_link(page: Page, tiny_corpus: Any) -> None:
    guide_url = FIELD_GUIDE_BLOB + tiny_corpus.learning_path_source.removeprefix("field-guide/")
    page.locator("#chatbot").wait_for()  # the page fixture may return while only the tab bar is drawn
    page.evaluate(WATCH_BOT_TEXT)
    _ask(page, DE_QUESTION)
    answer = _answers(page).first
    answer.wait_for(timeout=ANSWER_MS)
    steps = page.evaluate("window.__botTexts")
    assert len(steps) >= 2 and "How this answer was made" not in steps[0]  # shown in steps before the final answer
    assert answer.locator(f"a[href='{guide_url}']").count() >= 1
    assert "RAG" in answer.inner_text()
    answer.get_by_text("How this answer was made").click()
    assert "skill_gap" in answer.locator(".ca-trace").inner_text() or "search_corpus" in answer.locator(".ca-trace").inner_text()
    _shot(page, "chat")


def test_suggested_follow_up_gives_a_second_answer(page: Page) -> None:
    _ask(page, DE_QUESTION)
    _answers(page).first.wait_for(timeout=ANSWER_MS)
    follow_up = page.locator("#chatbot button.option").first
    asked = follow_up.inner_text().strip()
    follow_up.click()
    _answers(page).nth(1).wait_for(timeout=ANSWER_MS)
    users = page.locator("#chatbot [data-testid='user']").all_inner_texts()
    assert [u.strip() for u in users] == [DE_QUESTION, asked]
    _shot(page, "chat-follow-up")


def test_thumbs_up_is_stored_with_the_answer(app: RunningApp, page: Page) -> None:
    question = "Which skills do AI-first postings ask for most?"
    _ask(page, question)
    _answers(page).first.wait_for(timeout=ANSWER_MS)
    page.locator("#chatbot button[aria-label='Like']").last.click()
    deadline = time.monotonic() + STEP_MS / 1000
    while (question, "up") not in _thumbs(app.feedback_db) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (question, "up") in _thumbs(app.feedback_db)


def test_pages_request_nothing_from_other_hosts(app: RunningApp, page: Page) -> None:
    """Runs last: every page this module opened, chat included, is checked."""
    for tab in ("Skill gap", "Job market", "Chat"):
        _open_tab(page, tab)
        page.wait_for_timeout(500)
    assert app.outside_requests == []
