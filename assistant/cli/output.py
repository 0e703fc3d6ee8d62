"""What every command shares: the consoles, common options, JSON output, progress bars and the Services of the run."""

from __future__ import annotations

import json
import sys
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from assistant.market.dates import DateRange
from assistant.market.filters import MarketFilter
from assistant.services import Services

City = Annotated[Optional[str], typer.Option(help="City, e.g. Berlin.")]
Level = Annotated[Optional[str], typer.Option(help="Seniority, e.g. senior.")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
Plot = Annotated[Optional[Path], typer.Option("--plot", help="Also write a bar chart to this PNG file.")]

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


def jsonable(obj: Any) -> Any:
    """A result (dataclasses, records) as JSON-ready data: filters as their set fields, floats rounded to 4 places."""
    if isinstance(obj, MarketFilter):
        return obj.as_dict()
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, BaseModel):
        return jsonable(obj.model_dump())
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(x) for x in obj]
    if isinstance(obj, float):
        return round(obj, 4)
    return obj


def emit_json(result: Any) -> None:
    """A result printed as JSON (`jsonable`)."""
    print_json(jsonable(result))


def dated(dates: DateRange | None) -> str:
    """` · postings dated 2025-08-01 to 2026-02-27` for a title, or nothing when the postings carry no date."""
    return f" · {dates.label()}" if dates else ""
