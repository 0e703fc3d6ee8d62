"""The eval scoring functions, each on small hand-made inputs."""

from __future__ import annotations

import pytest
from pydantic_ai.models.test import TestModel
from pydantic_evals import Case, Dataset
from pydantic_evals.evaluators import LLMJudge, OutputConfig

from evals.dataset import GroundTruthCase, RegressionCase
from evals.gates import DEV_FLOORS, Gate, all_passed, split_gates
from evals.judge import JUDGE, RUBRIC, judged, label
from evals.metrics import (
    FigureTruth,
    check_figures,
    citation_precision,
    cosine,
    first_relevant_rank,
    hit_at,
    is_refusal,
    key_fact_recall,
    mean,
    percentile,
    reciprocal_rank,
    stated_counts,
    stated_money,
    stated_percents,
)
from evals.retrieval import RegressionResult, evaluate, summarize

SOURCES = ["a.md", "b.md", "c.md", "d.md", "e.md", "f.md"]


def _rank(wanted: str, k: int = 5) -> int | None:
    return first_relevant_rank(SOURCES, lambda i: SOURCES[i] == wanted, k)


def test_rank_is_one_based() -> None:
    assert _rank("c.md") == 3


def test_rank_beyond_k_is_a_miss() -> None:
    assert _rank("f.md", k=5) is None


def test_hit_at_counts_only_ranks_within_k() -> None:
    assert [hit_at(1, 1), hit_at(3, 1), hit_at(3, 5), hit_at(None, 5)] == [1.0, 0.0, 1.0, 0.0]


def test_reciprocal_rank_is_zero_for_a_miss() -> None:
    assert [reciprocal_rank(1), reciprocal_rank(4), reciprocal_rank(None)] == [1.0, 0.25, 0.0]


def test_mean_of_nothing_is_none() -> None:
    assert mean([]) is None


def test_key_facts_match_case_insensitively() -> None:
    assert key_fact_recall("Plan for 3-4 Months of EVALUATION work", ["3.4 months", "evaluat"]) == 1.0


def test_key_fact_recall_is_the_share_matched() -> None:
    assert key_fact_recall("RAG and agents", ["RAG", "agent", "Docker", "CI/CD"]) == 0.5


def test_key_fact_recall_is_none_without_facts() -> None:
    assert key_fact_recall("anything", []) is None


def test_cosine_of_a_vector_with_itself_is_one() -> None:
    assert cosine([0.3, 0.4], [0.3, 0.4]) == pytest.approx(1.0)


def test_cosine_of_orthogonal_vectors_is_zero() -> None:
    assert cosine([1.0, 0.0], [0.0, 2.0]) == 0.0


def test_cosine_with_a_zero_vector_is_zero() -> None:
    assert cosine([0.0, 0.0], [1.0, 1.0]) == 0.0


def test_citation_precision_is_the_share_of_good_citations() -> None:
    assert citation_precision([True, True, False, True]) == 0.75


def test_citation_precision_is_none_without_citations() -> None:
    assert citation_precision([]) is None


def test_a_decline_reads_as_refusal() -> None:
    assert is_refusal("The corpus does not cover weather forecasts.")


def test_a_normal_answer_is_not_a_refusal() -> None:
    assert not is_refusal("Data engineers need about 3-4 months [1].")
    assert not is_refusal("Tell me about a time when you had to think outside the box to complete a task [1].")
    assert is_refusal("That is outside the scope of these guides.")


def test_only_uncited_lines_can_refuse() -> None:
    assert not is_refusal("- These are not covered in the core path above but appear in job descriptions. [2]")
    assert is_refusal("The corpus does not cover this.\n\nYou could ask: what does an AI engineer do? [1]")


def test_percentile_interpolates() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5


def test_percentile_of_nothing_is_none() -> None:
    assert percentile([], 95) is None


def test_percent_tolerance_follows_the_written_precision() -> None:
    whole, one_decimal = stated_percents("about 35% (34.7 percent)")
    assert (whole.value, whole.tolerance, one_decimal.value) == (35.0, pytest.approx(0.5), 34.7)


def test_n_of_m_pairs_accept_thousands_separators() -> None:
    assert stated_counts("RAG: 612 of 1,765 postings, 3 out of 9 in Berlin") == [(612, 1765), (3, 9)]


def test_money_is_scaled_by_its_suffix() -> None:
    assert [m.value for m in stated_money("median $152.5K, range $120,000 to $1M")] == [152_500.0, 120_000.0, 1_000_000.0]


TRUTH = FigureTruth(headline_percents=(34.674,), counts=(612,), totals=(1765,))


def test_a_rounded_headline_figure_is_accurate() -> None:
    assert check_figures("RAG: 612 of 1,765 postings (34.7%) [1]", TRUTH).accurate


def test_a_contradicting_percentage_is_wrong() -> None:
    check = check_figures("RAG: 34.7% of postings, and 41% of AI-first ones [1]", TRUTH)
    assert check.wrong == ("41%",)


def test_a_percentage_quoted_from_a_source_is_allowed() -> None:
    assert check_figures("RAG: 34.7% now; the guide said 35.9% [2]", TRUTH, quoted="RAG (35.9%)").accurate


def test_an_answer_without_the_headline_is_not_accurate() -> None:
    assert not check_figures("RAG is common in postings [1].", TRUTH).accurate


def test_a_wrong_count_is_flagged() -> None:
    assert check_figures("RAG: 600 of 1,765 postings (34.7%)", TRUTH).wrong == ("600 of 1765",)


def test_a_headline_count_alone_is_enough_for_count_figures() -> None:
    truth = FigureTruth(headline_counts=(8,), totals=(1765,))
    assert check_figures("There are 8 postings in Amsterdam [1].", truth).accurate


def test_a_gate_passes_at_its_threshold() -> None:
    assert Gate(name="hit@5", value=0.9, threshold=0.9, op=">=").passed is True


def test_a_time_gate_fails_above_its_limit() -> None:
    assert Gate(name="run time", value=601.0, threshold=600.0, op="<=").passed is False


def test_an_unmeasured_gate_is_skipped_not_failed() -> None:
    gates = [Gate(name="judge", value=None, threshold=1.0, op=">="), Gate(name="hit@5", value=1.0, threshold=0.9, op=">=")]
    assert all_passed(gates)


def test_refusals_under_the_target_are_reported_and_fail_only_under_the_floor() -> None:
    measured = {"refusal_accuracy": 0.94}
    refusals = [g for g in split_gates("dev", measured, DEV_FLOORS) if g.name == "dev: refusal accuracy"]
    assert [(g.enforced, g.passed) for g in refusals] == [(True, True), (False, False)]
    assert not all_passed(split_gates("dev", {"refusal_accuracy": 0.5}, DEV_FLOORS))


def test_pay_written_without_a_currency_sign_counts_as_money() -> None:
    truth = FigureTruth(headline_money=(197_500.0,), money=(168_500.0, 225_000.0), counts=(113,), totals=(186,))
    assert check_figures("113 of 186 postings: median 197,500 (middle half 168,500-225,000)", truth).accurate


def test_a_wrong_bare_amount_is_flagged_for_pay() -> None:
    truth = FigureTruth(headline_money=(197_500.0,), totals=(186,))
    assert check_figures("median 197,500, up to 400,000", truth).wrong == ("400,000",)


def _case(case_id: str, sources: list[str], history: list[str] | None = None) -> GroundTruthCase:
    category = "multi_turn" if history else "transition"
    return GroundTruthCase(
        id=case_id,
        category=category,
        split="dev",
        question="and then?",
        history=history or [],
        expected_sources=sources,
        reference="ref",
    )


def test_retrieval_ranks_each_mode_on_the_same_cases() -> None:
    cases = [_case("a-1", ["b.md"]), _case("a-2", ["z.md"])]
    results = evaluate(cases, {"fake": lambda query, k: SOURCES[:k]})
    assert [r.ranks["fake"] for r in results] == [2, None]


def test_retrieval_of_a_follow_up_uses_the_earlier_turns() -> None:
    seen: list[str] = []
    evaluate([_case("a-1", ["a.md"], history=["I'm a data engineer."])], {"fake": lambda q, k: seen.append(q) or SOURCES[:k]})
    assert seen == ["I'm a data engineer. and then?"]


def test_retrieval_summary_averages_hits_and_reciprocal_ranks() -> None:
    results = evaluate([_case("a-1", ["a.md"]), _case("a-2", ["c.md"])], {"fake": lambda query, k: SOURCES[:k]})
    score = summarize(results, "fake")
    assert (score.hit1, score.hit5, score.mrr5) == (0.5, 1.0, pytest.approx((1 + 1 / 3) / 2))


def test_a_regression_fails_when_a_forbidden_source_comes_back() -> None:
    case = RegressionCase(
        id="r-1", question="what now?", required_sources=["a.md"], forbidden_sources=["c.md"], note="once broke"
    )
    assert not RegressionResult(case, ["a.md", "c.md"]).passed


def test_judge_scores_map_to_relevance_labels() -> None:
    assert [label(1.0), label(0.5), label(0.0)] == ["RELEVANT", "PARTLY_RELEVANT", "NON_RELEVANT"]


def test_an_llm_judge_verdict_reaches_the_report_as_label_and_reason() -> None:
    verdict = {"reason": "RELEVANT: it answers the question", "pass": True, "score": 1.0}
    judge = LLMJudge(
        rubric=RUBRIC,
        model=TestModel(custom_output_args=verdict),
        include_input=True,
        score=OutputConfig(evaluation_name=JUDGE, include_reason=True),
        assertion=False,
    )
    dataset = Dataset(name="judge", cases=[Case(name="c", inputs="what now?")], evaluators=[judge])
    report = dataset.evaluate_sync(lambda question: "an answer", progress=False)
    assert judged(report.cases[0].scores) == ("RELEVANT", "RELEVANT: it answers the question")
