"""Title match: query terms found in titles, weighted by how rare they are among the candidates."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from assistant.retrieval.title_match import rerank, terms
from assistant.store.base import Record


def _record(source: str, title: str, score: float, doc_type: str = "learning_path") -> Record:
    return Record(source, {"source": source, "title": title, "doc_type": doc_type}, score)


def test_terms_are_stemmed_content_words_and_their_pairs() -> None:
    assert terms("What should a data engineer learn?") == {"data", "engineer", "learn", "data engineer", "engineer learn"}


def test_title_naming_the_subject_moves_up() -> None:
    records = [
        _record("day.md", "A Day of an AI Engineer", 0.6),
        _record("ds.md", "From Data Scientist to AI Engineer", 0.5),
        _record("de.md", "From Data Engineer to AI Engineer", 0.45),
    ]
    rescored = rerank(records, "what should a data engineer learn to become an AI engineer")
    assert max(rescored, key=lambda r: r.score).id == "de.md"


def test_a_term_every_title_shares_changes_nothing() -> None:
    records = [_record("a.md", "AI Engineer at Acme", 0.6), _record("b.md", "AI Engineer at Beta", 0.5)]
    assert [r.score for r in rerank(records, "AI engineer")] == [0.6, 0.5]


def _bonus(doc_type: str) -> float:
    records = [_record("m", "Backend Engineer", 0.1, doc_type), _record("x", "Something else", 0.1)]
    return next(r.score for r in rerank(records, "backend engineer") if r.id == "m") - 0.1


def test_postings_get_half_the_title_bonus() -> None:
    assert _bonus("learning_path") > 0
    assert _bonus("job_posting") == pytest.approx(_bonus("learning_path") / 2)


def test_a_title_for_another_role_moves_down() -> None:
    records = [_record("de.md", "From Data Engineer to AI Engineer", 0.5), _record("faq.md", "Interview FAQ", 0.4)]
    rescored = {r.id: r.score for r in rerank(records, "how many months should a data scientist plan for")}
    assert rescored["de.md"] < 0.5 and rescored["faq.md"] == 0.4


def test_developer_and_engineer_name_the_same_role() -> None:
    records = [_record("be.md", "From Backend Engineer to AI Engineer", 0.5), _record("x.md", "Interview FAQ", 0.4)]
    rescored = {r.id: r.score for r in rerank(records, "I'm a backend developer, how do I start")}
    assert rescored["be.md"] > 0.5


def test_a_question_naming_no_role_penalises_no_title() -> None:
    records = [_record("de.md", "From Data Engineer to AI Engineer", 0.5), _record("x.md", "Interview FAQ", 0.4)]
    rescored = {r.id: r.score for r in rerank(records, "how long do AI engineer interviews take")}
    assert rescored["de.md"] >= 0.5


def test_equal_titles_and_scores_rescore_the_same_in_any_order() -> None:
    # The store returns records with equal scores in no fixed order.
    records = [_record("a.md", "Evaluation Guide", 0.5), _record("b.md", "Evaluation Notes", 0.5), _record("c.md", "Hiring", 0.4)]
    forward = {r.id: r.score for r in rerank(records, "evaluation")}
    assert forward == {r.id: r.score for r in rerank(records[::-1], "evaluation")}


# Titles whose summed term weights tie in exact arithmetic but not in floating point when added in a
# set's order, which Python's hash seed changes from one process to the next.
_TIED = [
    "python graph eval",
    "cache prompt retrieval agent vector memory",
    "python prompt memory sql search",
    "python cloud eval agent search",
    "llm sql python cloud memory eval",
    "python retrieval agent docker",
    "sql agent memory eval",
    "eval docker sql graph",
]
_RANK_IN_CHILD = f"""
from assistant.retrieval.title_match import rerank
from assistant.store.base import Record
records = [Record(f"s{{i}}", {{"source": f"s{{i}}", "title": t, "doc_type": "guide"}}, 0.5) for i, t in enumerate({_TIED!r})]
query = "agent rag eval prompt vector search cloud docker python sql llm graph memory cache retrieval"
print(" ".join(r.id for r in sorted(rerank(records, query), key=lambda r: -r.score)))
"""


def test_the_ranking_is_the_same_in_every_process() -> None:
    orders = set()
    for seed in ("0", "1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _RANK_IN_CHILD], env=env, capture_output=True, text=True, check=True)
        orders.add(done.stdout.strip())
    assert len(orders) == 1, orders
