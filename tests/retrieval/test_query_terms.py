"""BM25 query expansion: the other names of a role, field or abbreviation."""

from __future__ import annotations

from assistant.retrieval.query_terms import expand


def test_a_role_brings_its_field_and_abbreviation() -> None:
    assert expand("I'm a product manager, how do I start?") == "I'm a product manager, how do I start? product management PM"


def test_plural_roles_count() -> None:
    assert expand("advice for data scientists") == "advice for data scientists data science"


def test_an_abbreviation_brings_the_full_name() -> None:
    assert expand("Is a PM a good fit?") == "Is a PM a good fit? product manager product management"


def test_lower_case_pm_is_not_an_abbreviation() -> None:
    assert expand("the call is at 5 pm") == "the call is at 5 pm"


def test_a_query_naming_nothing_is_unchanged() -> None:
    assert expand("how should I prepare for system design interviews") == "how should I prepare for system design interviews"


def test_forms_already_in_the_query_are_not_repeated() -> None:
    assert (
        expand("RAG (retrieval augmented generation) basics")
        == "RAG (retrieval augmented generation) basics retrieval-augmented generation"
    )
