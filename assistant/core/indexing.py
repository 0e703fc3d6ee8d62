"""Where an ingest running beside the app stands: its stages in order, how far each got, and readiness."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import Literal

# Ingest's stages in the order it runs them: postings' records (all that figures and job filters need), the
# guides, the postings' passages (their text for search, and each posting's vector), then the guides' quotable
# sentences (vectors an extractive answer would otherwise make as it quotes them).
POSTINGS_STAGE = "job postings"
GUIDES_STAGE = "guides"
PASSAGES_STAGE = "job posting passages"
SENTENCES_STAGE = "guide sentences"
STAGES = (POSTINGS_STAGE, GUIDES_STAGE, PASSAGES_STAGE, SENTENCES_STAGE)
# Stages that only make answers faster: an answer made before they end is the same, so it does not mention them.
SPEED_ONLY = frozenset({SENTENCES_STAGE})

StageState = Literal["waiting", "running", "done"]
# off: nothing indexes beside this app (the index is used as it is); starting: the first run has not begun a stage.
Phase = Literal["off", "starting", "indexing", "ready", "failed"]


@dataclass(frozen=True)
class StageView:
    """One stage of the current (or last) run: files to index and files done."""

    name: str
    state: StageState = "waiting"
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        """Share of the stage done, 0-100 (a stage with nothing to do is 100 once it runs)."""
        if self.state == "done" or (self.state == "running" and not self.total):
            return 100
        return min(99, 100 * self.done // self.total) if self.total else 0

    def label(self) -> str:
        """`job postings: 40%`, `guides: waiting`."""
        return f"{self.name}: {'waiting' if self.state == 'waiting' else f'{self.percent}%'}"


@dataclass(frozen=True)
class IndexView:
    """A consistent snapshot of the status, for one request."""

    phase: Phase
    stages: tuple[StageView, ...]
    ready: bool
    version: int
    error: str | None = None
    runs: int = 0
    seconds: float = 0.0

    def stage_done(self, name: str) -> bool:
        """Whether the stage's data is all in the index (always, once a first run has finished)."""
        return self.ready or any(s.name == name and s.state == "done" for s in self.stages)

    @property
    def pending(self) -> tuple[StageView, ...]:
        """Stages whose data is not all in the index yet."""
        return tuple(s for s in self.stages if not self.stage_done(s.name))

    def note(self) -> str | None:
        """What an answer should say about the index, or None when it is complete."""
        if self.phase == "failed" and not self.ready:
            return f"Indexing stopped: {self.error}. Answers use what was indexed before."
        pending = [s for s in self.pending if s.name not in SPEED_ONLY]
        if not pending:
            return None
        return "Still indexing " + ", ".join(s.label() for s in pending) + ". Answers use what is indexed so far."


class IndexStatus:
    """Thread-safe progress of the ingest beside the app: the ingest reports into it (its Progress), the app reads views."""

    def __init__(self, stages: tuple[str, ...] = STAGES, *, active: bool = True) -> None:
        self._lock = threading.Lock()
        self._names = stages
        self._stages = [StageView(n) for n in stages]
        self._phase: Phase = "starting" if active else "off"
        self._ready = not active
        self._version = 0
        self._error: str | None = None
        self._runs = 0
        self._started = time.monotonic()
        self._seconds = 0.0

    @classmethod
    def off(cls) -> IndexStatus:
        """The status of an app that only reads an index built elsewhere: ready, nothing running."""
        return cls(active=False)

    def begin(self) -> None:
        """A run starts: every stage waits."""
        with self._lock:
            self._stages = [StageView(n) for n in self._names]
            self._phase, self._error = "starting", None
            self._started = time.monotonic()

    def stage(self, name: str, total: int) -> None:
        """A stage starts with `total` files; the one before it is done."""
        with self._lock:
            self._close_running()
            if name not in (s.name for s in self._stages):
                self._stages.append(StageView(name))
            self._stages = [replace(s, state="running", total=total, done=0) if s.name == name else s for s in self._stages]
            self._phase = "indexing"

    def advance(self, n: int = 1) -> None:
        """n more files of the running stage are indexed."""
        if n:
            with self._lock:
                self._stages = [replace(s, done=s.done + n) if s.state == "running" else s for s in self._stages]

    def finish(self) -> None:
        """The run ended: every stage is done and the index is complete."""
        with self._lock:
            self._close_running()
            self._stages = [replace(s, state="done", done=s.total) for s in self._stages]
            self._version += 1
            self._phase, self._ready = "ready", True
            self._runs += 1
            self._seconds = time.monotonic() - self._started

    def fail(self, message: str) -> None:
        """The run stopped with an error; what it indexed stays (a stage it was in stays unfinished)."""
        with self._lock:
            self._phase, self._error = "failed", message
            self._seconds = time.monotonic() - self._started

    def _close_running(self) -> None:
        if any(s.state == "running" for s in self._stages):
            self._stages = [replace(s, state="done", done=s.total) if s.state == "running" else s for s in self._stages]
            self._version += 1

    def view(self) -> IndexView:
        """A snapshot for one request."""
        with self._lock:
            running = self._phase in ("starting", "indexing")
            seconds = time.monotonic() - self._started if running else self._seconds
            return IndexView(self._phase, tuple(self._stages), self._ready, self._version, self._error, self._runs, seconds)
