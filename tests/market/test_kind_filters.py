"""A skill given as a kind of tool: any product of the kind in job lookups; the concept alone in market figures."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.market.filters import MarketFilter, resolve
from assistant.services import Services
from assistant.store.base import Match
from assistant.store.collections import LISTED, MENTIONED
from assistant.vocab.skill_words import skill_words
from assistant.vocab.skills import Taxonomy

TAX = Taxonomy.load()
VECTOR_DBS = skill_words(TAX).members["vector database"]


def test_a_kind_in_a_job_lookup_is_one_condition_matching_the_concept_or_any_product(kind_index: Services) -> None:
    seg = resolve(kind_index.store, TAX, MarketFilter(skills=("vector DBs",)), skill_field=MENTIONED)
    assert seg.total == 3  # Nova lists Pinecone, Orbit names Weaviate, Pulse lists Vector databases
    assert seg.store_filter.must == (Match(MENTIONED, ("Vector databases", *VECTOR_DBS)),)
    assert seg.any_of == (("Vector databases", *VECTOR_DBS),)
    (label,) = seg.filter.skills
    assert label.startswith("vector database (any: Vector databases, ") and label.endswith(", …)")


def test_a_kind_is_all_of_with_the_other_skills(kind_index: Services) -> None:
    seg = resolve(kind_index.store, TAX, MarketFilter(skills=("vector db", "RAG")), skill_field=MENTIONED)
    assert seg.total == 1  # Nova: Quill has RAG but no vector database


def test_a_kind_with_no_concept_skill_matches_its_products(kind_index: Services) -> None:
    seg = resolve(kind_index.store, TAX, MarketFilter(skills=("LLM provider",)), skill_field=MENTIONED)
    assert seg.total == 1 and seg.any_of == (skill_words(TAX).members["LLM provider"],)  # Quill names Claude
    assert seg.filter.label().startswith("skills=LLM provider (any: OpenAI, Claude, ")


def test_market_figures_still_count_the_concept_only(kind_index: Services) -> None:
    seg = resolve(kind_index.store, TAX, MarketFilter(skills=("vector DBs",)), skill_field=LISTED)
    assert (seg.total, seg.filter.skills) == (1, ("Vector databases",))
    assert seg.store_filter.must == (Match(LISTED, ("Vector databases",)),)
    with pytest.raises(InputError, match="unknown skill 'LLM provider'"):
        resolve(kind_index.store, TAX, MarketFilter(skills=("LLM provider",)))


def test_a_skill_that_names_no_kind_is_matched_as_before(kind_index: Services) -> None:
    seg = resolve(kind_index.store, TAX, MarketFilter(skills=("pinecone",)), skill_field=MENTIONED)
    assert (seg.total, seg.filter.skills, seg.any_of) == (1, ("Pinecone",), (("Pinecone",),))
    with pytest.raises(InputError, match="unknown skill"):  # a close spelling is no kind: the taxonomy's error, as before
        resolve(kind_index.store, TAX, MarketFilter(skills=("vektor db",)), skill_field=MENTIONED)
