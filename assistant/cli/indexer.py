"""The ingest `assistant serve` runs beside its app: once at start, then whenever the corpus changes (`--watch`)."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from assistant.core.indexing import IndexStatus
from assistant.errors import AssistantError
from assistant.services import Services

log = logging.getLogger(__name__)

# Seconds between two progress lines in the server log while a stage runs.
LOG_EVERY_S = 10.0


def corpus_fingerprint(root: Path) -> str:
    """A hash of every file's path, size and modification time under root (hidden ones skipped); "" without root."""
    digest = hashlib.sha256()
    if not root.is_dir():
        return ""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(n for n in filenames if not n.startswith(".")):
            path = os.path.join(dirpath, name)
            try:
                info = os.stat(path)
            except OSError:  # deleted while we looked: the next scan sees it gone
                continue
            digest.update(f"{os.path.relpath(path, root)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class _Reporter:
    """Ingest's Progress: into the status the app reads, and a line in the server log now and then."""

    def __init__(self, status: IndexStatus, log: Callable[[str], None]) -> None:
        self.status = status
        self.log = log
        self.name = ""
        self.done = 0
        self.total = 0
        self.logged = time.monotonic()

    def stage(self, name: str, total: int) -> None:
        self.status.stage(name, total)
        self.name, self.done, self.total, self.logged = name, 0, total, time.monotonic()
        if total:
            self.log(f"indexing {name}: {total:,} file{'' if total == 1 else 's'}")

    def advance(self, n: int = 1) -> None:
        self.status.advance(n)
        self.done += n
        if time.monotonic() - self.logged >= LOG_EVERY_S:
            self.logged = time.monotonic()
            self.log(f"{self.name}: {self.done:,}/{self.total:,}")


class Indexer:
    """Keeps the served index equal to the corpus, reporting into `status`; runs in the main thread beside the app's."""

    def __init__(self, services: Services, status: IndexStatus, log: Callable[[str], None]) -> None:
        self.services = services
        self.status = status
        self.log = log

    def prepare(self) -> None:
        """Load the embedding model and create the collections before the app serves (a mismatched index fails here)."""
        from ingest.pipeline import prepare_index

        # A request opening a collection while ingest creates it could load a second copy of its shard.
        prepare_index(self.services.store, self.services.embedder, rebuild=False)

    def warm_up(self) -> None:
        """Have the offline model's question router ready (trained once, then loaded from the models dir)."""
        # Trained inside a first question, beside an ingest, it can outlast the answer's time limit.
        from assistant.models import OFFLINE, model_name
        from assistant.offline.router import router_for

        settings = self.services.settings
        try:
            if model_name(settings) == OFFLINE:
                router_for(self.services.embedder, settings.models_dir)
        except AssistantError as exc:  # the first question reports it with its fix
            self.log(f"question router not ready: {exc.message}")

    def run_once(self) -> bool:
        """One incremental ingest of the corpus; False (and the status says why) when it failed."""
        from ingest.chunking import ChunkSpec
        from ingest.pipeline import Ingester

        settings = self.services.settings
        spec = ChunkSpec(settings.chunk_tokens, settings.chunk_overlap)
        self.status.begin()
        try:
            if not settings.corpus_dir.is_dir():
                raise AssistantError(
                    f"corpus dir {settings.corpus_dir} does not exist",
                    hint="run `assistant corpus fetch`, or set ASSISTANT_CORPUS_DIR to a folder of documents",
                )
            ingester = Ingester(
                self.services.store, self.services.embedder, self.services.taxonomy, spec, _Reporter(self.status, self.log)
            )
            report = ingester.run(settings.corpus_dir)
        except AssistantError as exc:
            self.status.fail(exc.message)
            self.log(f"indexing stopped: {exc.message}" + (f" (fix: {exc.hint})" if exc.hint else ""))
            return False
        except Exception as exc:  # the app keeps serving what is indexed; the traceback goes to the log
            log.exception("ingest failed")
            self.status.fail(f"unexpected {type(exc).__name__}: {exc}")
            return False
        self.status.finish()
        skipped = f", {len(report.problems)} skipped (`assistant ingest` lists them)" if report.problems else ""
        self.log(
            f"index ready: {report.indexed:,} files indexed, {report.unchanged:,} unchanged, "
            f"{report.removed:,} removed in {report.total_seconds:.1f} s{skipped}"
        )
        return True

    def run(self, watch_every: float | None, stop: threading.Event | None = None) -> None:
        """Ingest once; with `watch_every`, scan the corpus that often and ingest again after any change, until `stop`."""
        stop = stop or threading.Event()
        seen = corpus_fingerprint(self.services.settings.corpus_dir)
        self.warm_up()
        self.run_once()
        while watch_every is not None and not stop.wait(watch_every):
            now = corpus_fingerprint(self.services.settings.corpus_dir)
            if now != seen:
                seen = now
                self.log("the corpus changed: indexing again")
                self.run_once()
