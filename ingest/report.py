"""What an ingest reports: progress while it runs, and counts and times when it ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ingest.loaders.base import Problem
from ingest.reuse import EmbedCounts


class Progress(Protocol):
    """Where ingest reports how far it got (the CLI shows rich progress bars)."""

    def stage(self, name: str, total: int) -> None:
        """A new stage starts with this many steps."""
        ...

    def advance(self, n: int = 1) -> None:
        """n more steps of the current stage are done."""
        ...


class Silent:
    """Progress that goes nowhere."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class IngestReport:
    """What one ingest did, with time per stage in seconds."""

    discovered: int = 0
    unchanged: int = 0
    indexed: int = 0
    removed: int = 0
    refreshed: int = 0
    chunks: int = 0
    postings: int = 0
    sentences: int = 0
    embedding: EmbedCounts = field(default_factory=EmbedCounts)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(
        default_factory=lambda: {"load": 0.0, "chunk": 0.0, "embed": 0.0, "sentences": 0.0, "upsert": 0.0}
    )
    total_seconds: float = 0.0
