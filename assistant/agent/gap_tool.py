"""The agent's skill-gap tool: what a person lacks for an AI engineering role, against the target postings.

Its docstring is the model's prompt for the tool; implementation notes are comments.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_ai import ModelRetry, RunContext

from assistant.agent.corpus_tools import POSTINGS_SOURCE, Deps, Passage, cited_passage
from assistant.agent.evidence import Evidence, figure_id, passage_id, pct
from assistant.agent.market_tools import FigureRow, figure_row
from assistant.errors import InputError
from assistant.market import gap
from assistant.market.dates import dates_label
from assistant.vocab.terms import GapTarget


class GapRow(BaseModel):
    """A skill the person lacks: how many of the target postings list it, and passages on learning it."""

    skill: str
    count: int
    total: int
    share: str
    learn_from: list[str] = Field(default_factory=list, description="Ids of guide passages on learning this skill.")


class SkillGap(BaseModel):
    """Skill gap against the target postings; cite `id` for its figures and the passage ids for advice."""

    id: str
    postings: str
    total: int
    dates: str | None = Field(None, description="When the target postings were posted; state it with the figures.")
    have: list[str]
    missing: list[GapRow]
    strengths: list[FigureRow]
    guide: str | None = Field(None, description="The learning-path guide for the background, if any.")
    passages: list[Passage]


def skill_gap(
    ctx: RunContext[Deps],
    background: str | None = None,
    skills: list[str] | None = None,
    about_me: str | None = None,
    target: GapTarget = "ai-engineer",
    city: str | None = None,
    level: str | None = None,
    limit: int = 8,
) -> SkillGap:
    """What someone lacks for an AI engineering role: missing skills ranked by demand, their strengths, guide passages.

    Give one of background, skills or about_me; with skills, a background also given only picks its learning path.
    The result says when the target postings were posted (`dates`).

    Args:
        background: A background preset: data-engineer, data-scientist, backend-engineer, frontend-engineer, ml-engineer.
        skills: The person's skills, e.g. ["Python", "SQL", "Airflow"].
        about_me: Free text about the person (a message or CV text) to find skills in.
        target: ai-engineer: all postings; ai-first, ai-support, ml-first: one kind of AI role.
        city: Only postings in this city.
        level: Only postings at this level, e.g. Senior level.
        limit: How many missing skills (1-15).
    """
    deps, reg = ctx.deps, ctx.deps.evidence
    try:
        if skills:
            profile = gap.profile_from_list(deps.taxonomy, skills)
            if background:
                profile = gap.with_path_of(profile, background)
        elif background:
            profile = gap.profile_from_background(deps.taxonomy, background)
        elif about_me:
            profile = gap.profile_from_text(deps.taxonomy, about_me)
        else:
            raise ModelRetry("give background, skills or about_me")
        report = gap.skill_gap(
            deps.store,
            deps.embedder,
            deps.taxonomy,
            profile,
            target=target,
            city=city,
            level=level,
            n=max(1, min(limit, 15)),
            k=0,
            passages=1,
        )
    except InputError as exc:
        raise ModelRetry(str(exc)) from exc
    label = f"{target}: {report.filters.label()}"
    passages = {p.id: p for p in (cited_passage(reg, c) for c in report.citations)}
    missing = [
        GapRow(
            skill=m.skill,
            count=m.count,
            total=m.total,
            share=pct(m.share),
            learn_from=[passage_id(c.chunk_id) for c in m.citations],
        )
        for m in report.missing
    ]
    for m in report.missing:
        reg.allow_share(m.share)
    strengths = [figure_row(reg, s.skill, s.count, s.total, label) for s in report.strengths]
    gid = figure_id("skill_gap", profile.origin, ",".join(profile.skills), label)
    dates = dates_label(report.dates)
    lines = [dates] if dates else []
    lines += [f"{m.skill}: {m.count:,} of {m.total:,} postings ({m.share}) — {label}" for m in missing]
    lines += [f"{s.label}: {s.count:,} of {s.total:,} postings ({s.share}) — {label} (already have)" for s in strengths]
    reg.add(
        Evidence(id=gid, kind="figure", source=POSTINGS_SOURCE, title=f"skill gap for {profile.origin}", text="\n".join(lines))
    )
    return SkillGap(
        id=gid,
        postings=label,
        total=report.total,
        dates=dates,
        have=report.recognised,
        missing=missing,
        strengths=strengths,
        guide=report.guide,
        passages=list(passages.values()),
    )
