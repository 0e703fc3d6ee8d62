"""A hostile file among good ones: one 20 MB line of a single repeated word, ingested with real guides.

It must be refused (or cut) and named within seconds, and the good files beside it must be searchable.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from assistant.core.embedding import FastEmbedder
from assistant.core.settings import Settings
from assistant.store.collections import CHUNKS
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from ingest.chunking import ChunkSpec
from ingest.loaders.limits import MAX_FILE_BYTES
from ingest.pipeline import Ingester

HOSTILE_NAME = "one-line.txt"
GOOD_FILES = 5


def _hostile_text(size: int) -> str:
    """One line of one word, just under the size bound (the bound alone must not be what stops it)."""
    word = "token "
    return word * (size // len(word))


def _corpus(settings: Settings, root: Path) -> list[str]:
    """Symlink the first guides of the real corpus beside the hostile file; returns the good sources."""
    good = sorted(p for p in settings.corpus_dir.rglob("*.md") if p.is_file())[:GOOD_FILES]
    for path in good:
        dest = root / path.relative_to(settings.corpus_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(path.resolve())
    (root / HOSTILE_NAME).write_text(_hostile_text(MAX_FILE_BYTES - 1024))
    return [str(p.relative_to(settings.corpus_dir)) for p in good]


def run(settings: Settings, scratch: Path) -> dict[str, Any]:
    """Ingest the good guides and the hostile file cold; time it, and say what was refused and what is searchable."""
    root = scratch / "hostile-corpus"
    good = _corpus(settings, root)
    embedder = FastEmbedder(settings)
    with EdgeStore.open(scratch / "hostile-data" / "index") as store:
        started = time.perf_counter()
        report = Ingester(store, embedder, Taxonomy.load(), ChunkSpec(settings.chunk_tokens, settings.chunk_overlap)).run(root)
        seconds = time.perf_counter() - started
        indexed = {str(f.value) for f in store.facet(CHUNKS, "source")}
    named = [p for p in report.problems + report.warnings if p.source == HOSTILE_NAME]
    return {
        "file_mb": round((root / HOSTILE_NAME).stat().st_size / 1e6, 1),
        "total_s": round(seconds, 2),
        "named": bool(named),
        "reason": named[0].reason if named else None,
        "hostile_chunks": sum(1 for s in indexed if s == HOSTILE_NAME),
        "good_files": len(good),
        "good_files_searchable": len(set(good) & indexed),
    }
