"""CLI command `assistant mcp`: serve the career tools to any MCP client, over stdio or streamable HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.output import err, services_of
from assistant.errors import IndexMissingError
from assistant.services import Services
from assistant.store.collections import CHUNKS

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def mcp(
    ctx: typer.Context,
    http: Annotated[bool, typer.Option("--http", help="Serve streamable HTTP instead of stdio.")] = False,
    host: Annotated[str, typer.Option("--host", help="Bind address for --http.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port for --http.")] = 8765,
) -> None:
    """Serve search_corpus, market_stats, skill_gap, find_jobs and ask over MCP (stdio by default), read-only."""
    from assistant.mcp import build_server  # imports the MCP SDK: only when serving

    given = services_of(ctx)
    # Read-only, so `assistant search` and the web app can share the index with the server.
    services = given if given.read_only else Services(given.settings, read_only=True)
    try:
        # Open the index and the embedding model now: a missing index is a clear error before any client
        # connects, and the first tool call is not slowed by loading the model.
        if not services.store.has_collection(CHUNKS):
            where = services.store.location
            raise IndexMissingError(f"no index at {where}", hint="run `make ingest` (or `assistant ingest`) first")
        services.answer_embedder  # noqa: B018
        server = build_server(services)
        if http:
            # stdout stays free for stdio clients; the address goes to stderr in both modes.
            err.print(f"MCP server (streamable HTTP) on http://{host}:{port}/mcp")
            if host not in LOOPBACK:
                err.print("[yellow]warning:[/] the server has no authentication; anyone who can reach this address can use it")
            server.run("streamable-http", host=host, port=port)
        else:
            server.run("stdio")
    finally:
        if services is not given:
            services.close()


def register(app: typer.Typer) -> None:
    """Add `assistant mcp` to the main CLI."""
    app.command("mcp")(mcp)
