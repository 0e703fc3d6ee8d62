"""Job lookups match a skill a posting names anywhere and say how; the market figures count listed skills only."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic_ai import ModelRetry

from assistant.agent.corpus_tools import Deps, PostingFilter, find_jobs
from assistant.agent.market_tools import market_stats
from assistant.core.settings import Settings
from assistant.offline.compose import Cites, job_lines
from assistant.services import Services
from assistant.store.base import Point
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy


def _ctx(services: Services) -> Any:
    return SimpleNamespace(deps=Deps(services.settings, services.store, services.embedder, services.taxonomy))


def test_a_job_lookup_finds_a_skill_named_only_in_the_description_and_says_so(mention_index: Services) -> None:
    ctx = _ctx(mention_index)
    found = find_jobs(ctx, "AI engineer", PostingFilter(skills=["k8s"]))
    named = {job.company: job.named for job in found.jobs}
    assert found.matching == 2 and named == {"Acme": "mentions Kubernetes in its description", "Gamma": None}
    assert "named in the description" in found.postings  # the count is not read as a market figure
    acme = next(j for j in found.jobs if j.company == "Acme")
    assert ctx.deps.evidence.get(acme.id).text.endswith("It mentions Kubernetes in its description.")
    assert any("at Acme, Berlin (mentions Kubernetes in its description)" in line for line in job_lines(found, Cites()))


def test_a_job_lookup_finds_a_skill_only_in_the_raw_tags(mention_index: Services) -> None:
    found = find_jobs(_ctx(mention_index), "AI engineer", PostingFilter(skills=["Rust"], city="Berlin"))
    assert [(job.company, job.named) for job in found.jobs] == [("Beta", "tags Rust")]


def test_market_figures_count_only_the_listed_skills(mention_index: Services) -> None:
    ctx = _ctx(mention_index)
    share = market_stats(ctx, "skill_share", skills=["Kubernetes"])
    assert [(r.count, r.total) for r in share.rows] == [(1, 4)]  # Gamma lists it; Acme only describes it
    ranking = market_stats(ctx, "top_skills")
    counts = {r.label: r.count for r in ranking.rows}
    assert counts["Kubernetes"] == 1 and "Rust" not in counts


def test_a_skill_no_posting_names_is_still_reported_as_the_filter_that_matched_nothing(mention_index: Services) -> None:
    with pytest.raises(ModelRetry, match="skills=Terraform"):
        find_jobs(_ctx(mention_index), "AI engineer", PostingFilter(skills=["Terraform"]))


def test_postings_indexed_as_records_only_are_still_listed(tmp_path: Path, mention_corpus: Any, fake_embedder: Any) -> None:
    from assistant.store.collections import POSTINGS
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    store = EdgeStore.open(tmp_path / "index")
    embedder = fake_embedder()
    ingester = Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8))
    root = mention_corpus(tmp_path / "corpus")
    ingester.run(root)
    # What a first ingest holds after its records stage: every posting, none with a vector yet.
    points = list(store.scroll_points(POSTINGS))
    store.upsert(POSTINGS, [Point(p.id, p.payload) for p in points])
    assert all(p.dense is None for p in store.scroll_points(POSTINGS))
    services = Services(Settings(data_dir=tmp_path, corpus_dir=root), store=store, embedder=embedder)
    found = find_jobs(_ctx(services), "AI engineer", PostingFilter(city="Berlin"))
    assert found.matching >= 1 and len(found.jobs) == found.matching
    services.close()
