"""`assistant ask --explain`: how the question was read, the same way the offline model reads it."""

from __future__ import annotations

from collections.abc import Callable

from assistant.offline.explain import explain
from assistant.offline.router import Router
from assistant.services import Services


def test_explanation_gives_scores_asks_and_where_each_slot_came_from(tiny: Services, router: Router) -> None:
    got = explain(tiny, "Is LangGraph still asked for? And which companies in Berlin list it?", router=router)
    data = got.to_json()
    assert set(data["tools"]) == {"market_stats", "find_jobs"}  # type: ignore[arg-type]
    assert set(data["scores"]) == {"search_corpus", "market_stats", "find_jobs", "skill_gap", "decline"}  # type: ignore[arg-type]
    assert len(data["asks"]) == 2  # type: ignore[arg-type]
    assert {"slot": "skill", "value": "LangGraph", "from": "skill taxonomy"} in data["slots"]  # type: ignore[operator]
    assert any(s["slot"] == "city" and s["value"] == "Berlin" for s in data["slots"])  # type: ignore[attr-defined, union-attr]
    assert got.lines()[0].startswith("tools: ")


def test_an_off_topic_question_is_explained_as_declined(tiny: Services, router: Router) -> None:
    data = explain(tiny, "What's the best sourdough recipe for a software engineer on a budget?", router=router).to_json()
    assert (data["declined"], data["tools"]) == (True, [])


def test_typos_the_search_mends_are_shown(tiny: Services, router: Router) -> None:
    got = explain(tiny, "what should a data enginer learn to become an AI engineer?", router=router)
    assert got.to_json()["mended"] == [{"typed": "enginer", "searched": "engineer"}]
    assert "typos mended for the search: enginer → engineer" in got.lines()


def test_a_question_leaning_off_topic_says_so(tiny: Services, fixed_router: Callable[..., Router]) -> None:
    leaning = explain(tiny, "any tips?", router=fixed_router(search_corpus=0.3, decline=0.4))
    assert leaning.to_json()["leans_off_topic"] is True and not leaning.intent.route.decline
    assert any(line.startswith("leans off-topic: ") for line in leaning.lines())
    plain = explain(tiny, "any tips?", router=fixed_router(search_corpus=0.3, decline=0.2))
    assert plain.to_json()["leans_off_topic"] is False


def test_the_measure_is_explained_by_its_scores(tiny: Services, router: Router) -> None:
    got = explain(tiny, "what's the going rate for AI engineers these days?", router=router)
    value, how = next((value, how) for slot, value, how in got.slots if slot == "measure")
    assert value == "pay" and how.startswith("meaning: pay ")
    assert got.intent.route.measures["pay"] >= 0.5
    assert got.to_json()["measures"] == {k: round(v, 3) for k, v in got.intent.route.measures.items()}
