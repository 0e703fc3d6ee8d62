"""Answer history and thumbs: a SQLite file in the data dir, safe for concurrent app sessions.

Thumbs-down answers become draft ground-truth cases in `drafts.py`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.core.secrets import configured_secrets, redact
from assistant.core.settings import Settings
from assistant.errors import InputError

Thumbs = Literal["up", "down"]
JsonObject = dict[str, Any]

# Waits this long for another writer's lock before failing; writes take milliseconds.
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    tools TEXT NOT NULL,
    model TEXT NOT NULL,
    latency_s REAL NOT NULL,
    thumbs TEXT CHECK (thumbs IN ('up', 'down')),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_created ON answers (created_at);
"""


@dataclass(frozen=True)
class AnswerLog:
    """One answer as it is recorded: question, answer, evidence, how it was made."""

    conversation: str
    question: str
    answer: str
    citations: list[JsonObject]
    tools: list[JsonObject]
    model: str
    latency_s: float


@dataclass(frozen=True)
class StoredAnswer:
    """A recorded answer with its row id, the user's thumbs and when it was made."""

    id: int
    conversation: str
    question: str
    answer: str
    citations: list[JsonObject]
    tools: list[JsonObject]
    model: str
    latency_s: float
    thumbs: Thumbs | None
    created_at: str


class FeedbackStore:
    """Answers and thumbs in SQLite (WAL): one short connection per call, so threads and processes can share it."""

    def __init__(self, path: Path, secrets: Sequence[str] = ()) -> None:
        self.path = path
        self._secrets = tuple(s for s in secrets if s)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            with db:  # one transaction: commit on success, roll back on error
                yield db
        finally:
            db.close()

    @property
    def secrets(self) -> tuple[str, ...]:
        """The configured secret values this store redacts."""
        return self._secrets

    def _clean(self, value: str) -> str:
        return redact(value, self._secrets)

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._clean(value)
        if isinstance(value, dict):
            return {str(k): self._scrub(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._scrub(v) for v in value]
        return value

    def _clean_json(self, items: list[JsonObject]) -> str:
        return json.dumps(self._scrub(items), ensure_ascii=False, default=str)

    def record(self, log: AnswerLog) -> int:
        """Store one answer (secrets redacted); returns its row id."""
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO answers (conversation, question, answer, citations, tools, model, latency_s, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    log.conversation,
                    self._clean(log.question),
                    self._clean(log.answer),
                    self._clean_json(log.citations),
                    self._clean_json(log.tools),
                    self._clean(log.model),
                    float(log.latency_s),
                    created,
                ),
            )
            row_id = cur.lastrowid
        if row_id is None:
            raise RuntimeError("SQLite returned no row id for an insert")
        return row_id

    def set_thumbs(self, answer_id: int, thumbs: Thumbs | None) -> None:
        """Set (or clear, with None) the user's rating of an answer."""
        if thumbs not in ("up", "down", None):
            raise InputError(f"thumbs must be 'up', 'down' or empty, not {thumbs!r}")
        with self._connect() as db:
            cur = db.execute("UPDATE answers SET thumbs = ? WHERE id = ?", (thumbs, answer_id))
            if cur.rowcount == 0:
                raise InputError(f"no recorded answer with id {answer_id}")

    def get(self, answer_id: int) -> StoredAnswer | None:
        """One answer by row id."""
        with self._connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM answers WHERE id = ?", (answer_id,)).fetchone()
        return _row(row) if row else None

    def recent(self, limit: int | None = None) -> list[StoredAnswer]:
        """Answers, newest first; all of them when limit is None."""
        sql = f"SELECT {_COLUMNS} FROM answers ORDER BY id DESC"
        with self._connect() as db:
            rows = db.execute(sql + " LIMIT ?", (limit,)).fetchall() if limit is not None else db.execute(sql).fetchall()
        return [_row(r) for r in rows]

    def counts(self) -> tuple[int, int, int]:
        """How many answers, thumbs up and thumbs down are recorded."""
        with self._connect() as db:
            total, up, down = db.execute(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE thumbs = 'up'), COUNT(*) FILTER (WHERE thumbs = 'down') FROM answers"
            ).fetchone()
        return int(total), int(up), int(down)

    def thumbs_down(self) -> list[StoredAnswer]:
        """Every answer rated thumbs down, oldest first."""
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM answers WHERE thumbs = 'down' ORDER BY id").fetchall()
        return [_row(r) for r in rows]

    def earlier_questions(self, answer: StoredAnswer) -> list[str]:
        """The questions asked before this answer in the same conversation, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT question FROM answers WHERE conversation = ? AND id < ? ORDER BY id", (answer.conversation, answer.id)
            ).fetchall()
        return [str(r[0]) for r in rows]

    def export_jsonl(self, target: Path) -> int:
        """Write every answer, oldest first, as one JSON object a line; returns how many."""
        rows = list(reversed(self.recent()))
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
        return len(rows)


def open_feedback(settings: Settings) -> FeedbackStore:
    """The answer log in the data dir, told which configured secret values to redact."""
    return FeedbackStore(settings.feedback_db, secrets=configured_secrets(settings))


_COLUMNS = "id, conversation, question, answer, citations, tools, model, latency_s, thumbs, created_at"


def _row(row: tuple[Any, ...]) -> StoredAnswer:
    rid, conversation, question, answer, citations, tools, model, latency, thumbs, created = row
    return StoredAnswer(
        int(rid), conversation, question, answer, json.loads(citations), json.loads(tools), model, float(latency), thumbs, created
    )
