"""The index status in the app: the line under the header, the note an answer carries, and `GET /status`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from assistant.app import render
from assistant.core.indexing import IndexStatus, IndexView
from assistant.errors import AssistantError
from assistant.store import Filter, Match, Store
from assistant.store.collections import CHUNKS, FILES, POSTINGS, SENTENCES

log = logging.getLogger(__name__)

# Seconds between two looks at the status from an open page.
STATUS_EVERY_S = 2.0
_POSTING_CHUNKS = Filter(must=(Match("doc_type", ("job_posting",)),))


def index_counts(store: Store) -> dict[str, int]:
    """What the index holds right now (zero for a collection not created yet)."""

    def count(name: str, flt: Filter | None = None) -> int:
        return store.count(name, flt) if store.has_collection(name) else 0

    posting_passages = count(CHUNKS, _POSTING_CHUNKS)
    return {
        "postings": count(POSTINGS),
        "posting_passages": posting_passages,
        "guide_passages": count(CHUNKS) - posting_passages,
        "guide_sentences": count(SENTENCES),
        "files": count(FILES),
    }


def status_payload(view: IndexView, store: Store) -> dict[str, Any]:
    """The `/status` body: readiness, each stage's progress, the index's counts, and what an answer would say."""
    try:
        counts: dict[str, int] | None = index_counts(store)
    except AssistantError as exc:  # a closed or damaged index: the status still answers
        log.warning("index counts unavailable: %s", exc.message)
        counts = None
    return {
        "ready": view.ready,
        "phase": view.phase,
        "stages": [
            {"name": s.name, "state": s.state, "done": s.done, "total": s.total, "percent": s.percent} for s in view.stages
        ],
        "counts": counts,
        "note": view.note(),
        "error": view.error,
        "runs": view.runs,
        "seconds": round(view.seconds, 1),
    }


def status_route(status: IndexStatus, store: Store) -> APIRoute:
    """`GET /status` as JSON, always 200 while the app runs (`ready` says whether every stage has been indexed)."""

    def get_status() -> JSONResponse:
        return JSONResponse(status_payload(status.view(), store))

    return APIRoute("/status", get_status, methods=["GET"], name="index_status", include_in_schema=False)


def status_line(view: IndexView) -> str:
    """The line under the app's header: what is being indexed, or nothing once the index is complete and quiet."""
    if view.phase == "off":
        return ""
    if view.phase == "failed":
        return f"**Indexing stopped:** {render.plain(view.error or 'unknown error')} (see the server log)."
    if view.phase == "starting" and not view.ready:
        return "_Indexing starts: the corpus is being read._"
    if view.phase in ("starting", "indexing"):
        progress = ", ".join(s.label() for s in view.stages)
        lead = "Updating the index" if view.ready else "**Indexing the corpus**"
        tail = "" if view.ready else " Answers use what is indexed so far."
        return f"{lead}: {progress}.{tail}"
    return ""


def with_note(view: IndexView, content: str) -> str:
    """Content headed by what is still being indexed, when something is."""
    note = view.note()
    return f"_{render.plain(note)}_\n\n{content}" if note else content


def notice(view: IndexView) -> str:
    """What is still being indexed as a notice box for a tab, or nothing."""
    note = view.note()
    return render.message(note, kind="hint") if note else ""
