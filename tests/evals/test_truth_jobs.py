"""Job checks judge a listed posting as a job lookup finds it: a skill named in the description counts."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.services import Services
from assistant.store.base import Filter, Match
from assistant.store.collections import LISTED, POSTINGS
from evals.dataset import PLACEHOLDERS, JobCheck, Segment, Statistic
from evals.truth import compute, matching_count, posting_matches


def _payload(services: Services, company: str) -> dict[str, Any]:
    return next(iter(services.store.scroll(POSTINGS, Filter(must=(Match("company", (company,)),))))).payload


def test_a_posting_that_describes_the_skill_is_a_right_answer_to_a_job_lookup(mention_index: Services) -> None:
    acme, check = _payload(mention_index, "Acme"), JobCheck(skill="Kubernetes", city="Berlin")
    assert posting_matches(acme, check, mention_index.taxonomy)
    assert not posting_matches(acme, check, mention_index.taxonomy, LISTED)  # not as an example of a skill figure
    assert not posting_matches(_payload(mention_index, "Beta"), check, mention_index.taxonomy)


def test_matching_count_counts_what_a_job_lookup_finds(mention_index: Services) -> None:
    assert matching_count(mention_index.store, mention_index.taxonomy, JobCheck(skill="Kubernetes", city="Berlin")) == 2
    assert matching_count(mention_index.store, mention_index.taxonomy, JobCheck(skill="Rust")) == 1
    assert matching_count(mention_index.store, mention_index.taxonomy, JobCheck(skill="Terraform")) == 0


@pytest.mark.parametrize("kind", sorted(PLACEHOLDERS))
def test_the_runner_fills_exactly_the_placeholders_a_reference_may_use(mention_index: Services, kind: str) -> None:
    stat = Statistic(
        kind=kind,
        skill="Kubernetes" if kind in ("skill_share", "compare") else None,
        versus=Segment(city="Berlin") if kind == "compare" else None,
    )
    assert set(compute(mention_index.store, mention_index.taxonomy, stat).values) == PLACEHOLDERS[kind]
