"""The agent's dependencies, shared tool types, and the corpus tools: passage search and job lookup.

Tool docstrings are the model's prompt for each tool; implementation notes are comments.
Every tool registers what it returns in the run's evidence registry, so the output validator can
check that an answer cites only ids, and states only figures, that a tool returned this run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Annotated

from pydantic import BaseModel, Field, PlainSerializer
from pydantic_ai import ModelRetry, RunContext

from assistant.agent.evidence import Evidence, EvidenceRegistry, as_data, figure_id, passage_id, posting_id
from assistant.core.embedding import Embedder
from assistant.core.schema import DocType, Hit, Posting
from assistant.core.settings import Settings
from assistant.errors import InputError
from assistant.market.dates import date_range, dates_label
from assistant.market.filters import ALL_VALUES, MarketFilter, resolve, resolve_value
from assistant.retrieval.hybrid import chunk_filter, search
from assistant.store.base import Store
from assistant.store.collections import CHUNKS, MENTIONED, POSTINGS, posting_from_payload
from assistant.vocab.skills import Taxonomy
from assistant.vocab.terms import AIType

# Figures are computed over the postings collection, not read from one file.
POSTINGS_SOURCE = "postings index"
MAX_PASSAGES = 10
MAX_JOBS = 15
# Job lookups match a skill wherever a posting names it; said beside the count so it is not read as a market figure.
NAMED_ANYWHERE = "skills listed, tagged or named in the description"

# Corpus text and scraped posting fields are untrusted: in the JSON a model reads, they stand only
# inside the data tags. Python callers (the offline composer, the UI) get the plain text.
DataText = Annotated[str, PlainSerializer(lambda v: as_data(v) if v else v, return_type=str, when_used="json")]


@dataclass(frozen=True)
class ToolCall:
    """One tool call of a run: its name, arguments, how long it took, and whether it succeeded."""

    name: str
    args: dict[str, object]
    duration_ms: float
    ok: bool = True


@dataclass
class Deps:
    """What the tools may reach: settings, the store, the embedder, the skill taxonomy, and this run's evidence."""

    settings: Settings
    store: Store
    embedder: Embedder
    taxonomy: Taxonomy
    evidence: EvidenceRegistry = field(default_factory=EvidenceRegistry)
    calls: list[ToolCall] = field(default_factory=list)


class PostingFilter(BaseModel):
    """Which job postings: leave a field empty for any value; values are matched leniently."""

    city: str | None = Field(None, description="City, e.g. Berlin.")
    country: str | None = Field(None, description="Country code as listed, e.g. DEU or USA.")
    ai_type: AIType | None = Field(
        None, description="ai-first: building AI products; ai-support: AI helps another product; ml-first: classic ML."
    )
    level: str | None = Field(None, description="Seniority as listed, e.g. Senior level.")
    work_type: str | None = Field(None, description="Remote, Hybrid or In-Office.")
    company: str | None = None
    skills: list[str] = Field(default_factory=list, description="Postings must list all of these skills.")

    def market(self) -> MarketFilter:
        """As the market module's filter."""
        return MarketFilter(
            city=self.city,
            country=self.country,
            ai_type=self.ai_type,
            level=self.level,
            work_type=self.work_type,
            company=self.company,
            skills=tuple(self.skills),
        )


class Passage(BaseModel):
    """A passage from the corpus."""

    id: str
    source: str
    title: DataText
    section: DataText = ""
    page: int | None = None
    url: str | None = None
    doc_type: str
    score: float
    text: DataText


class Job(BaseModel):
    """A job posting."""

    id: str
    title: DataText
    company: DataText
    city: str | None = None
    level: str | None = None
    work_type: str | None = None
    url: str | None = None
    skills: list[str] = []
    pay: DataText | None = None  # beside a pay figure: the posting's own pay, as listed
    named: str | None = Field(
        None, description="How it names a wanted skill it does not list, e.g. 'mentions Kubernetes in its description': say so."
    )


class JobSearch(BaseModel):
    """Postings that match the filters, best matches for the query first; `id` cites the count."""

    id: str
    postings: str
    matching: int
    dates: str | None = Field(None, description="When the matching postings were posted; state it with the count.")
    jobs: list[Job]


def register_job(reg: EvidenceRegistry, job: Job, source: str) -> Job:
    """Register a posting as citable evidence and return it."""
    where = ", ".join(x for x in (job.city, job.level, job.work_type) if x)
    text = (
        f"{job.title} at {job.company}"
        + (f" ({where})" if where else "")
        + (f". Skills: {', '.join(job.skills)}." if job.skills else ".")
        + (f" Pay: {job.pay}." if job.pay else "")
        + (f" It {job.named}." if job.named else "")
    )
    reg.add(Evidence(id=job.id, kind="posting", source=source, title=f"{job.title} — {job.company}", url=job.url, text=text))
    return job


def _job(p: Posting, wanted: Sequence[tuple[str, ...]], taxonomy: Taxonomy) -> Job:
    return Job(
        id=posting_id(p.job_id),
        title=p.title,
        company=p.company,
        city=p.city,
        level=p.level,
        work_type=p.work_type,
        url=p.url,
        skills=p.canonical_skills[:12],
        named=named_only(p, wanted, taxonomy),
    )


def named_only(p: Posting, wanted: Sequence[tuple[str, ...]], taxonomy: Taxonomy) -> str | None:
    """How a posting names wanted skills it does not list ("mentions Kubernetes in its description", "tags Rust"); each
    wanted skill is the skills any of which match it (a kind of tool: its products, named as the posting names them)."""
    unlisted = [any_of for any_of in wanted if not set(any_of) & set(p.canonical_skills)]
    tagged = set(taxonomy.canonical_set(p.raw_skills)) if unlisted else set()
    in_tags: list[str] = []
    in_text: list[str] = []
    for any_of in unlisted:
        if tags := [s for s in any_of if s in tagged]:
            in_tags += tags
        else:
            in_text += [s for s in any_of if s in p.mentioned_skills] or [any_of[0]]
    notes = [f"tags {' and '.join(dict.fromkeys(in_tags))}"] if in_tags else []
    notes += [f"mentions {' and '.join(dict.fromkeys(in_text))} in its description"] if in_text else []
    return "; ".join(notes) or None


def search_corpus(
    ctx: RunContext[Deps],
    query: str,
    doc_types: list[DocType] | None = None,
    city: str | None = None,
    company: str | None = None,
    source: str | None = None,
    limit: int = 5,
) -> list[Passage]:
    """Search the corpus (role guides, learning paths, interview notes, webinars, job postings) for passages.

    Use it for what a role involves, how to prepare, what to learn, and what the guides say.
    Results come from different documents; to read more of one, search again with its `source`.

    Args:
        query: What to look for, in plain words.
        doc_types: Only these kinds of document: job_posting, learning_path, role_guide, interview, webinar, slides, portfolio, article.
        city: Only job-posting passages from this city.
        company: Only job-posting passages from this company.
        source: Only passages from this document: a `source` from an earlier result.
        limit: How many passages (1-10).
    """
    deps = ctx.deps
    try:
        # Chunk city/company values are matched leniently against what the index holds.
        if city:
            city = resolve_value("city", city, [str(f.value) for f in deps.store.facet(CHUNKS, "city", limit=ALL_VALUES)])
        if company:
            company = resolve_value(
                "company", company, [str(f.value) for f in deps.store.facet(CHUNKS, "company", limit=ALL_VALUES)]
            )
        # Reading one document wants several of its passages; otherwise one per document.
        hits = search(
            deps.store,
            deps.embedder,
            query,
            flt=chunk_filter(doc_types, city, company, source),
            limit=max(1, min(limit, MAX_PASSAGES)),
            max_per_source=None if source else 1,
        )
    except InputError as exc:
        raise ModelRetry(str(exc)) from exc
    if source and not hits:
        raise ModelRetry(f"no passages from {source!r}: use a `source` exactly as a search result gave it")
    return [cited_passage(deps.evidence, h) for h in hits]


def cited_passage(reg: EvidenceRegistry, hit: Hit) -> Passage:
    """A search hit as a passage an answer may cite, registered as evidence."""
    p = Passage(
        id=passage_id(hit.chunk_id),
        source=hit.source,
        title=hit.title,
        section=hit.section,
        page=hit.page,
        url=hit.url,
        doc_type=hit.doc_type,
        score=round(hit.score, 4),
        text=hit.text,
    )
    reg.add(
        Evidence(id=p.id, kind="passage", source=p.source, title=p.title, section=p.section, page=p.page, url=p.url, text=p.text)
    )
    return p


def find_jobs(ctx: RunContext[Deps], query: str, postings: PostingFilter | None = None, limit: int = 8) -> JobSearch:
    """Find job postings (title, company, city, url) for "who is hiring ..." and "show me jobs ..." questions.

    Args:
        query: What the job is about, e.g. "AI engineer building agents with LangGraph".
        postings: Filters: city, company, skills (a posting matches when it lists, tags or names each in its description), level, work type.
            A kind of tool as a skill ("vector database") matches any product of that kind.
        limit: How many postings to list (1-15).
    """
    deps = ctx.deps
    try:
        seg = resolve(deps.store, deps.taxonomy, (postings or PostingFilter()).market(), skill_field=MENTIONED)
    except InputError as exc:
        raise ModelRetry(str(exc)) from exc
    # Rank within the filtered postings by meaning (each posting has a vector of its title,
    # responsibilities and skills); the filter itself is exact.
    n = max(1, min(limit, MAX_JOBS))
    records = deps.store.query(POSTINGS, dense=deps.embedder.query(query), flt=seg.store_filter, limit=n)
    if not records and seg.total:
        # Postings indexed as records only (a first ingest still embedding them) have no vector yet: list them unranked.
        records = list(islice(deps.store.scroll(POSTINGS, seg.store_filter), n))
    wanted = seg.any_of
    found = (posting_from_payload(r.payload) for r in records)
    jobs = [register_job(deps.evidence, _job(p, wanted, deps.taxonomy), p.source) for p in found]
    label = seg.filter.label() + (f" ({NAMED_ANYWHERE})" if wanted else "")
    sid = figure_id("find_jobs", label)
    dates = dates_label(date_range(deps.store, seg.store_filter))
    deps.evidence.add(
        Evidence(
            id=sid,
            kind="figure",
            source=POSTINGS_SOURCE,
            title="postings matching the filters",
            text="\n".join([*([dates] if dates else []), f"{seg.total:,} postings match {label}"]),
        )
    )
    deps.evidence.allow_count(len(jobs))
    return JobSearch(id=sid, postings=label, matching=seg.total, dates=dates, jobs=jobs)
