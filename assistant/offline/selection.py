"""Which guide sentences an answer quotes: units scored against the question, chosen for relevance without redundancy."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from assistant.agent.corpus_tools import Passage
from assistant.core.embedding import Embedder
from assistant.core.sentences import quotable_units

# Beside figures, added to a guide sentence's relevance: weight / (1 + its document's place in the
# search results), and a bonus for the first document. The search ranking (dense, BM25 and titles
# fused) knows better than one sentence's cosine which document answers: it put an expected document
# first for 78% of the eval's guide questions, the best single sentence for 50%. Guide-only answers
# go further and quote the first document, plus one sentence found elsewhere only when it is clearly
# better (`offline.OfflineResponder.answer`, `clearly_better`).
SOURCE_PRIOR = 0.5
LEAD_BONUS = 0.1
MMR_LAMBDA = 0.7
# Sections that list what a document covers rather than say anything (a deck's agenda, a guide's contents).
NAVIGATION = re.compile(r"(?:table of )?contents$|(?:today's )?agenda$", re.IGNORECASE)
NEAR_DUPLICATE = 0.85
DROPPED = float("-inf")  # below any floor, so `mmr` never picks the unit


@dataclass(frozen=True)
class Unit:
    """A sentence or named list from a passage that an answer may quote, with the passage's words that back it."""

    text: str
    passage: int
    quote: str = ""


def split_units(passages: Sequence[Passage]) -> list[Unit]:
    """The quotable units of each passage (sentences, named lists, table rows), skipping tables of contents."""
    return [
        Unit(q.text, i, q.quote)
        for i, p in enumerate(passages)
        if not NAVIGATION.match(p.section.rsplit(">", 1)[-1].strip())
        for q in quotable_units(p.text, p.section)
    ]


def _unit_rows(vectors: Sequence[Sequence[float]]) -> np.ndarray:
    """The vectors as rows of length 1 (a zero vector stays zero, so its cosine with anything is 0)."""
    m = np.asarray(vectors, dtype=np.float64)
    norms = np.sqrt((m * m).sum(axis=1, keepdims=True))
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


def _cosines(rows: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Cosine of every unit row with one unit vector."""
    # Elementwise products, not a BLAS matrix product: OpenBLAS threads spin against ONNX Runtime's on 2 cores.
    return (rows * v).sum(axis=1)


@dataclass(frozen=True)
class Ranked:
    """Units scored against the question, with their vectors for redundancy checks."""

    units: list[Unit]
    relevance: list[float]
    vectors: list[list[float]]

    @property
    def best(self) -> float:
        """Relevance of the best unit (0 when there are none)."""
        return max(self.relevance, default=0.0)

    @cached_property
    def rows(self) -> np.ndarray:
        """The unit vectors scaled to length 1, one row per unit."""
        return _unit_rows(self.vectors)


def rank(question: str, passages: Sequence[Passage], embedder: Embedder) -> Ranked:
    """Every unit of the passages with its cosine similarity to the question."""
    units = split_units(passages)
    if not units:
        return Ranked([], [], [])
    q = embedder.query(question)
    vectors = embedder.passages([u.text for u in units])
    return Ranked(units, _cosines(_unit_rows(vectors), _unit_rows([q])[0]).tolist(), vectors)


def document_places(passages: Sequence[Passage]) -> dict[str, int]:
    """Each document's place (0 = first) in the order its passages first appear, which is search order."""
    place: dict[str, int] = {}
    for p in passages:
        place.setdefault(p.source, len(place))
    return place


def with_source_prior(
    ranked: Ranked, passages: Sequence[Passage], weight: float = SOURCE_PRIOR, lead: float = LEAD_BONUS
) -> Ranked:
    """The units with weight / (1 + their document's place) added, and `lead` more for the first document."""
    place = document_places(passages)
    relevance = []
    for u, r in zip(ranked.units, ranked.relevance, strict=True):
        at = place[passages[u.passage].source]
        relevance.append(r + weight / (1 + at) + (lead if at == 0 else 0.0))
    return Ranked(ranked.units, relevance, ranked.vectors)


def mmr(ranked: Ranked, k: int, floor: float, seed: Sequence[int] = ()) -> list[int]:
    """Up to k unit indexes by maximal marginal relevance after the seed ones, none below floor, no near-duplicates."""
    chosen: list[int] = list(seed)
    near: dict[int, np.ndarray] = {}  # cosines of each chosen unit with every unit

    def sim(i: int, j: int) -> float:
        if j not in near:
            near[j] = _cosines(ranked.rows, ranked.rows[j])
        return float(near[j][i])

    candidates = [i for i, r in enumerate(ranked.relevance) if r >= floor and i not in chosen]
    while candidates and len(chosen) < k:

        def score(i: int) -> float:
            redundancy = max((sim(i, j) for j in chosen), default=0.0)
            return MMR_LAMBDA * ranked.relevance[i] - (1 - MMR_LAMBDA) * redundancy

        best = max(candidates, key=score)
        candidates.remove(best)
        if all(sim(best, j) < NEAR_DUPLICATE for j in chosen):
            chosen.append(best)
    return chosen


def with_openings(ranked: Ranked, chosen: Sequence[int], allowed: Sequence[bool] | None = None) -> list[int]:
    """The chosen units, each led by the first (allowed) unit of its passage, which says what the passage is about."""
    # "Complexity: beginner. Good first AI engineering project." names the project only under its section's
    # opening sentence. Eval key facts, guide answers: dev 0.767 -> 0.784, test 0.720 -> 0.728; beside figures
    # as well: 0.790 and 0.731 (an opening only before sentences of <= 8 or 16 words: dev 0.769, 0.781).
    first: dict[int, int] = {}
    for i, u in enumerate(ranked.units):
        first.setdefault(u.passage, i)
    out: list[int] = []
    for i in chosen:
        opening = first[ranked.units[i].passage]
        if opening not in chosen and opening not in out and (allowed is None or allowed[opening]):
            out.append(opening)
        out.append(i)
    return out


def with_next(ranked: Ranked, chosen: Sequence[int]) -> list[int]:
    """The chosen units, each followed by the next unit of its passage, which carries on what it says."""
    # A sentence quoted alone often leaves its point to the next one (a claim, then the reason or example for it).
    # Guide answers, eval key facts: dev 0.804 -> 0.826, test 0.752 -> 0.782, citations unchanged (the same
    # documents); the next unit of the 1, 2 or 3 best only: dev 0.808, 0.813, 0.815. At the same length, more
    # sentences chosen instead score less (dev 0.807-0.817 for 1,286-1,450 characters against 0.822-0.826
    # for 1,272-1,489). Beside figures, job lists and gaps: dev 0.826 -> 0.837, test unchanged, so not there.
    out = list(chosen)
    for i in chosen:
        after = i + 1
        if after < len(ranked.units) and ranked.units[after].passage == ranked.units[i].passage and after not in out:
            out.append(after)
    return out


def clearly_better(ranked: Ranked, quoted_from: Sequence[bool], above: float) -> list[int]:
    """The best unit outside the quoted document when it scores above `above`, else none."""
    best = max(((r, i) for i, r in enumerate(ranked.relevance) if not quoted_from[i]), default=None)
    return [best[1]] if best is not None and best[0] > above else []


def only(ranked: Ranked, keep: Sequence[bool]) -> Ranked:
    """The same units, with those not kept scored below anything an answer quotes."""
    relevance = [r if k else DROPPED for r, k in zip(ranked.relevance, keep, strict=True)]
    return Ranked(ranked.units, relevance, ranked.vectors)


def best_of(ranked: Ranked, passages: Sequence[Passage], source: str, k: int) -> list[int]:
    """The k most relevant units from one document."""
    own = [i for i, u in enumerate(ranked.units) if passages[u.passage].source == source]
    return sorted(own, key=lambda i: -ranked.relevance[i])[:k]
