"""What every command shares: the consoles, JSON output, progress bars and the Services of the run."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from assistant.services import Services

console = Console()
err = Console(stderr=True)


def services_of(ctx: typer.Context) -> Services:
    """The Services the root command built (or a test passed) for this run."""
    found: Services = ctx.obj
    return found


def print_json(data: Any) -> None:
    """Machine-readable output, never wrapped or coloured."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def progress_bar() -> Progress:
    """A progress bar with a count, a rate and times, on stderr."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
