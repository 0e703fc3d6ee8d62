"""The offline model's job lookups pass a kind of tool on by its name, so the lookup matches any of its products."""

from __future__ import annotations

import pytest

from assistant.agent.build import career_agent
from assistant.ask import ask
from assistant.offline.gazetteer import Gazetteer
from assistant.offline.intent import detect
from assistant.offline.model import offline_model
from assistant.offline.plan import plan
from assistant.offline.router import Router
from assistant.services import Services
from assistant.vocab.skills import Taxonomy

TAX = Taxonomy.load()
PLACES = Gazetteer(cities=["Berlin", "London"], countries=["DEU"], companies=["Nova", "Orbit"])


def _job_skills(question: str, router: Router) -> object:
    calls = [c.args_as_dict() for c in plan(detect(question, [], TAX, router, PLACES)) if c.tool_name == "find_jobs"]
    assert calls, f"no job lookup for {question!r}"
    return calls[0]["postings"].get("skills")


@pytest.mark.parametrize(
    ("question", "skills"),
    [
        ("Which companies want a vector db in Berlin?", ["vector database"]),
        ("Show me jobs that need an LLM framework and Python", ["Python", "LLM framework"]),
        ("Who is hiring people who know a cloud provider in London?", ["cloud provider"]),
        ("Show me jobs asking for Pinecone in Berlin", ["Pinecone"]),
    ],
)
def test_a_job_lookup_passes_the_kind_by_its_name(question: str, skills: list[str], router: Router) -> None:
    assert _job_skills(question, router) == skills


def test_the_answer_lists_postings_naming_any_product_of_the_kind(
    kind_index: Services, never_decline: float, router: Router
) -> None:
    with career_agent().override(model=offline_model(kind_index.embedder, never_decline, router=router)):
        answer = ask(kind_index, "which companies want a vector db in Berlin").answer
    assert "3 postings match city=Berlin, skills=vector database (any: Vector databases, " in answer
    assert "at Orbit, Berlin (mentions Weaviate in its description)" in answer
