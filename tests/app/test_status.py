"""The app while its index is built beside it: `GET /status`, the status line, the note on answers, refreshed filters."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import httpx
import pytest
from pydantic import SecretStr

from assistant.app.build import build_app, serve
from assistant.app.chat import ChatState, Message, answer_stream
from assistant.app.feedback import FeedbackStore
from assistant.app.market import filter_choices
from assistant.app.status import status_line
from assistant.core.indexing import GUIDES_STAGE, PASSAGES_STAGE, POSTINGS_STAGE, SENTENCES_STAGE, IndexStatus
from assistant.core.settings import Settings
from assistant.services import Services
from assistant.store.collections import specs
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _guides_running() -> IndexStatus:
    """Postings done, guides 2 of 5."""
    status = IndexStatus()
    status.begin()
    status.stage(POSTINGS_STAGE, 8)
    status.advance(8)
    status.stage(GUIDES_STAGE, 5)
    status.advance(2)
    return status


@pytest.fixture
def served(tiny: Services) -> Iterator[tuple[str, IndexStatus]]:
    """The tiny index served with a status mid-way through the guides; the app's URL and that status."""
    status = _guides_running()
    services = Services(tiny.settings.model_copy(update={"port": _free_port()}), store=tiny.store, embedder=tiny.embedder)
    demo = serve(services, block=False, status=status)
    try:
        yield str(demo.local_url).rstrip("/"), status
    finally:
        demo.close()


def test_status_reports_stages_counts_and_readiness(served: tuple[str, IndexStatus]) -> None:
    url, status = served
    body = httpx.get(f"{url}/status", timeout=10).json()
    assert body["ready"] is False and body["phase"] == "indexing"
    assert [(s["name"], s["state"], s["done"], s["total"], s["percent"]) for s in body["stages"]] == [
        (POSTINGS_STAGE, "done", 8, 8, 100),
        (GUIDES_STAGE, "running", 2, 5, 40),
        (PASSAGES_STAGE, "waiting", 0, 0, 0),
        (SENTENCES_STAGE, "waiting", 0, 0, 0),
    ]
    assert body["counts"]["postings"] == 8 and body["counts"]["guide_passages"] > 0 and body["counts"]["files"] == 11
    assert body["note"] == "Still indexing guides: 40%, job posting passages: waiting. Answers use what is indexed so far."
    status.finish()
    body = httpx.get(f"{url}/status", timeout=10).json()
    assert body["ready"] is True and body["phase"] == "ready" and body["note"] is None and body["runs"] == 1


def test_status_needs_no_login_while_the_app_does(tiny: Services) -> None:
    settings = tiny.settings.model_copy(update={"port": _free_port(), "app_username": "u", "app_password": SecretStr("p")})
    demo = serve(Services(settings, store=tiny.store, embedder=tiny.embedder), block=False, status=IndexStatus())
    try:
        url = str(demo.local_url).rstrip("/")
        assert httpx.get(f"{url}/config", timeout=10).status_code == 401
        assert httpx.get(f"{url}/status", timeout=10).json()["phase"] == "starting"
    finally:
        demo.close()


def _answer(services: Services, question: str, status: IndexStatus, tmp_path: Path) -> str:
    async def last() -> list[Message]:
        shown: list[Message] = []
        feedback = FeedbackStore(tmp_path / "f.db")
        async for update in answer_stream(services, feedback, question, [], ChatState(), status):
            shown = update[0]
        return shown

    return str(asyncio.run(last())[-1]["content"])


def test_an_answer_while_guides_are_indexed_says_so_and_still_answers(tiny: Services, offline: None, tmp_path: Path) -> None:
    status = _guides_running()
    answer = _answer(tiny, "What share of postings ask for RAG?", status, tmp_path)
    assert answer.startswith("_Still indexing guides: 40%, job posting passages: waiting. Answers use what is indexed so far._")
    assert "of 8 postings" in answer
    status.finish()
    assert "Still indexing" not in _answer(tiny, "What share of postings ask for RAG?", status, tmp_path)


def test_status_line_follows_the_run() -> None:
    status = IndexStatus()
    assert "Indexing starts" in status_line(status.view())
    status.stage(POSTINGS_STAGE, 4)
    status.advance()
    assert status_line(status.view()) == (
        "**Indexing the corpus**: job postings: 25%, guides: waiting, job posting passages: waiting, "
        "guide sentences: waiting. Answers use what is indexed so far."
    )
    status.finish()
    assert status_line(status.view()) == ""
    status.begin()
    status.stage(GUIDES_STAGE, 2)
    assert status_line(status.view()) == (
        "Updating the index: job postings: waiting, guides: 0%, job posting passages: waiting, guide sentences: waiting."
    )
    assert status_line(IndexStatus.off().view()) == ""


def _tick(demo: gr.Blocks) -> Callable[[int], tuple[Any, ...]]:
    """The function the page's status timer calls."""
    timers = {b._id for b in demo.blocks.values() if isinstance(b, gr.Timer)}
    found = [f.fn for f in demo.fns.values() if any(block in timers for block, _event in f.targets)]
    assert len(found) == 1 and found[0] is not None
    return found[0]


def test_filters_and_header_made_before_postings_refresh_when_a_stage_finishes(
    tmp_path: Path, fake_embedder: Callable[[], Any], market_data: Any
) -> None:
    embedder = fake_embedder()
    store = EdgeStore.open(tmp_path / "index")
    for name, spec in specs(embedder.dim).items():
        store.ensure_collection(name, spec)
    settings = Settings(_env_file=None, data_dir=tmp_path, corpus_dir=tmp_path / "corpus", model="offline")  # type: ignore[call-arg]
    services = Services(settings, store=store, embedder=embedder)
    status = IndexStatus()
    status.stage(POSTINGS_STAGE, 10)
    demo = build_app(services, status=status)
    city = next(b for b in demo.blocks.values() if isinstance(b, gr.Dropdown) and b.elem_id == "market-city")
    assert city.choices == [("any", "")]
    seen = status.view().version
    tick = _tick(demo)
    line, header, version = tick(seen)
    assert "job postings: 0%" in line and isinstance(header, type(gr.skip())) and version == seen

    market_data.fill(store, Taxonomy.load(), embedder)
    status.stage(GUIDES_STAGE, 3)
    line, header, version = tick(seen)
    assert version > seen and "data as of 2026-02-05" in header["value"] and "guides: 0%" in line
    cities = filter_choices(services)[0]["choices"]
    assert cities[0] == ("any", "") and {"Berlin", "London", "New York"} <= set(cities[1:])
    services.close()
