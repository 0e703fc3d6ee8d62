"""CLI for the skill gap (`assistant gap`): a thin adapter over `market.gap`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from assistant.cli.output import AsJson, City, Level, Plot, console, dated, emit_json, services_of
from assistant.errors import InputError


def gap_command(
    ctx: typer.Context,
    skills: Annotated[Optional[str], typer.Option("--skills", help='Your skills, e.g. "spark, airflow, sql".')] = None,
    cv: Annotated[Optional[Path], typer.Option("--cv", help="Your CV as a PDF with a text layer.")] = None,
    background: Annotated[
        Optional[str],
        typer.Option("--from", help="A background preset, e.g. data-engineer; beside your skills, its learning path."),
    ] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="Free text about your experience.")] = None,
    target: Annotated[str, typer.Option(help="ai-engineer (all postings), ai-first or ai-support.")] = "ai-engineer",
    city: City = None,
    level: Level = None,
    top: Annotated[int, typer.Option("--top", min=1, max=50)] = 10,
    as_json: AsJson = False,
    plot: Plot = None,
) -> None:
    """What you are missing for an AI engineering role: skills ranked by demand, how to learn them, who asks."""
    from assistant.market import gap

    services = services_of(ctx)
    given = [x for x in (skills, cv, text) if x is not None]
    if len(given) > 1 or not (given or background):
        raise InputError(
            "give one of --skills, --cv or --text, or --from alone (beside one of them it picks the learning path)",
            hint='e.g. assistant gap --skills "spark, airflow, sql" --from data-engineer',
        )
    tax = services.taxonomy
    if skills is not None:
        profile = gap.profile_from_list(tax, skills)
    elif cv is not None:
        profile = gap.profile_from_cv(tax, cv)
    elif text is not None:
        profile = gap.profile_from_text(tax, text)
    else:
        profile = gap.profile_from_background(tax, background or "")
    if background is not None and given:
        profile = gap.with_path_of(profile, background)
    report = gap.skill_gap(services.store, services.answer_embedder, tax, profile, target=target, city=city, level=level, n=top)
    if plot:
        from assistant.market.charts import plot_gap

        plot_gap(report, plot)
    if as_json:
        emit_json(report)
        return
    out = console
    out.print(f"[bold]Recognised ({escape(profile.origin)}):[/] {escape(', '.join(report.recognised))}")
    out.print(
        f"Target: {escape(report.target)} · {escape(report.filters.label())} · n = {report.total:,} postings{dated(report.dates)}"
    )
    for i, m in enumerate(report.missing, 1):
        out.print(f"\n[bold]{i}. {m.skill}[/] ({m.category}): {m.count:,} of {m.total:,} postings = [bold]{m.share:.1%}[/]")
        for c in m.citations:
            out.print(
                f"   learn: [cyan]{escape(c.title)}[/]{escape(f' › {c.section}') if c.section else ''}  [dim]{escape(c.source)}[/]"
            )
        for r in m.examples:
            out.print(f"   asked by: {escape(r.title)} — {escape(r.company)}  [dim]{escape(r.url or r.source)}[/]")
    if report.strengths:
        out.print("\n[bold]Your strengths in this market:[/] " + ", ".join(f"{s.skill} {s.share:.0%}" for s in report.strengths))
    if plot:
        out.print(f"chart written to {plot}")


def register(app: typer.Typer) -> None:
    """Add the `gap` command."""
    app.command("gap")(gap_command)
