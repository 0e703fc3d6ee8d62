"""The agent's market tool: figures computed over the postings (the skill gap against them is `gap_tool.py`).

Tool docstrings are the model's prompt for each tool; implementation notes are comments.
Every figure is registered with its shares, so the validator accepts only figures computed here.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_ai import ModelRetry, RunContext

from assistant.agent.corpus_tools import POSTINGS_SOURCE, Deps, Job, PostingFilter, register_job
from assistant.agent.evidence import Evidence, EvidenceRegistry, figure_id, pct, posting_id
from assistant.errors import InputError
from assistant.market import stats as market
from assistant.market.dates import dates_label, joint_label
from assistant.market.filters import MarketFilter
from assistant.market.pay import pay_stats
from assistant.market.results import PostingRef
from assistant.vocab.terms import Measure, PayGroupBy, SkillCategory

# What a ranking of the skills the caller named is called (a kind's or a maker's products).
RANKED_AMONG = "most listed of the skills asked"


class FigureRow(BaseModel):
    """One figure: `count` of `total` postings in `postings` have `label`; `share` = count / total."""

    label: str
    count: int
    total: int
    share: str
    postings: str


class PayRow(BaseModel):
    """Yearly pay in one currency for one group, over the n postings that list parseable pay."""

    group: str | None
    currency: str
    n: int
    median: int
    q1: int
    q3: int


class Figures(BaseModel):
    """Figures computed over the postings; cite `id` for any of them and always state n."""

    id: str
    measure: str
    dates: str | None = Field(None, description="When the counted postings were posted; state it with the figures.")
    rows: list[FigureRow] = []
    pay: list[PayRow] = []
    examples: list[Job] = []


def _example(reg: EvidenceRegistry, ref: PostingRef) -> Job:
    job = Job(id=posting_id(ref.job_id), title=ref.title, company=ref.company, city=ref.city, url=ref.url, pay=ref.pay)
    return register_job(reg, job, ref.source)


def figure_row(reg: EvidenceRegistry, label: str, count: int, total: int, postings: str) -> FigureRow:
    """One figure, its share allowed in answers."""
    reg.allow_share(count / total)
    return FigureRow(label=label, count=count, total=total, share=pct(count / total), postings=postings)


def _figures(
    reg: EvidenceRegistry,
    measure: str,
    rows: list[FigureRow],
    examples: list[Job],
    pay: list[PayRow] | None = None,
    *,
    dates: str | None = None,
) -> Figures:
    # The id hashes what was computed and over which postings, so it is the same in every run.
    fid = figure_id(measure, *(f"{r.label}@{r.postings}" for r in rows), *(f"{p.group}/{p.currency}" for p in pay or []))
    # The dates lead the text, so a citation's quote (the text's start) carries them.
    lines = [dates] if dates else []
    lines += [f"{r.label}: {r.count:,} of {r.total:,} postings ({r.share}) — {r.postings}" for r in rows]
    lines += [
        f"{p.group or 'all'} ({p.currency}): median {p.median:,} a year, middle half {p.q1:,}-{p.q3:,}, n = {p.n:,} postings"
        for p in pay or []
    ]
    reg.add(Evidence(id=fid, kind="figure", source=POSTINGS_SOURCE, title=measure, text="\n".join(lines)))
    return Figures(id=fid, measure=measure, dates=dates, rows=rows, pay=pay or [], examples=examples)


def _pay(deps: Deps, seg: MarketFilter, by: PayGroupBy | None) -> Figures:
    reg = deps.evidence
    report = pay_stats(deps.store, deps.taxonomy, seg, by=by)
    rows = [figure_row(reg, "postings listing parseable pay", report.count, report.total, report.filters.label())]
    pay = [
        PayRow(group=g.group, currency=g.currency, n=g.n, median=round(g.median), q1=round(g.q1), q3=round(g.q3))
        for g in report.groups
    ]
    # One posting for each of the biggest groups; ungrouped, the groups are currencies, and the
    # postings behind the largest one's median say more than one posting in each currency.
    refs = (
        report.groups[0].examples[:3] if report.groups and by is None else [e for g in report.groups[:3] for e in g.examples[:1]]
    )
    examples = [_example(reg, e) for e in refs]
    return _figures(reg, "yearly pay", rows, examples, pay, dates=dates_label(report.dates))


def market_stats(
    ctx: RunContext[Deps],
    measure: Measure,
    skills: list[str] | None = None,
    postings: PostingFilter | None = None,
    versus: PostingFilter | None = None,
    category: SkillCategory | None = None,
    pay_by: PayGroupBy | None = None,
    limit: int = 10,
) -> Figures:
    """Compute job-market figures from the postings: counts, totals (n), shares and pay. The only source of numbers.

    Each result says when its postings were posted (`dates`); state that range with the figures.

    Args:
        measure: skill_share: share of postings listing each of `skills`; top_skills: most listed skills;
            co_occurrence: skills listed together with skills[0]; compare: skill shares in `postings` vs `versus`;
            top_skills with `skills`: those skills ranked, e.g. the products of one kind (vector databases);
            top_companies: companies with the most postings; pay: median yearly pay with n.
        skills: Skill names, e.g. ["Kubernetes", "RAG"] (for skill_share and co_occurrence; for top_skills, rank these).
        postings: Which postings to count (default: all).
        versus: The second set of postings, for compare.
        category: For top_skills and compare, one skill category: genai, ml, web, databases, data, cloud, ops, languages, domains, other.
        pay_by: For pay, group by level, city, country, ai_type or work_type.
        limit: How many rows for rankings (1-30).
    """
    deps, reg = ctx.deps, ctx.deps.evidence
    seg = (postings or PostingFilter()).market()
    n = max(1, min(limit, 30))
    args = (deps.store, deps.taxonomy)
    try:
        if measure in ("skill_share", "co_occurrence") and not skills:
            raise ModelRetry(f"{measure} needs `skills`, e.g. ['Kubernetes']")
        if measure == "skill_share":
            shares = [market.skill_share(*args, s, seg, k=2) for s in skills or []]
            rows = [figure_row(reg, s.skill, s.count, s.total, s.filters.label()) for s in shares]
            return _figures(
                reg,
                "share of postings listing the skill",
                rows,
                [_example(reg, e) for s in shares for e in s.examples],
                dates=dates_label(shares[0].dates if shares else None),
            )
        if measure == "top_skills":
            rank = market.top_skills(*args, seg, n=n, category=category, among=skills or None)
            return _figures(
                reg,
                RANKED_AMONG if skills else "most listed skills",
                [figure_row(reg, s.skill, s.count, rank.total, rank.filters.label()) for s in rank.skills],
                [],
                dates=dates_label(rank.dates),
            )
        if measure == "co_occurrence":
            co = market.co_occurrence(*args, (skills or [""])[0], seg, n=n)
            anchor = f"{co.filters.label()}, listing {co.skill}"
            rows = [figure_row(reg, co.skill, co.count, co.total, co.filters.label())]
            rows += [figure_row(reg, i.skill, i.count, co.count, anchor) for i in co.items]
            refs = [_example(reg, e) for e in co.examples]
            return _figures(reg, f"skills listed together with {co.skill}", rows, refs, dates=dates_label(co.dates))
        if measure == "compare":
            if versus is None:
                raise ModelRetry("compare needs `versus`: the second set of postings")
            cmp = market.compare(*args, seg, versus.market(), n=n, category=category)
            rows = [
                figure_row(reg, r.skill, count, side.total, side.filters.label())
                for r in cmp.rows
                for count, side in ((r.a_count, cmp.a), (r.b_count, cmp.b))
            ]
            sides = ((cmp.a.filters.label(), cmp.a.dates), (cmp.b.filters.label(), cmp.b.dates))
            return _figures(reg, "skill shares in two sets of postings", rows, [], dates=joint_label(sides))
        if measure == "pay":
            return _pay(deps, seg, pay_by)
        ranking = market.top_companies(*args, seg, n=n, k=1)
        rows = [figure_row(reg, c.company, c.count, ranking.total, ranking.filters.label()) for c in ranking.companies]
        return _figures(
            reg,
            "companies with the most postings",
            rows,
            [_example(reg, e) for c in ranking.companies for e in c.examples],
            dates=dates_label(ranking.dates),
        )
    except InputError as exc:
        raise ModelRetry(str(exc)) from exc
