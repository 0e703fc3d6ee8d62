"""Feedback store: rows, thumbs, concurrent writers, export, and no secrets on disk."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.app.feedback import AnswerLog, FeedbackStore
from assistant.core.secrets import redact
from assistant.errors import InputError


def _log(question: str = "what should a data engineer learn?", **changes: object) -> AnswerLog:
    values: dict[str, object] = {
        "conversation": "c1",
        "question": question,
        "answer": "Learn RAG [1].",
        "citations": [{"id": "1", "source": "guides/de.md", "title": "From DE", "url": "https://example.org/de", "quote": "RAG"}],
        "tools": [{"name": "search_corpus", "args": {"query": question}, "duration_s": 0.01}],
        "model": "offline",
        "latency_s": 0.25,
    }
    values.update(changes)
    return AnswerLog(**values)  # type: ignore[arg-type]


def test_record_stores_every_field(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    row_id = store.record(_log())
    row = store.get(row_id)
    assert row is not None
    assert (row.question, row.answer, row.model, row.latency_s, row.thumbs) == (
        "what should a data engineer learn?",
        "Learn RAG [1].",
        "offline",
        0.25,
        None,
    )
    assert row.citations[0]["url"] == "https://example.org/de"
    assert row.tools[0]["name"] == "search_corpus" and row.tools[0]["args"] == {"query": "what should a data engineer learn?"}
    assert row.created_at.endswith("+00:00")


def test_database_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_thumbs_can_be_set_changed_and_cleared(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    row_id = store.record(_log())
    store.set_thumbs(row_id, "up")
    assert store.get(row_id).thumbs == "up"  # type: ignore[union-attr]
    store.set_thumbs(row_id, "down")
    assert store.get(row_id).thumbs == "down"  # type: ignore[union-attr]
    store.set_thumbs(row_id, None)
    assert store.get(row_id).thumbs is None  # type: ignore[union-attr]


def test_thumbs_on_unknown_answer_is_an_input_error(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(InputError, match="no recorded answer"):
        store.set_thumbs(42, "up")


def test_recent_is_newest_first_and_counts_thumbs(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    ids = [store.record(_log(f"q{i}")) for i in range(3)]
    store.set_thumbs(ids[0], "up")
    store.set_thumbs(ids[1], "down")
    assert [r.question for r in store.recent(2)] == ["q2", "q1"]
    assert store.counts() == (3, 1, 1)


def test_concurrent_threads_lose_no_rows(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")

    def write(i: int) -> int:
        row_id = store.record(_log(f"q{i}", conversation=f"c{i % 4}"))
        store.set_thumbs(row_id, "up" if i % 2 else "down")
        return row_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(write, range(80)))
    assert len(set(ids)) == 80
    assert store.counts() == (80, 40, 40)


def _write_from_process(path: str, worker: int, n: int) -> None:
    store = FeedbackStore(Path(path))
    for i in range(n):
        store.set_thumbs(store.record(_log(f"w{worker}-{i}")), "up")


def test_concurrent_processes_lose_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_from_process, args=(str(path), w, 25)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert FeedbackStore(path).counts() == (100, 100, 0)


def test_export_writes_one_json_object_a_line_oldest_first(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    first = store.record(_log("first"))
    store.record(_log("second"))
    store.set_thumbs(first, "up")
    out = tmp_path / "export" / "feedback.jsonl"
    assert store.export_jsonl(out) == 2
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(x["question"], x["thumbs"]) for x in lines] == [("first", "up"), ("second", None)]
    assert set(lines[0]) >= {"question", "answer", "citations", "tools", "model", "latency_s", "thumbs", "created_at"}


def test_configured_secrets_never_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    key = "my-own-server-token-1234"
    store = FeedbackStore(path, secrets=[key])
    store.record(_log(f"my key is {key}", tools=[{"name": "x", "args": {"token": key}, "duration_s": 0.0}]))
    store.export_jsonl(tmp_path / "out.jsonl")
    for file in (path, tmp_path / "out.jsonl"):
        assert key.encode() not in file.read_bytes()
    assert "[redacted]" in store.recent()[0].question


def test_provider_shaped_keys_are_redacted_without_configuration() -> None:
    assert redact("use sk-abcdefghijklmnopqrstuvwx please") == "use [redacted] please"
    assert redact("a sketch of sk-learn") == "a sketch of sk-learn"
