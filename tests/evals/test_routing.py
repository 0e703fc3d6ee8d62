"""The routing suite's cases and how routing is scored; the ground truth's dev and test splits."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.offline.router import Router
from assistant.vocab.skills import Taxonomy
from evals.dataset import CATEGORIES, load_ground_truth
from evals.routing import RoutedCase, RoutingCase, route_cases, score


def test_a_case_names_tools_or_declines_not_both() -> None:
    with pytest.raises(ValidationError, match="either tools or decline"):
        RoutingCase(question="q?", tools=["find_jobs"], decline=True, split="dev")
    with pytest.raises(ValidationError):
        RoutingCase(question="q?", tools=["write_poem"], split="dev")  # type: ignore[list-item]


def _routed(expected: list[str], chosen: list[str], right: dict[str, bool]) -> RoutedCase:
    return RoutedCase(question="q", split="test", expected=expected, chosen=chosen, right=right, scores={})


def test_score_counts_each_label_over_the_questions_that_need_it() -> None:
    routed = [
        _routed(["market_stats"], ["market_stats"], {"market_stats": True}),
        _routed(["find_jobs", "market_stats"], ["market_stats"], {"find_jobs": False, "market_stats": True}),
        _routed(["decline"], ["search_corpus"], {"decline": False}),
    ]
    result = score(routed, "test")
    assert (result.n, result.exact) == (3, pytest.approx(1 / 3))
    assert result.by_label["market_stats"] == 1.0 and result.by_label["find_jobs"] == 0.0
    assert result.counts == {"search_corpus": 0, "market_stats": 2, "find_jobs": 1, "skill_gap": 0, "decline": 1}


def test_the_measure_is_scored_over_figures_questions_routed_to_figures() -> None:
    with pytest.raises(ValidationError, match="only with market_stats"):
        RoutingCase(question="q?", tools=["find_jobs"], measure="pay", split="dev")
    routed = [
        _routed(["market_stats"], ["market_stats"], {"market_stats": True}).model_copy(
            update={"measure": "pay", "measured": "pay"}
        ),
        _routed(["market_stats"], ["market_stats"], {"market_stats": True}).model_copy(
            update={"measure": "pay", "measured": "top_skills"}
        ),
        _routed(["market_stats"], ["search_corpus"], {"market_stats": False}).model_copy(update={"measure": "pay"}),
    ]
    result = score(routed, "test")
    assert (result.measure, result.measured) == (0.5, 2)


def test_an_extra_search_is_fine_but_another_tool_is_not(router: Router) -> None:
    cases = [
        RoutingCase(question="How many postings list Kubernetes?", tools=["market_stats"], split="dev"),
        RoutingCase(question="How many postings list Kubernetes?", tools=["find_jobs"], split="dev"),
        RoutingCase(question="What's a good lasagne recipe for a software engineer's party?", decline=True, split="dev"),
    ]
    right = [r.right for r in route_cases(cases, router, Taxonomy.load(), None)]
    assert right == [{"market_stats": True}, {"find_jobs": False}, {"decline": True}]


def test_every_category_has_dev_and_test_cases_and_rewordings_name_a_case() -> None:
    cases = load_ground_truth()
    for category in CATEGORIES:
        assert {c.split for c in cases if c.category == category} == {"dev", "test"}, category
    split = {c.id: c.split for c in cases}
    reworded = [c for c in cases if c.reworded_from]
    assert all(c.reworded_from in split for c in reworded)
    assert sum(c.split == "test" for c in reworded) >= 60


def test_a_dev_rewording_rewords_a_dev_case_no_test_case_rewords() -> None:
    # Tuning on a dev rewording must not tune on the need a test rewording measures.
    cases = load_ground_truth()
    split = {c.id: c.split for c in cases}
    in_test = {c.reworded_from for c in cases if c.reworded_from and c.split == "test"}
    in_dev = [c.reworded_from for c in cases if c.reworded_from and c.split == "dev"]
    assert in_dev and all(split[r] == "dev" and r not in in_test for r in in_dev)
