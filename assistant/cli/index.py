"""CLI for moving an embedded index (`assistant index export|import`): a thin adapter over store.transfer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from assistant.cli.output import console, err
from assistant.core.settings import Settings
from assistant.services import Services
from assistant.store import Store, open_store
from assistant.store.transfer import TransferReport, copy_index, export_dir, import_dir

index_app = typer.Typer(
    help="Move the embedded index to a directory or a Qdrant server, without re-embedding.", no_args_is_help=True
)

Replace = Annotated[bool, typer.Option("--replace", help="Overwrite an index already at the target.")]
Grpc = Annotated[bool, typer.Option("--grpc", help="Talk to the server over gRPC (port 6334).")]
Workers = Annotated[int, typer.Option(min=1, max=32, help="Parallel upsert requests to the server.")]
Shards = Annotated[Optional[int], typer.Option(min=1, help="Shards per collection created on the server.")]
Replicas = Annotated[Optional[int], typer.Option("--replication-factor", min=1, help="Copies of each shard on the server.")]


def register(app: typer.Typer) -> None:
    """Add the `index` command group to the main app."""
    app.add_typer(index_app, name="index")


def _is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def _server(settings: Settings, url: str, grpc: bool, workers: int, shards: int | None, replicas: int | None) -> Store:
    from assistant.store.server import ServerStore

    key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
    return ServerStore.connect(
        url, api_key=key, prefer_grpc=grpc, upsert_workers=workers, shards=shards, replication_factor=replicas
    )


def _print(report: TransferReport, what: str) -> None:
    counts = ", ".join(f"{name} {n}" for name, n in report.points.items())
    console.print(f"{what}: {counts} points in {report.seconds:.1f} s")


def _progress(name: str, n: int) -> None:
    if err.is_terminal:  # a running count on a terminal; logs get only the summary
        err.print(f"  {name}: {n} points", end="\r")


@index_app.command("export")
def export(
    ctx: typer.Context,
    dest: Annotated[str, typer.Argument(help="A directory, or a Qdrant server URL (uses QDRANT_API_KEY).")],
    replace: Replace = False,
    grpc: Grpc = False,
    workers: Workers = 4,
    shards: Shards = None,
    replication_factor: Replicas = None,
) -> None:
    """Copy the configured index, vectors included, to a portable directory or a Qdrant server."""
    services: Services = ctx.obj
    src = open_store(services.settings, read_only=True)
    try:
        if _is_url(dest):
            dst = _server(services.settings, dest, grpc, workers, shards, replication_factor)
            try:
                report = copy_index(src, dst, replace=replace, progress=_progress)
            finally:
                dst.close()
        else:
            report = export_dir(src, Path(dest), replace=replace, progress=_progress)
    finally:
        src.close()
    _print(report, f"exported {src.kind}:{src.location} to {dest}")


@index_app.command("import")
def import_(
    ctx: typer.Context,
    src: Annotated[str, typer.Argument(help="An export directory, or a Qdrant server URL (uses QDRANT_API_KEY).")],
    replace: Replace = False,
    grpc: Grpc = False,
) -> None:
    """Load an exported index (or a server's) into the configured store: Qdrant Edge, or QDRANT_URL when set."""
    services: Services = ctx.obj
    dst = services.store
    if _is_url(src):
        source = _server(services.settings, src, grpc, 1, None, None)
        try:
            report = copy_index(source, dst, replace=replace, progress=_progress)
        finally:
            source.close()
    else:
        report = import_dir(Path(src), dst, replace=replace, progress=_progress)
    _print(report, f"imported {src} into {dst.kind}:{dst.location}")
