"""Which guide sentences an answer quotes: units, their ranking and the choice among them."""

from __future__ import annotations

import pytest

from assistant.agent.corpus_tools import Passage
from assistant.offline.selection import (
    Ranked,
    Unit,
    clearly_better,
    mmr,
    only,
    split_units,
    with_next,
    with_openings,
    with_source_prior,
)


def _ranked(relevance: list[float], passages: list[int]) -> Ranked:
    # Orthogonal vectors: no sentence is redundant with another.
    vectors = [[1.0 if j == i else 0.0 for j in range(len(relevance))] for i in range(len(relevance))]
    return Ranked([Unit(f"sentence {i}", p) for i, p in enumerate(passages)], relevance, vectors)


def _passages(*sources: str) -> list[Passage]:
    return [Passage(id=f"doc:{i}", source=s, title=s, doc_type="role_guide", score=0.0, text="") for i, s in enumerate(sources)]


def _passage(section: str, text: str) -> Passage:
    return Passage(id="doc:1", source="deck.pdf", title="Deck", section=section, doc_type="slides", score=0.0, text=text)


@pytest.mark.parametrize("section", ["Today's Agenda", "Interview Process > Contents", "Table of contents"])
def test_navigation_sections_give_no_sentences(section: str) -> None:
    assert split_units([_passage(section, "- Interview process - the typical steps and what to expect in each of them")]) == []


def test_content_sections_give_their_sentences() -> None:
    units = split_units(
        [_passage("Most Common Steps", "- Hiring manager interview - a deep dive of forty-five to sixty minutes")]
    )
    assert [u.text for u in units] == ["Hiring manager interview - a deep dive of forty-five to sixty minutes"]


def test_source_prior_adds_more_for_documents_found_earlier() -> None:
    prior = with_source_prior(_ranked([0.5, 0.5, 0.5], [0, 1, 2]), _passages("a.md", "b.md", "c.md"), weight=0.2, lead=0.0)
    assert prior.relevance == pytest.approx([0.7, 0.6, 0.5 + 0.2 / 3])


def test_source_prior_ranks_a_document_by_its_first_passage() -> None:
    # A passage read later from the first document keeps that document's place.
    prior = with_source_prior(_ranked([0.5, 0.5], [1, 2]), _passages("a.md", "b.md", "a.md"), weight=0.2, lead=0.0)
    assert prior.relevance == pytest.approx([0.6, 0.7])


def test_lead_bonus_goes_to_the_first_document_only() -> None:
    prior = with_source_prior(_ranked([0.5, 0.5], [0, 1]), _passages("a.md", "b.md"), weight=0.0, lead=0.1)
    assert prior.relevance == pytest.approx([0.6, 0.5])


def test_source_prior_lets_the_top_document_win_a_near_tie() -> None:
    ranked = _ranked([0.50, 0.52], [0, 4])
    passages = _passages("a.md", "b.md", "c.md", "d.md", "e.md")
    assert mmr(ranked, 1, 0.0) == [1]
    assert mmr(with_source_prior(ranked, passages, weight=0.2, lead=0.0), 1, 0.0) == [0]


def test_a_unit_left_out_is_never_chosen_even_with_its_documents_prior() -> None:
    ranked = with_source_prior(_ranked([0.9, 0.5], [0, 1]), _passages("a.md", "b.md"))
    assert mmr(only(ranked, [False, True]), 2, -1.0) == [1]


def test_a_later_sentence_is_quoted_after_its_passages_opening() -> None:
    ranked = _ranked([0.1, 0.2, 0.9, 0.3, 0.8], [0, 0, 0, 1, 1])
    assert with_openings(ranked, [2, 4]) == [0, 2, 3, 4]
    assert with_openings(ranked, [0, 2]) == [0, 2]  # its opening already quoted
    assert with_openings(ranked, [2, 4], allowed=[True, True, True, False, True]) == [0, 2, 4]  # off its subject


def test_a_quoted_sentence_is_followed_by_the_next_one_in_its_passage() -> None:
    ranked = _ranked([0.9, 0.2, 0.8, 0.1, 0.7], [0, 0, 0, 1, 1])
    assert with_next(ranked, [0, 4]) == [0, 4, 1]
    assert with_next(ranked, [2]) == [2]  # the next unit is another passage's
    assert with_next(ranked, [0, 1]) == [0, 1, 2]  # no unit twice


def test_a_sentence_elsewhere_is_added_only_when_clearly_better() -> None:
    ranked = _ranked([0.5, 0.4, 0.65, 0.3], [0, 0, 1, 2])
    first_document = [True, True, False, False]
    assert clearly_better(ranked, first_document, 0.5 + 0.1) == [2]
    assert clearly_better(ranked, first_document, 0.5 + 0.2) == []
