"""The router: which tools a question needs, learned from the example bank; and the bank kept apart from the evals."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.core.embedding import FastEmbedder
from assistant.errors import ConfigError
from assistant.offline.classifier import ClassifierTuning, TextClassifier, Vocabulary, words
from assistant.offline.gazetteer import Gazetteer
from assistant.offline.intent import detect
from assistant.offline.router import EXAMPLES, MEASURE_EXAMPLES, Example, Router, clauses, load_examples
from assistant.vocab.skills import Taxonomy
from evals.dataset import load_ground_truth
from evals.routing import LABELS, load_routing


def _folded(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_the_bank_has_every_label_in_many_examples() -> None:
    bank = load_examples()
    counts = {label: sum(label in e.labels for e in bank) for label in LABELS}
    assert min(counts.values()) >= 90, counts
    assert sum(len(e.labels) > 1 for e in bank) >= 20


def _banks() -> list[str]:
    return [e.q for e in load_examples()] + [e.q for e in load_examples(MEASURE_EXAMPLES)]


def test_no_eval_question_is_in_the_bank() -> None:
    bank = {_folded(q) for q in _banks()}
    evals = {_folded(c.question) for c in load_routing()} | {_folded(c.question) for c in load_ground_truth()}
    assert not bank & evals


# The bank and the evals were written apart: a bank question this close in meaning to an eval question
# would let the router learn the answer to the exam.
NEAR_DUPLICATE = 0.92


def test_no_bank_question_is_a_near_copy_of_an_eval_question(real_embedder: FastEmbedder) -> None:
    bank = _banks()
    evals = [c.question for c in load_routing()] + [c.question for c in load_ground_truth()]
    similarity = np.array(real_embedder.queries(bank)) @ np.array(real_embedder.queries(evals)).T
    i, j = np.unravel_index(int(similarity.argmax()), similarity.shape)
    assert similarity[i, j] < NEAR_DUPLICATE, (bank[i], evals[j], float(similarity[i, j]))


def test_routing_suite_covers_every_label_in_both_splits() -> None:
    cases = load_routing()
    assert len(cases) >= 300
    for label in LABELS:
        with_label = [c for c in cases if label in c.labels]
        assert len(with_label) >= (60 if label == "decline" else 40), label
        assert {c.split for c in with_label} == {"dev", "test"}


def test_a_broken_bank_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "examples.yaml"
    bad.write_text(yaml.safe_dump([{"q": "both?", "tools": ["search_corpus"], "decline": True}]))
    with pytest.raises(ConfigError, match=r"examples\.yaml"):
        load_examples(bad)


def test_words_keep_pairs_and_tool_names() -> None:
    assert words("Who wants C++ and RAG?") == [
        "who",
        "wants",
        "c++",
        "and",
        "rag",
        "who wants",
        "wants c++",
        "c++ and",
        "and rag",
    ]


def test_vocabulary_keeps_words_used_often_enough() -> None:
    vocab = Vocabulary.learn(["rag jobs", "rag share", "pay"], min_count=2)
    assert list(vocab.index) == ["rag"]
    rows = vocab.tfidf(["RAG rag", "nothing known"])
    assert rows[0] == pytest.approx([1.0]) and rows[1] == pytest.approx([0.0])


def test_classifier_learns_labels_from_words(fake_embedder: type, tmp_path: Path) -> None:
    texts = ["how many postings list rag", "share of postings with docker", "who is hiring in berlin", "jobs at stripe please"]
    labels = [{"market"}, {"market"}, {"jobs"}, {"jobs"}]
    model = TextClassifier.train(fake_embedder(8), texts, labels, ["market", "jobs"], ClassifierTuning(min_word_count=1))
    scores = model.scores("how many postings list docker")
    assert scores["market"] > 0.5 > scores["jobs"]
    model.save(tmp_path / "m.npz")
    again = TextClassifier.load(tmp_path / "m.npz", fake_embedder(8), ClassifierTuning(min_word_count=1))
    assert again.scores("jobs at stripe") == pytest.approx(model.scores("jobs at stripe"))
    assert np.array_equal(again.weights, model.weights)


def test_clauses_are_the_separate_asks() -> None:
    assert clauses("Is Pinecone still wanted? Which companies in NYC list it?") == [
        "Is Pinecone still wanted?",
        "Which companies in NYC list it?",
    ]
    assert clauses("What should I learn, and which teams hire for it?") == ["What should I learn", "which teams hire for it?"]
    assert clauses("Data engineer, 5 years. What should I learn now?") == ["What should I learn now?"]
    assert clauses("what are the top skills in Berlin + show me some openings") == [
        "what are the top skills in Berlin",
        "show me some openings",
    ]
    assert clauses("Is Go wanted plus which teams list it?") == ["Is Go wanted", "which teams list it?"]
    # A "+" between two skills joins them: no ask follows it.
    assert clauses("Which employers need Snowflake + dbt for AI work?") == ["Which employers need Snowflake + dbt for AI work?"]
    # A terse half before the join asks too; a sentence that asks nothing does not.
    assert clauses("remote jobs asking for Rust, and how common is Rust overall?") == [
        "remote jobs asking for Rust",
        "how common is Rust overall?",
    ]
    assert clauses("I run Spark jobs all day, and Airflow too. Which skills am I missing?") == ["Which skills am I missing?"]


@pytest.mark.parametrize(
    ("question", "tools"),
    [
        ("what fraction of the listings want someone who knows pgvector", ("market_stats",)),
        ("point me at open roles for LLM people in Amsterdam", ("find_jobs",)),
        ("I maintain Airflow DAGs and dbt models at a retailer. What am I missing for AI engineering?", ("skill_gap",)),
        ("how do take-home reviews for AI roles usually get graded", ("search_corpus",)),
    ],
)
def test_router_reads_the_tool_from_the_meaning(router: Router, question: str, tools: tuple[str, ...]) -> None:
    assert router.route(question).tools[: len(tools)] == tools


@pytest.mark.parametrize(
    "question",
    [
        "What's a good tax bracket strategy for a senior engineer in California?",
        "best gaming GPU under 500 dollars for an ML student",
    ],
)
def test_router_declines_everyday_questions_with_a_domain_word(router: Router, question: str) -> None:
    route = router.route(question)
    assert route.decline and route.tools == ()


def test_two_asks_get_two_tools(router: Router) -> None:
    route = router.route("Is LangGraph still asked for? And which companies in London list it?")
    assert set(route.tools) == {"market_stats", "find_jobs"}


class _Scripted:
    """A classifier whose scores are written per text: how the router combines scores, without a model."""

    def __init__(self, by_text: dict[str, dict[str, float]]) -> None:
        self.by_text = by_text

    def scores(self, text: str) -> dict[str, float]:
        return {"search_corpus": 0.0, "market_stats": 0.0, "find_jobs": 0.0, "skill_gap": 0.0, "decline": 0.0} | self.by_text[
            text
        ]


@pytest.mark.parametrize(
    ("second_ask", "added"),
    [
        ({"market_stats": 0.75, "search_corpus": 0.3}, True),  # high
        ({"market_stats": 0.45, "search_corpus": 0.1}, True),  # lower, but far ahead of every other label
        ({"market_stats": 0.45, "search_corpus": 0.2}, False),  # lower and not far enough ahead
        ({"market_stats": 0.45, "decline": 0.2}, False),  # decline counts as a rival too
        ({"market_stats": 0.3, "search_corpus": 0.01}, False),  # too low however far ahead
    ],
)
def test_an_ask_adds_its_tool_when_it_is_clearly_about_it(second_ask: dict[str, float], added: bool) -> None:
    question = "How do I prepare for system design? Which vector DB is requested most?"
    first, second = clauses(question)
    classifier = _Scripted({question: {"search_corpus": 0.8}, first: {"search_corpus": 0.8}, second: second_ask})
    route = Router(classifier).route(question)
    assert route.tools == (("search_corpus", "market_stats") if added else ("search_corpus",))


@pytest.mark.parametrize(
    ("scores", "declined"),
    [
        ({"decline": 0.46, "find_jobs": 0.10}, True),  # far ahead of a job list
        ({"decline": 0.30, "market_stats": 0.20}, True),  # clearly ahead of a figure
        ({"decline": 0.32, "market_stats": 0.30}, False),  # ahead, but about level
        ({"decline": 0.30, "skill_gap": 0.20}, False),  # a gap also searches the guides: it needs a wider lead
        ({"decline": 0.42, "skill_gap": 0.20}, True),
        ({"decline": 0.42, "search_corpus": 0.13}, False),  # a guide answer: how close the guides come decides
        ({"decline": 0.60, "search_corpus": 0.30}, True),  # high enough on its own
    ],
)
def test_decline_clearly_ahead_of_a_structured_tool_declines(
    fixed_router: Callable[..., Router], scores: dict[str, float], declined: bool
) -> None:
    route = fixed_router(**scores).route("any question")
    assert route.decline is declined
    assert route.leans_off_topic is not declined


def test_a_measure_is_given_only_with_figures_and_the_measures_bank_gives_one_each() -> None:
    with pytest.raises(ValueError, match="only with market_stats"):
        Example(q="How do interviews go?", tools=["search_corpus"], measure="pay")
    measures = load_examples(MEASURE_EXAMPLES)
    assert len(measures) >= 100 and all(e.measure for e in measures)
    assert {e.measure for e in measures} == {"pay", "skill_share", "top_skills", "co_occurrence", "compare", "top_companies"}


TAX = Taxonomy.load()
PLACES = Gazetteer(cities=["Berlin", "London", "Seattle"], countries=["DEU"], companies=["Stripe"])


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("what does a staff AI engineer pull in per year in Seattle?", "pay"),  # pay with no pay word
        ("which firms have the most AI openings listed right now", "top_companies"),
        ("what usually gets listed next to dbt in these ads", "co_occurrence"),
        ("how many of the ads ask for Kubernetes", "skill_share"),
    ],
)
def test_the_figure_asked_for_is_read_from_the_meaning(router: Router, question: str, measure: str) -> None:
    intent = detect(question, [], TAX, router, PLACES)
    assert "market_stats" in intent.tools
    assert intent.measure == measure


@pytest.mark.parametrize(
    ("question", "measure"),
    [("how many of the ads ask for Kubernetes", "skill_share"), ("how many AI postings are there in Berlin", "top_skills")],
)
def test_unsure_of_the_measure_a_named_skill_gets_its_share_else_skills_are_ranked(
    fixed_router: Callable[..., Router], question: str, measure: str
) -> None:
    intent = detect(question, [], TAX, fixed_router(market_stats=0.9), PLACES)
    assert (intent.route.measures, intent.measure) == ({}, measure)


def test_router_is_kept_in_its_cache_dir(real_embedder: object, tmp_path: Path) -> None:
    Router.build(real_embedder, tmp_path)  # type: ignore[arg-type]
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["measures", "router"]
    assert EXAMPLES.exists()
