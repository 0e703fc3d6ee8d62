"""CLI commands for the web app: `assistant serve` starts it (and indexes the corpus beside it), `assistant feedback`
lists and exports answers and thumbs, and turns thumbs-down answers into draft eval cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.app.drafts import cases_yaml, draft_cases
from assistant.app.feedback import FeedbackStore, open_feedback
from assistant.cli.output import console, err, services_of
from assistant.core.indexing import IndexStatus
from assistant.errors import AssistantError
from assistant.services import Services
from assistant.store import open_store


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", help="Bind address (default: ASSISTANT_HOST, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port (default: ASSISTANT_PORT, 7860).")] = None,
    watch: Annotated[bool, typer.Option("--watch", help="Re-index whenever files under the corpus dir change.")] = False,
    every: Annotated[float, typer.Option("--every", min=0.5, help="Seconds between two looks at the corpus with --watch.")] = 5.0,
    no_ingest: Annotated[
        bool, typer.Option("--no-ingest", help="Serve the index as it is, read-only (other readers may share it).")
    ] = False,
) -> None:
    """Start the web app on ASSISTANT_HOST:ASSISTANT_PORT (127.0.0.1:7860 by default), then index the corpus beside it.

    The app opens at once and answers from what is indexed so far: the postings' records first (figures), then the
    guides, then the postings' passages. `GET /status` reports the stages, the counts and readiness as JSON.
    """
    from assistant.app.build import launch_options
    from assistant.app.build import serve as serve_app  # imports Gradio: only when serving

    services = services_of(ctx)
    settings = services.settings
    given = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if given:
        settings = settings.model_copy(update=given)
    launch_options(settings)  # an unsafe bind is refused before anything is opened
    if no_ingest:
        # A shared lock lets `assistant search` and other readers run beside the app.
        reader = Services(settings, store=open_store(settings, read_only=True), embedder=services.embedder)
        try:
            serve_app(reader)
        finally:
            reader.close()
        return
    # The app owns the index (one writer): its ingest and its requests share one store object.
    owner = Services(settings, store=open_store(settings), embedder=services.embedder)
    try:
        _serve_and_index(owner, watch_every=every if watch else None)
    finally:
        owner.close()


def _serve_and_index(services: Services, *, watch_every: float | None) -> None:
    """Open the app, then ingest in this thread while the app's threads answer; Ctrl+C stops both."""
    from assistant.app.build import serve as serve_app
    from assistant.cli.indexer import Indexer

    indexer = Indexer(services, IndexStatus(), lambda line: err.print(escape(line), highlight=False, soft_wrap=True))
    indexer.prepare()
    demo = serve_app(services, status=indexer.status, block=False)
    try:
        err.print(
            f"indexing {escape(str(services.settings.corpus_dir))} beside the app; GET /status shows how far it got",
            soft_wrap=True,
        )
        indexer.run(watch_every)
        demo.block_thread()  # returns on Ctrl+C
    except KeyboardInterrupt:
        err.print("stopped; the index keeps every batch written so far and the next start resumes")
    finally:
        demo.close()


def feedback(
    ctx: typer.Context,
    export: Annotated[Path | None, typer.Option("--export", help="Write every answer as JSON lines to this file.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many recent answers to list.")] = 20,
    to_cases: Annotated[
        Path | None,
        typer.Option("--to-cases", help="Write draft eval cases from the thumbs-down answers to this YAML file."),
    ] = None,
) -> None:
    """List recent answers with their thumbs, export them all as JSONL, or draft eval cases from thumbs-down answers."""
    store = open_feedback(services_of(ctx).settings)
    if export is not None:
        n = store.export_jsonl(export)
        console.print(f"exported {n} answers to {export}")
        return
    if to_cases is not None:
        write_cases(store, to_cases)
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


def _check_loads(path: Path, expected: int) -> None:
    """The written file loads as ground truth with every uncommented draft (when the eval package is installed)."""
    try:
        from evals.dataset import load_ground_truth
    except ImportError:  # the app installed without its evals: the drafts are written unchecked
        return
    try:
        loaded = len(load_ground_truth(path))
    except ValueError as exc:  # pydantic's ValidationError is one
        raise AssistantError(f"the draft cases in {path} do not load as ground truth: {exc}", hint="fix them by hand") from exc
    if loaded != expected:
        raise AssistantError(f"{path} holds {loaded} cases, not the {expected} drafted", hint="fix them by hand")


def write_cases(store: FeedbackStore, target: Path) -> None:
    """Write the draft cases, check the file loads as ground truth, and say what is left to review."""
    drafts = draft_cases(store)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(cases_yaml(drafts), encoding="utf-8")
    except OSError as exc:
        raise AssistantError(f"cannot write {target}: {exc.strerror}", hint="choose a writable path for --to-cases") from exc
    _check_loads(target, sum(d.loadable for d in drafts))
    waiting = sum(not d.loadable for d in drafts)
    console.print(
        f"wrote {len(drafts)} draft cases from thumbs-down answers to {target}"
        + (f" ({waiting} commented out: they cite no source)" if waiting else "")
        + "; review them as the file's header says, then add them to evals/ground_truth.yaml"
    )


def register(app: typer.Typer) -> None:
    """Add the app's commands (`serve`, `feedback`) to the main CLI."""
    app.command("serve")(serve)
    app.command("feedback")(feedback)
