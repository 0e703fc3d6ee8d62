"""CLI for job-market statistics (`assistant stats ...`): thin adapters."""

from __future__ import annotations

import difflib
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.output import AsJson, City, Level, Plot, console, dated, emit_json, jsonable, services_of
from assistant.errors import InputError
from assistant.market import stats as market
from assistant.market.dates import joint_label
from assistant.market.filters import MarketFilter, parse_filter
from assistant.market.results import PostingRef
from assistant.vocab.skill_words import skill_words
from assistant.vocab.skills import Taxonomy
from assistant.vocab.terms import PAY_GROUP_BY

stats_app = typer.Typer(help="Job-market figures from the postings: shares, top skills, pay, companies.", no_args_is_help=True)

Country = Annotated[Optional[str], typer.Option(help="Country as listed, e.g. USA or DEU.")]
AiType = Annotated[Optional[str], typer.Option("--ai-type", help="ai-first, ai-support or ml-first.")]
WorkType = Annotated[Optional[str], typer.Option("--work-type", help="Remote, Hybrid or In-Office.")]
Company = Annotated[Optional[str], typer.Option(help="Company name.")]
Skill = Annotated[Optional[list[str]], typer.Option("--skill", help="Postings must list this skill (repeatable).")]
Since = Annotated[Optional[str], typer.Option(help="Posted on or after YYYY-MM-DD.")]
Until = Annotated[Optional[str], typer.Option(help="Posted on or before YYYY-MM-DD.")]


def _filter(
    city: str | None,
    country: str | None,
    ai_type: str | None,
    level: str | None,
    work_type: str | None,
    company: str | None,
    skill: list[str] | None,
    since: str | None,
    until: str | None,
) -> MarketFilter:
    return MarketFilter(city, country, ai_type, level, work_type, company, tuple(skill or ()), since, until)


def _kind_members(taxonomy: Taxonomy, kind: str) -> tuple[str, ...]:
    """The skills of the kind a few words name ("vector db" → Pinecone, Weaviate, …); a clear error otherwise."""
    words = skill_words(taxonomy)
    read = [s for s in words.read(kind) if s.by == "kind"]
    if not read:
        named = {k.lower(): k for k in words.members}
        close = [named[c] for c in difflib.get_close_matches(kind.lower(), list(named), n=3, cutoff=0.5)]
        raise InputError(
            f"no kind of tool called {kind!r}",
            hint=f"try {', '.join(repr(c) for c in close)}" if close else "kinds are listed under `kinds:` in skills.yaml",
        )
    return read[0].skills


def _refs(title: str, refs: list[PostingRef]) -> None:
    if refs:
        console.print(f"[bold]{title}[/]")
    for r in refs:
        where = f" ({r.city})" if r.city else ""
        console.print(
            f"  {escape(r.job_id)}  {escape(r.title)} — {escape(r.company)}{escape(where)}  [dim]{escape(r.url or r.source)}[/]"
        )


@stats_app.command("skills")
def stats_skills(
    ctx: typer.Context,
    city: City = None,
    country: Country = None,
    ai_type: AiType = None,
    level: Level = None,
    work_type: WorkType = None,
    company: Company = None,
    skill: Skill = None,
    since: Since = None,
    until: Until = None,
    top: Annotated[int, typer.Option("--top", min=1, max=500)] = 20,
    category: Annotated[Optional[str], typer.Option(help="Only one category: genai, ml, cloud, ops, ...")] = None,
    kind: Annotated[
        Optional[str], typer.Option(help='Only the products of one kind: "vector db", "LLM framework", "cloud provider", ...')
    ] = None,
    as_json: AsJson = False,
    plot: Plot = None,
) -> None:
    """The most requested skills in the postings a filter selects."""
    services = services_of(ctx)
    flt = _filter(city, country, ai_type, level, work_type, company, skill, since, until)
    among = _kind_members(services.taxonomy, kind) if kind else None
    ranking = market.top_skills(services.store, services.taxonomy, flt, n=top, category=category, among=among)
    if plot:
        from assistant.market.charts import plot_top_skills

        plot_top_skills(ranking, plot)
    if as_json:
        emit_json(ranking)
        return
    title = f"Top skills · {ranking.filters.label()} · n = {ranking.total:,}{dated(ranking.dates)}"
    table = Table("#", "skill", "category", "postings", "share", title=title)
    for i, s in enumerate(ranking.skills, 1):
        table.add_row(str(i), s.skill, s.category, f"{s.count:,}", f"{s.share:.1%}")
    console.print(table)
    if plot:
        console.print(f"chart written to {plot}")


@stats_app.command("skill")
def stats_skill(
    ctx: typer.Context,
    name: str,
    city: City = None,
    country: Country = None,
    ai_type: AiType = None,
    level: Level = None,
    work_type: WorkType = None,
    company: Company = None,
    skill: Skill = None,
    since: Since = None,
    until: Until = None,
    with_n: Annotated[int, typer.Option("--with", min=0, max=50, help="Also list this many skills asked for alongside it.")] = 0,
    as_json: AsJson = False,
) -> None:
    """Share of postings that list one skill (any alias), with example postings."""
    services = services_of(ctx)
    flt = _filter(city, country, ai_type, level, work_type, company, skill, since, until)
    share = market.skill_share(services.store, services.taxonomy, name, flt)
    co = market.co_occurrence(services.store, services.taxonomy, name, flt, n=with_n) if with_n and share.count else None
    if as_json:
        data = jsonable(share)
        if co is not None:
            data["with"] = jsonable(co.items)
        emit_json(data)
        return
    console.print(
        f"[bold]{share.skill}[/] ({share.category}): {share.count:,} of {share.total:,} postings "
        f"= [bold]{share.share:.1%}[/]  [dim]{escape(share.filters.label())}{dated(share.dates)}[/]"
    )
    _refs("for example", share.examples)
    if co is not None:
        table = Table(
            "skill", "postings", f"share of {share.skill} postings", "base share", "lift", title=f"Asked for with {share.skill}"
        )
        for i in co.items:
            table.add_row(i.skill, f"{i.count:,}", f"{i.share:.1%}", f"{i.base_share:.1%}", f"{i.lift:.2f}")
        console.print(table)


@stats_app.command("compare")
def stats_compare(
    ctx: typer.Context,
    a: Annotated[str, typer.Option("--a", help="First segment, e.g. ai_type=ai-first,city=Berlin")],
    b: Annotated[str, typer.Option("--b", help="Second segment, e.g. ai_type=ai-support")],
    top: Annotated[int, typer.Option("--top", min=1, max=500)] = 20,
    category: Annotated[Optional[str], typer.Option(help="Only one skill category.")] = None,
    as_json: AsJson = False,
) -> None:
    """Skill shares in two segments side by side, largest differences (percentage points) first."""
    services = services_of(ctx)
    cmp = market.compare(services.store, services.taxonomy, parse_filter(a), parse_filter(b), n=top, category=category)
    if as_json:
        emit_json(cmp)
        return
    la, lb = cmp.a.filters.label(), cmp.b.filters.label()
    columns = (f"A: {la} (n={cmp.a.total:,})", f"B: {lb} (n={cmp.b.total:,})", "A − B (pp)")
    dates = joint_label(((la, cmp.a.dates), (lb, cmp.b.dates)))
    table = Table("skill", *columns, title="Segment comparison", caption=escape(dates) if dates else None)
    for r in cmp.rows:
        table.add_row(r.skill, f"{r.a_share:.1%} ({r.a_count})", f"{r.b_share:.1%} ({r.b_count})", f"{r.diff_pp:+.1f}")
    console.print(table)


@stats_app.command("pay")
def stats_pay(
    ctx: typer.Context,
    city: City = None,
    country: Country = None,
    ai_type: AiType = None,
    level: Level = None,
    work_type: WorkType = None,
    company: Company = None,
    skill: Skill = None,
    since: Since = None,
    until: Until = None,
    by: Annotated[Optional[str], typer.Option(help="Group by level, city, country, ai_type or work_type.")] = None,
    as_json: AsJson = False,
) -> None:
    """Median and interquartile range of yearly pay with n, one row per group and currency."""
    from assistant.market.pay import pay_stats

    if by is not None and by not in PAY_GROUP_BY:
        raise InputError(f"cannot group pay by {by!r}", hint="use --by level, city, country, ai_type or work_type")
    services = services_of(ctx)
    flt = _filter(city, country, ai_type, level, work_type, company, skill, since, until)
    report = pay_stats(services.store, services.taxonomy, flt, by=by)
    if as_json:
        emit_json(report)
        return
    title = (
        f"Yearly pay · {report.filters.label()} · {report.count:,} of {report.total:,} postings list parseable pay "
        f"({report.unparsed} unparsed, {report.not_listed} not listed){dated(report.dates)}"
    )
    table = Table(*(["group"] if by else []), "currency", "n", "median", "Q1", "Q3", "range", title=title)
    for g in report.groups:
        cells = [f"{g.n}", f"{g.median:,.0f}", f"{g.q1:,.0f}", f"{g.q3:,.0f}", f"{g.low:,.0f}–{g.high:,.0f}"]
        table.add_row(*([escape(g.group or "")] if by else []), g.currency, *cells)
    console.print(table)


@stats_app.command("companies")
def stats_companies(
    ctx: typer.Context,
    city: City = None,
    country: Country = None,
    ai_type: AiType = None,
    level: Level = None,
    work_type: WorkType = None,
    company: Company = None,
    skill: Skill = None,
    since: Since = None,
    until: Until = None,
    top: Annotated[int, typer.Option("--top", min=1, max=500)] = 15,
    as_json: AsJson = False,
) -> None:
    """Companies with the most postings in a segment."""
    services = services_of(ctx)
    flt = _filter(city, country, ai_type, level, work_type, company, skill, since, until)
    ranking = market.top_companies(services.store, services.taxonomy, flt, n=top)
    if as_json:
        emit_json(ranking)
        return
    title = f"Top companies · {ranking.filters.label()} · n = {ranking.total:,}{dated(ranking.dates)}"
    table = Table("#", "company", "postings", "share", "e.g.", title=title)
    for i, c in enumerate(ranking.companies, 1):
        table.add_row(
            str(i), escape(c.company), f"{c.count:,}", f"{c.share:.1%}", escape(c.examples[0].title) if c.examples else ""
        )
    console.print(table)


@stats_app.command("postings")
def stats_postings(
    ctx: typer.Context,
    city: City = None,
    country: Country = None,
    ai_type: AiType = None,
    level: Level = None,
    work_type: WorkType = None,
    company: Company = None,
    skill: Skill = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    as_json: AsJson = False,
) -> None:
    """The postings behind a figure (id, title, company, city, url)."""
    services = services_of(ctx)
    flt = _filter(city, country, ai_type, level, work_type, company, skill, since, until)
    listing = market.postings_behind(services.store, services.taxonomy, flt, limit=limit)
    if as_json:
        emit_json(listing)
        return
    head = f"{listing.count:,} postings · {listing.filters.label()}{dated(listing.dates)} (first {len(listing.postings)})"
    _refs(escape(head), listing.postings)


def register(app: typer.Typer) -> None:
    """Add the `stats` group."""
    app.add_typer(stats_app, name="stats")
