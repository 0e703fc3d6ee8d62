"""The offline model on skills named by their kind or maker: the slots, the tool calls, the explanation, the answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.agent.build import career_agent
from assistant.ask import AskResult, ask
from assistant.offline.explain import explain
from assistant.offline.gazetteer import Gazetteer
from assistant.offline.intent import detect
from assistant.offline.model import offline_model
from assistant.offline.plan import plan
from assistant.offline.router import Router
from assistant.offline.slots import find_slots
from assistant.services import Services
from assistant.vocab.skill_words import skill_words
from assistant.vocab.skills import Taxonomy

TAX = Taxonomy.load()
PLACES = Gazetteer(cities=["Berlin", "London"], countries=["DEU"], companies=["Google", "Meta", "Amazon", "Stripe"])
VECTOR_DBS = list(skill_words(TAX).members["vector database"])


def test_a_maker_with_a_kind_is_its_product_not_an_employer() -> None:
    slots = find_slots("How many jobs in Berlin want Google's cloud?", TAX, PLACES)
    assert (slots.skills, slots.company, slots.city) == (("GCP",), None, "Berlin")
    assert slots.resolved() == ["Google's cloud → GCP (maker)"]


def test_a_maker_without_a_kind_is_still_the_employer() -> None:
    slots = find_slots("Is Google hiring AI engineers in London?", TAX, PLACES)
    assert (slots.skills, slots.sets, slots.company) == ((), (), "Google")


def test_a_kind_is_a_group_of_products_beside_the_skills_named() -> None:
    slots = find_slots("Is Python asked for more than any vector store?", TAX, PLACES)
    assert slots.skills == ("Python", "Vector databases")
    assert [(g.name, list(g.skills)) for g in slots.groups] == [("vector database", VECTOR_DBS)]


def _calls(question: str, router: Router) -> list[tuple[str, dict[str, object]]]:
    return [(c.tool_name, c.args_as_dict()) for c in plan(detect(question, [], TAX, router))]


def test_a_kind_asks_for_its_products_ranked(router: Router) -> None:
    calls = _calls("Which experiment tracker do AI engineering postings mention most?", router)
    assert calls[0] == (
        "market_stats",
        {"measure": "top_skills", "skills": list(skill_words(TAX).members["experiment tracker"]), "postings": {}, "limit": 10},
    )
    assert [name for name, _ in calls] == ["market_stats", "search_corpus"]


def test_a_kind_that_is_also_a_skill_gets_its_share_and_its_products_ranked(router: Router) -> None:
    calls = _calls("What share of AI-first postings want some kind of vector database?", router)
    assert [(a["measure"], a.get("skills"), a["postings"]) for name, a in calls if name == "market_stats"] == [
        ("skill_share", ["Vector databases"], {"ai_type": "ai-first"}),
        ("top_skills", VECTOR_DBS, {"ai_type": "ai-first"}),
    ]


def test_asked_which_one_only_the_products_are_ranked(router: Router) -> None:
    calls = _calls("Which vector db do AI-first postings list most?", router)
    assert [(a["measure"], a.get("skills")) for name, a in calls if name == "market_stats"] == [("top_skills", VECTOR_DBS)]


def test_a_product_called_by_its_maker_gets_its_share(router: Router) -> None:
    name, args = _calls("How many postings mention Meta's open-weight models?", router)[0]
    assert (name, args["measure"], args["skills"]) == ("market_stats", "skill_share", ["Llama"])


def test_a_follow_up_keeps_the_kind_until_it_names_skills_of_its_own(router: Router) -> None:
    first = "Which cloud provider do AI engineering postings ask for most?"
    kept = detect("and among AI-first ones?", [first], TAX, router)
    assert [g.name for g in kept.slots.groups] == ["cloud provider"]
    replaced = detect("and what about Python?", [first], TAX, router)
    assert (replaced.slots.skills, replaced.slots.groups) == (("Python",), ())


def test_category_words_still_rank_a_category(router: Router) -> None:
    intent = detect("What are the top cloud skills in AI engineer postings?", [], TAX, router)
    assert (intent.measure, intent.category, intent.slots.sets) == ("top_skills", "cloud", ())


def test_the_explanation_shows_the_kind_and_the_maker_as_slots(tiny: Services, router: Router) -> None:
    kind = explain(tiny, "how many postings want a vector db?", router=router).to_json()["slots"]
    assert {"slot": "skill", "value": "Vector databases", "from": "skill taxonomy"} in kind  # type: ignore[operator]
    (group,) = [s for s in kind if s["slot"] == "skills"]  # type: ignore[union-attr, index]
    assert group["value"].startswith("vector db → kind: vector database → ")  # type: ignore[index, union-attr]
    assert group["from"] == "skill taxonomy, kind vector database"  # type: ignore[index]
    maker = explain(tiny, "how many jobs want Meta's models?", router=router).lines()
    assert "skill: Meta's models → Llama (maker) (skill taxonomy, maker Meta)" in maker


@pytest.fixture
def ask_offline(never_decline: float, router: Router) -> Callable[[Services, str], AskResult]:
    """`ask_offline(services, question)` with the offline model, never declining on score."""

    def ask_(services: Services, question: str) -> AskResult:
        with career_agent().override(model=offline_model(services.embedder, never_decline, router=router)):
            return ask(services, question)

    return ask_


def test_the_answer_ranks_the_kinds_products_under_its_name(tiny: Services, ask_offline: Callable[..., AskResult]) -> None:
    answer = ask_offline(tiny, "Which LLM framework do the postings ask for most?").answer
    assert "Reading LLM framework → kind: LLM framework → LangChain, LangGraph" in answer
    assert "Most listed LLM frameworks, across all postings (n = 8 postings" in answer
    assert answer.index("| LangGraph | 2 of 8 | 25.0% |") < answer.index("| LangChain | 1 of 8 | 12.5% |")


def test_the_answer_gives_the_makers_product_its_figure(tiny: Services, ask_offline: Callable[..., AskResult]) -> None:
    answer = ask_offline(tiny, "How many postings want Meta's deep learning library?").answer
    assert "Reading Meta's deep learning library → PyTorch (maker)." in answer
    assert "**PyTorch** is listed in 1 of 8 postings (12.5%)" in answer
