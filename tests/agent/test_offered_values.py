"""Every value a tool offers the model, in its signature or its docstring, is one the function behind it accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic_ai import Tool

from assistant.agent.corpus_tools import find_jobs, search_corpus
from assistant.agent.gap_tool import skill_gap
from assistant.agent.market_tools import market_stats
from assistant.core.schema import Posting, SkillsByCategory
from assistant.market import gap
from assistant.market import stats as market
from assistant.market.filters import MarketFilter
from assistant.market.pay import pay_stats
from assistant.retrieval.hybrid import chunk_filter
from assistant.services import Services
from assistant.store.base import Point
from assistant.store.collections import POSTINGS, posting_payload, specs
from assistant.store.edge import EdgeStore
from assistant.vocab.backgrounds import load_backgrounds
from assistant.vocab.skills import Taxonomy
from assistant.vocab.terms import AI_TYPES, DOC_TYPES, GAP_TARGETS, MEASURES, PAY_GROUP_BY, SKILL_CATEGORIES
from ingest.pipeline import posting_id


def _schema(function: object) -> dict[str, object]:
    return Tool(function).tool_def.parameters_json_schema  # type: ignore[arg-type]


def _listed(docstring: str, label: str) -> list[str]:
    """The comma-separated values a docstring line offers after `label`."""
    match = re.search(rf"{label}:?\s*([a-z_\-, ]+(?:, [a-z_\-]+)+)", " ".join(docstring.split()))
    assert match, f"{label!r} lists no values"
    return [v.strip() for v in match.group(1).split(",") if v.strip()]


def test_market_stats_schema_offers_the_vocabulary() -> None:
    props = _schema(market_stats)["properties"]
    assert set(props["measure"]["enum"]) == set(MEASURES)  # type: ignore[index]
    assert set(props["category"]["anyOf"][0]["enum"]) == set(SKILL_CATEGORIES)  # type: ignore[index]
    assert set(props["pay_by"]["anyOf"][0]["enum"]) == set(PAY_GROUP_BY)  # type: ignore[index]


def test_docstrings_offer_only_accepted_values() -> None:
    assert set(_listed(market_stats.__doc__ or "", "one skill category")) == set(SKILL_CATEGORIES)
    assert set(_listed(search_corpus.__doc__ or "", "Only these kinds of document")) <= set(DOC_TYPES)
    presets = set(_listed(skill_gap.__doc__ or "", "A background preset"))
    assert presets == {b.id for b in load_backgrounds()}


@pytest.mark.parametrize("category", SKILL_CATEGORIES)
def test_every_skill_category_is_accepted_by_the_figures(tiny: Services, category: str) -> None:
    ranking = market.top_skills(tiny.store, tiny.taxonomy, MarketFilter(), category=category)
    comparison = market.compare(tiny.store, tiny.taxonomy, MarketFilter(), MarketFilter(), category=category)
    assert all(s.category == category for s in ranking.skills) and all(r.category == category for r in comparison.rows)


def test_domains_ranks_the_fields_the_postings_list_under_domains(tmp_path: Path) -> None:
    store = EdgeStore.open(tmp_path / "index")
    for name, spec in specs(4).items():
        store.ensure_collection(name, spec)
    domains = [["NLP", "Healthcare"], ["nlp"], ["Computer Vision", "NLP"]]
    postings = [
        Posting(job_id=str(i), source=f"p{i}.yaml", title="AI Engineer", company="Acme", skills=SkillsByCategory(domains=d))
        for i, d in enumerate(domains)
    ]
    store.upsert(POSTINGS, [Point(posting_id(p.job_id), posting_payload(p), [0.5] * 4) for p in postings])
    ranking = market.top_skills(store, Taxonomy.load(), MarketFilter(), category="domains")
    store.close()
    assert [(s.skill, s.count, s.category) for s in ranking.skills] == [
        ("NLP", 3, "domains"),
        ("Computer Vision", 1, "domains"),
        ("Healthcare", 1, "domains"),
    ]


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_document_type_is_accepted_by_search(doc_type: str) -> None:
    assert not chunk_filter([doc_type]).empty


@pytest.mark.parametrize("by", PAY_GROUP_BY)
def test_every_pay_grouping_is_accepted(tiny: Services, by: str) -> None:
    report = pay_stats(tiny.store, tiny.taxonomy, MarketFilter(), by=by)  # type: ignore[arg-type]
    assert report.by == by


@pytest.mark.parametrize("target", GAP_TARGETS)
def test_every_gap_target_is_accepted(target: str) -> None:
    assert isinstance(gap.target_filter(target), MarketFilter)


@pytest.mark.parametrize("ai_type", AI_TYPES)
def test_every_ai_type_filter_is_accepted(ai_type: str) -> None:
    assert MarketFilter(ai_type=ai_type).ai_type == ai_type


def test_find_jobs_schema_offers_the_ai_types() -> None:
    postings = _schema(find_jobs)["$defs"]["PostingFilter"]["properties"]  # type: ignore[index]
    assert set(postings["ai_type"]["anyOf"][0]["enum"]) == set(AI_TYPES)
