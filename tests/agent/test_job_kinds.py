"""Job lookups for a kind of tool find postings that name any product of the kind, and say what was matched."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from pydantic_ai import ModelRetry

from assistant.agent.corpus_tools import Deps, PostingFilter, find_jobs
from assistant.agent.market_tools import market_stats
from assistant.services import Services


def _ctx(services: Services) -> Any:
    return SimpleNamespace(deps=Deps(services.settings, services.store, services.embedder, services.taxonomy))


def test_a_kind_finds_postings_naming_only_one_of_its_products(kind_index: Services) -> None:
    ctx = _ctx(kind_index)
    found = find_jobs(ctx, "AI engineer", PostingFilter(skills=["vector db"], city="Berlin"))
    named = {job.company: job.named for job in found.jobs}
    assert found.matching == 3 and named == {"Nova": None, "Orbit": "mentions Weaviate in its description", "Pulse": None}
    assert found.postings.startswith("city=Berlin, skills=vector database (any: Vector databases, ")
    orbit = next(j for j in found.jobs if j.company == "Orbit")
    assert ctx.deps.evidence.get(orbit.id).text.endswith("It mentions Weaviate in its description.")


def test_a_product_named_is_matched_alone(kind_index: Services) -> None:
    found = find_jobs(_ctx(kind_index), "AI engineer", PostingFilter(skills=["Weaviate"]))
    assert [(j.company, j.named) for j in found.jobs] == [("Orbit", "mentions Weaviate in its description")]
    assert found.postings.startswith("skills=Weaviate (")


def test_the_market_figure_for_the_same_words_counts_the_concept_only(kind_index: Services) -> None:
    ctx = _ctx(kind_index)
    share = market_stats(ctx, "skill_share", skills=["vector db"])
    assert [(r.label, r.count, r.total) for r in share.rows] == [("Vector databases", 1, 4)]
    within = market_stats(ctx, "top_skills", postings=PostingFilter(skills=["vector db"]))
    assert {(r.total, r.postings) for r in within.rows} == {(1, "skills=Vector databases")}  # Pulse alone lists it
    with pytest.raises(ModelRetry, match="unknown skill 'LLM provider'"):
        market_stats(ctx, "skill_share", skills=["LLM provider"])
    found = find_jobs(ctx, "AI engineer", PostingFilter(skills=["LLM provider"]))
    assert [(j.company, j.named) for j in found.jobs] == [("Quill", "mentions Claude in its description")]
