"""Command line: a thin adapter over the library functions, with clear errors and rich output."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli import agent, app_commands, corpus, gap, index, market, mcp_command
from assistant.cli.output import console, err, print_json, services_of
from assistant.core.settings import Settings
from assistant.errors import AssistantError
from assistant.services import Services

app = typer.Typer(help="Career assistant for people moving into AI engineering.", no_args_is_help=True, add_completion=False)
for _group in (corpus, index, agent, market, gap, app_commands, mcp_command):
    _group.register(app)

# Commands that write the index; every other command opens it read-only, so several can share it.
WRITE_COMMANDS = {"ingest", "index"}


@app.callback()
def _root(ctx: typer.Context) -> None:
    # One Settings per process, built here at the entry point and passed down
    # (tests pass their own Services as the context object).
    if ctx.obj is None:
        ctx.obj = Services(Settings(), read_only=ctx.invoked_subcommand not in WRITE_COMMANDS)
        ctx.call_on_close(ctx.obj.close)


@app.command()
def config(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print the effective settings (secrets masked)."""
    values = services_of(ctx).settings.masked()
    if as_json:
        print_json(values)
        return
    table = Table("setting", "value", title="Effective settings (env prefix ASSISTANT_)")
    for name, value in values.items():
        table.add_row(name, value)
    console.print(table)


@app.command()
def prepare(ctx: typer.Context) -> None:
    """Assemble the offline embedding model in the data dir, check that it loads, and train the question router."""
    from assistant.offline.router import router_for

    services = services_of(ctx)
    embedder = services.embedder
    console.print(f"embedding model ready: {embedder.name} ({embedder.dim}-d), files under {services.settings.models_dir}")
    # Trained here once, so the first question a user asks does not wait for it.
    router_for(embedder, services.settings.models_dir)
    console.print(f"question router ready, kept under {services.settings.models_dir}")


def main(args: list[str] | None = None, obj: Services | None = None) -> None:
    """Entry point: run the app, turning domain errors into a message and exit code 1 (tests pass args and Services)."""
    try:
        app(args=args, obj=obj, standalone_mode=False)
    except AssistantError as exc:
        # Messages quote user input and document text: escaped, so `[/x]` is printed, not parsed as markup.
        err.print(f"[red]error:[/] {escape(exc.message)}")
        if exc.hint:
            err.print(f"[dim]fix:[/] {escape(exc.hint)}")
        raise SystemExit(1) from None
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        raise SystemExit(130) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.TyperException as exc:
        # Usage errors: typer vendors click, so these are not click.ClickException. Click's message, exit code 2.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print(f"[red]error:[/] {escape(exc.message)}")
        raise SystemExit(exc.exit_code) from None
    except OSError as exc:
        # Disk full, read-only or permission failures outside the store's own checks (model cache, temp files).
        from assistant.store.locking import os_error_hint

        where = f": {exc.filename}" if exc.filename else ""
        err.print(f"[red]error:[/] {escape(str(exc.strerror or exc))}{escape(where)}")
        err.print(f"[dim]fix:[/] {os_error_hint(f'[Errno {exc.errno}]', 'check that the path exists and is readable')}")
        raise SystemExit(1) from None
    except Exception as exc:  # click usage errors come through here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        raise


if __name__ == "__main__":
    main()
