"""Answer history and thumbs: a SQLite file in the data dir, safe for concurrent app sessions.

Thumbs-down answers also become draft ground-truth cases (`draft_cases`, `cases_yaml`) for a person to
review and add to the eval: the question, the answer given, its cited sources, personal data removed.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from assistant.agent.corpus_tools import POSTINGS_SOURCE
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


# --- From a thumbs-down to a draft eval case -------------------------------------------------------------------------

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A run of digits with phone separators (+49 30 1234 5678, (555) 123-4567, 555-123-4567), not inside a word or a url.
_PHONE_LIKE = re.compile(r"(?<![\w/=.,:@-])(?:\+|\(\+?)?\d[\d \t().-]{5,}\d(?![\w-])")
# A date (2026-02-27, as figures state posting dates) is not a phone number.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PHONE_DIGITS = (7, 15)
EMAIL_MARK, PHONE_MARK = "[email]", "[phone]"


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1] or _DATE.search(text):
        return text
    return PHONE_MARK


def remove_personal_data(text: str, secrets: Sequence[str] = ()) -> str:
    """Text with secrets and key-shaped strings (`redact`), e-mail addresses and phone numbers replaced."""
    text = EMAIL.sub(EMAIL_MARK, redact(text, secrets))
    return _PHONE_LIKE.sub(_phone, text)


# Markers left in a draft for the reviewer; a draft still loads as a case with them.
TODO_REFERENCE = "TODO: the right answer, in one to three sentences of your own"
SEGMENT_KEYS = ("city", "country", "ai_type", "level", "work_type", "company")
# Tool arguments shown in a draft's comments; free text about a person (a CV) is never copied.
PRIVATE_ARGS = frozenset({"about_me"})
ARG_CHARS = 200


@dataclass(frozen=True)
class DraftCase:
    """A ground-truth case drafted from a thumbs-down answer, with what a reviewer needs beside it."""

    answer_id: int
    created_at: str
    model: str
    case: JsonObject  # the fields of evals.dataset.GroundTruthCase, as written to YAML
    category_note: str
    answer: str
    tools: list[str]
    loadable: bool  # False: no source, statistic or job check to start from; written commented out


def _segment(value: Any) -> dict[str, str]:
    """The segment fields of a tool's `postings` argument (skills are not part of a statistic's segment)."""
    if not isinstance(value, dict):
        return {}
    return {k: str(v) for k in SEGMENT_KEYS if (v := value.get(k))}


def guess_statistic(tools: Sequence[JsonObject]) -> JsonObject | None:
    """The statistic a figure answer computed, from its first successful `market_stats` call, when a case can name it."""
    for call in tools:
        args = call.get("args") if isinstance(call.get("args"), dict) else None
        if call.get("name") != "market_stats" or not call.get("ok", True) or args is None:
            continue
        measure = args.get("measure")
        skills = [str(s) for s in args.get("skills") or [] if isinstance(s, str) and s.strip()]
        stat: JsonObject = {}
        if measure == "skill_share" and skills:
            stat = {"kind": "skill_share", "skill": skills[0]}
        elif measure == "compare" and skills and isinstance(args.get("versus"), dict):
            stat = {"kind": "compare", "skill": skills[0], "versus": _segment(args["versus"])}
        elif measure in ("top_skills", "top_companies", "pay"):
            stat = {"kind": measure}
            if measure == "top_skills" and isinstance(args.get("category"), str):
                stat["category"] = args["category"]
        if stat:
            if filters := _segment(args.get("postings")):
                stat["filters"] = filters
            return stat
    return None


def _category(tool_names: set[str], statistic: JsonObject | None, history: list[str]) -> tuple[str, str]:
    """A category guess from the tools the answer called, and the note that tells the reviewer how sure it is."""
    if history:
        return "multi_turn", "TODO: check the category (a follow-up: the conversation's earlier questions are its history)"
    if statistic is not None:
        kind = "compensation" if statistic["kind"] == "pay" else "skill_figures"
        return kind, "TODO: check the category and the statistic (guessed from the market_stats call)"
    if "find_jobs" in tool_names:
        return "job_lookup", "TODO: check the category; add a `jobs` check (company, city, work_type, skill)"
    if "skill_gap" in tool_names:
        return "transition", "TODO: check the category (guessed from the skill_gap call)"
    return "transition", "TODO: unsure; pick the category (evals/dataset.py Category)"


def _tool_line(call: JsonObject, secrets: Sequence[str]) -> str:
    args = call.get("args") if isinstance(call.get("args"), dict) else {}
    shown = {k: ("(not copied)" if k in PRIVATE_ARGS else v) for k, v in (args or {}).items()}
    text = remove_personal_data(json.dumps(shown, ensure_ascii=False, default=str), secrets)
    text = text if len(text) <= ARG_CHARS else text[: ARG_CHARS - 1] + "…"
    return f"{call.get('name', '?')}{'' if call.get('ok', True) else ' (failed)'} {text}"


def draft_case(answer: StoredAnswer, history: Sequence[str] = (), secrets: Sequence[str] = ()) -> DraftCase:
    """A draft case from one thumbs-down answer: personal data removed, `key_facts` empty, `split: test`."""
    clean = [remove_personal_data(q, secrets) for q in history]
    statistic = guess_statistic(answer.tools)
    names = {str(t.get("name")) for t in answer.tools}
    category, note = _category(names, statistic, clean)
    # Figures are computed evidence, not documents; a cited posting or guide is a candidate source.
    sources = list(
        dict.fromkeys(
            str(c["source"])
            for c in answer.citations
            if c.get("kind") != "figure" and isinstance(c.get("source"), str) and c["source"] != POSTINGS_SOURCE
        )
    )
    case: JsonObject = {
        "id": f"feedback-{answer.id}",
        "category": category,
        "split": "test",
        "question": remove_personal_data(answer.question, secrets),
    }
    if clean:
        case["history"] = clean
    case["expected_sources"] = sources
    case["key_facts"] = []
    case["reference"] = TODO_REFERENCE
    if statistic is not None:
        case["statistic"] = statistic
    elif any(c.get("kind") == "figure" for c in answer.citations):
        case["figures_relevant"] = True
    return DraftCase(
        answer_id=answer.id,
        created_at=answer.created_at,
        model=remove_personal_data(answer.model, secrets),
        case=case,
        category_note=note,
        answer=remove_personal_data(answer.answer, secrets),
        tools=[_tool_line(t, secrets) for t in answer.tools],
        loadable=bool(sources or statistic),
    )


def draft_cases(store: FeedbackStore) -> list[DraftCase]:
    """A draft case for every thumbs-down answer in the store, oldest first."""
    return [draft_case(a, store.earlier_questions(a), store.secrets) for a in store.thumbs_down()]


CASES_HEADER = """\
# Draft ground-truth cases from thumbs-down answers (`assistant feedback --to-cases`).
# Review each before adding it to evals/ground_truth.yaml (see evals/README.md, "From a thumbs-down to a case"):
#   - give it an id of its category (`<category prefix>-NN`) and check the category;
#   - keep only the expected_sources that answer the question (the ones listed are what the answer cited);
#   - write key_facts (regexes found in those sources) and the reference in your own words;
#   - remove anything personal the automatic pass missed (names, employers, places): e-mail
#     addresses, phone numbers and key-shaped secrets are already replaced.
# Cases with nothing to start from (no cited source, no statistic) are commented out.
"""


def _comment(text: str, prefix: str = "#   ") -> list[str]:
    return [(prefix + line).rstrip() for line in text.splitlines() or [""]]


def case_yaml(draft: DraftCase) -> str:
    """One draft as YAML: comments with the answer given and the tools it called, then the case (commented out if not loadable)."""
    lines = [f"# From answer {draft.answer_id} (thumbs down, {draft.created_at}, model {draft.model})."]
    if draft.tools:
        lines += ["# Tools it called:", *_comment("\n".join(draft.tools))]
    lines += ["# The answer given:", *_comment(draft.answer)]
    if not draft.loadable:
        lines += [
            "# TODO: it cited no source and computed no figure: add expected_sources (or a statistic), then uncomment;",
            "# or, if declining was right, make it an out_of_scope case with expect_refusal: true.",
        ]
    body = yaml.safe_dump([draft.case], sort_keys=False, allow_unicode=True, width=10_000).splitlines()
    body = [f"{line}  # {draft.category_note}" if line.startswith("  category:") else line for line in body]
    lines += body if draft.loadable else [f"# {line}" for line in body]
    return "\n".join(lines) + "\n"


def cases_yaml(drafts: Sequence[DraftCase]) -> str:
    """The whole draft file: a header for the reviewer, then every draft."""
    return CASES_HEADER + "".join("\n" + case_yaml(d) for d in drafts)
