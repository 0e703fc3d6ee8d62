"""The extractive composer's ranking of sentences."""

from __future__ import annotations

import pytest

from assistant.compose import Ranked, Unit, mmr, with_rank_prior


def _ranked(relevance: list[float], passages: list[int]) -> Ranked:
    # Orthogonal vectors: no sentence is redundant with another.
    vectors = [[1.0 if j == i else 0.0 for j in range(len(relevance))] for i in range(len(relevance))]
    return Ranked([Unit(f"sentence {i}", p) for i, p in enumerate(passages)], relevance, vectors)


def test_rank_prior_adds_more_for_earlier_passages() -> None:
    prior = with_rank_prior(_ranked([0.5, 0.5, 0.5], [0, 1, 3]), weight=0.2)
    assert prior.relevance == pytest.approx([0.7, 0.6, 0.55])


def test_rank_prior_lets_the_top_document_win_a_near_tie() -> None:
    ranked = _ranked([0.50, 0.52], [0, 4])
    assert mmr(ranked, 1, 0.0) == [1]
    assert mmr(with_rank_prior(ranked, weight=0.2), 1, 0.0) == [0]
