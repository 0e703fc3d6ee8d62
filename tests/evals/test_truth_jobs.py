"""Job checks judge a listed posting as a job lookup finds it: a skill named in the description counts."""

from __future__ import annotations

from typing import Any

from assistant.services import Services
from assistant.store.base import Filter, Match
from assistant.store.collections import LISTED, POSTINGS
from evals.dataset import JobCheck
from evals.truth import matching_count, posting_matches


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
