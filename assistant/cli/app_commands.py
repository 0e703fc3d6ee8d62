"""CLI commands for the web app: `assistant serve` starts it, `assistant feedback` lists and exports answers and thumbs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from assistant.app.feedback import open_feedback
from assistant.cli.output import console, services_of
from assistant.services import Services
from assistant.store import open_store


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", help="Bind address (default: ASSISTANT_HOST, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port (default: ASSISTANT_PORT, 7860).")] = None,
) -> None:
    """Start the web app on ASSISTANT_HOST:ASSISTANT_PORT (127.0.0.1:7860 by default) and print its URL."""
    from assistant.app.build import serve as serve_app  # imports Gradio: only when serving

    settings = services_of(ctx).settings
    given = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if given:
        settings = settings.model_copy(update=given)
    # The app only reads the index: a shared lock lets `assistant search` and other readers run beside it.
    reader = Services(settings, store=open_store(settings, read_only=True))
    try:
        serve_app(reader)
    finally:
        reader.close()


def feedback(
    ctx: typer.Context,
    export: Annotated[Path | None, typer.Option("--export", help="Write every answer as JSON lines to this file.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many recent answers to list.")] = 20,
) -> None:
    """List recent answers with their thumbs, or export them all as JSONL."""
    store = open_feedback(services_of(ctx).settings)
    if export is not None:
        n = store.export_jsonl(export)
        console.print(f"exported {n} answers to {export}")
        return
    total, up, down = store.counts()
    table = Table(
        "id",
        "when (UTC)",
        "model",
        "latency",
        "thumbs",
        "sources",
        "question",
        title=f"{total} answers recorded in {store.path}: {up} up, {down} down",
    )
    for row in store.recent(limit):
        thumbs = {"up": "👍", "down": "👎"}.get(row.thumbs or "", "")
        table.add_row(
            str(row.id),
            row.created_at.replace("T", " ")[:19],
            row.model,
            f"{row.latency_s:.1f} s",
            thumbs,
            str(len(row.citations)),
            row.question[:80],
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the app's commands (`serve`, `feedback`) to the main CLI."""
    app.command("serve")(serve)
    app.command("feedback")(feedback)
