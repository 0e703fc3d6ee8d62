"""The eval files load into typed cases that cover the spec, and their sources exist in the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from evals.dataset import CATEGORIES, load_ground_truth, load_regressions, to_dataset


def _write(tmp_path: Path, *cases: dict[str, object]) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(yaml.safe_dump(list(cases)), encoding="utf-8")
    return path


def _case(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "a-1",
        "category": "transition",
        "split": "dev",
        "question": "what now?",
        "expected_sources": ["x.md"],
        "reference": "ref",
    }
    return base | fields


def test_ground_truth_has_at_least_150_cases() -> None:
    assert len(load_ground_truth()) >= 150


def test_every_category_has_cases() -> None:
    assert {c.category for c in load_ground_truth()} == set(CATEGORIES)


def test_every_transition_background_is_covered() -> None:
    prefixes = {c.id.rsplit("-", 1)[0] for c in load_ground_truth() if c.category == "transition"}
    assert {"tr-de", "tr-ds", "tr-ml", "tr-be", "tr-fe", "tr-ng", "tr-cc"} <= prefixes


def test_a_reference_placeholder_the_runner_does_not_fill_is_rejected(tmp_path: Path) -> None:
    case = _case(category="skill_figures", statistic={"kind": "top_skills"}, reference="Top: {top_skills}.")
    with pytest.raises(ValidationError, match="top_skills"):
        load_ground_truth(_write(tmp_path, case))


def test_dataset_has_one_named_case_per_id() -> None:
    cases = load_ground_truth()
    assert [c.name for c in to_dataset(cases).cases] == [c.id for c in cases]


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="duplicate"):
        load_ground_truth(_write(tmp_path, _case(), _case()))


def test_a_broken_key_fact_regex_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        load_ground_truth(_write(tmp_path, _case(key_facts=["(oops"])))


def test_out_of_scope_cases_must_expect_refusal(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="expect_refusal"):
        load_ground_truth(_write(tmp_path, _case(category="out_of_scope", expected_sources=[])))


def test_a_multi_turn_case_needs_history(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="history"):
        load_ground_truth(_write(tmp_path, _case(category="multi_turn")))


def test_a_compare_statistic_needs_a_second_segment(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="versus"):
        load_ground_truth(_write(tmp_path, _case(category="skill_figures", statistic={"kind": "compare", "skill": "RAG"})))


def test_regressions_load() -> None:
    assert load_regressions()


@pytest.mark.integration
def test_every_expected_source_exists(corpus_dir: Path) -> None:
    missing = [(c.id, s) for c in load_ground_truth() for s in c.expected_sources if not (corpus_dir / s).is_file()]
    assert missing == []


@pytest.mark.integration
def test_every_regression_source_exists(corpus_dir: Path) -> None:
    cases = load_regressions()
    missing = [(c.id, s) for c in cases for s in [*c.required_sources, *c.forbidden_sources] if not (corpus_dir / s).is_file()]
    assert missing == []
