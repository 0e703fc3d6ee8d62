"""The offline model: intent detection, the tool calls it makes, and the answers it composes."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Sequence

import pytest

from assistant.agent.build import career_agent
from assistant.ask import AskResult, ask, ask_stream
from assistant.market import stats as market
from assistant.market.filters import MarketFilter
from assistant.offline.intent import compare_sides, detect
from assistant.offline.model import DECLINE, offline_model, on_subject
from assistant.offline.plan import GUIDE_TYPES, plan
from assistant.offline.router import Router
from assistant.offline.slots import find_slots
from assistant.retrieval.hybrid import chunk_filter, search
from assistant.services import Services
from assistant.vocab.skills import Taxonomy

TAX = Taxonomy.load()


@pytest.mark.parametrize(
    ("question", "kind", "measure"),
    [
        ("What should a data engineer learn to become an AI engineer?", "gap", None),
        ("I'm a backend developer (Python, FastAPI, Postgres). How do I become an AI engineer?", "gap", None),
        ("What share of AI engineer job postings ask for Kubernetes?", "figures", "skill_share"),
        ("What are the top skills for AI-first roles?", "figures", "top_skills"),
        ("Is RAG more in demand in AI-first roles than in AI-support roles?", "figures", "compare"),
        ("Which companies have posted the most AI engineer jobs?", "figures", "top_companies"),
        ("What do AI engineers earn in San Francisco?", "figures", "pay"),
        ("Who is hiring AI engineers with LangGraph in Berlin?", "jobs", None),
        ("Is Anthropic hiring AI engineers right now?", "jobs", None),
        ("How should I prepare for the coding round in AI engineer interviews?", "general", None),
        ("How do I negotiate a better salary for an AI engineer offer?", "general", None),
        ("How do I bake sourdough bread?", "general", None),
    ],
)
def test_intent_of_representative_questions(question: str, kind: str, measure: str | None, router: Router) -> None:
    intent = detect(question, [], TAX, router)
    assert (intent.kind, intent.measure) == (kind, measure)


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        (
            "Is RAG more in demand in AI-first roles than in AI-support roles?",
            ({"ai_type": "ai-first"}, {"ai_type": "ai-support"}),
        ),
        ("senior vs junior listings: which skills differ?", ({"level": "Senior"}, {"level": "Junior"})),
        ("are remote AI jobs more senior than onsite ones?", ({"work_type": "Remote"}, {"work_type": "In-Office"})),
    ],
)
def test_a_comparison_reads_its_two_segments(question: str, sides: tuple[dict[str, str], dict[str, str]]) -> None:
    assert compare_sides(question, find_slots(question, TAX)) == sides


def test_follow_up_keeps_the_intent_and_swaps_the_background(router: Router) -> None:
    intent = detect("and for a data scientist?", ["What should a data engineer learn to become an AI engineer?"], TAX, router)
    assert (intent.kind, intent.slots.background) == ("gap", "data-scientist")
    assert "data scientist" in intent.text and "data engineer" not in intent.text


def test_follow_up_place_replaces_the_place(router: Router) -> None:
    intent = detect("What about London?", ["Which companies in Berlin want LangGraph?"], TAX, router)
    assert (intent.kind, intent.slots.city, intent.slots.skills) == ("jobs", "London", ("LangGraph",))


@pytest.fixture
def calls(router: Router) -> Callable[[str], list[tuple[str, dict[str, object]]]]:
    """`calls(question)`: the tool calls the offline model plans for it, as (name, arguments)."""

    def plan_for(question: str) -> list[tuple[str, dict[str, object]]]:
        return [(c.tool_name, c.args_as_dict()) for c in plan(detect(question, [], TAX, router))]

    return plan_for


def test_plan_for_a_transition_calls_skill_gap_and_searches_the_guides(
    calls: Callable[[str], list[tuple[str, dict[str, object]]]],
) -> None:
    (gap, gap_args), (search, search_args) = calls("What should a data engineer learn to become an AI engineer?")
    assert (gap, gap_args["background"], gap_args["target"]) == ("skill_gap", "data-engineer", "ai-engineer")
    assert search == "search_corpus" and "job_posting" not in search_args["doc_types"]  # type: ignore[operator]


def test_plan_for_a_figure_calls_market_stats(calls: Callable[[str], list[tuple[str, dict[str, object]]]]) -> None:
    name, args = calls("What share of AI-first postings list RAG?")[0]
    assert (name, args["measure"], args["skills"], args["postings"]) == (
        "market_stats",
        "skill_share",
        ["RAG"],
        {"ai_type": "ai-first"},
    )


def test_plan_for_a_job_lookup_filters_by_place_and_skill(calls: Callable[[str], list[tuple[str, dict[str, object]]]]) -> None:
    assert calls("Who is hiring AI engineers with LangGraph in Berlin?")[0][1]["postings"] == {
        "city": "Berlin",
        "skills": ["LangGraph"],
    }


@pytest.fixture
def ask_offline(never_decline: float, router: Router) -> Callable[..., AskResult]:
    """`ask_offline(services, question, history=())`: the offline model over the services' embedder, never declining on score."""

    def ask_(services: Services, question: str, history: Sequence[AskResult] = ()) -> AskResult:
        with career_agent().override(model=offline_model(services.embedder, never_decline, router=router)):
            return ask(services, question, history=history)

    return ask_


def test_transition_answer_cites_the_learning_path_and_gives_demand_with_n(
    tiny: Services, ask_offline: Callable[..., AskResult]
) -> None:
    result = ask_offline(tiny, "What should a data engineer learn to become an AI engineer?")
    assert "field-guide/learning-paths/from-data-engineer.md" in {c.source for c in result.citations}
    assert "| RAG | 5 of 8 | 62.5% |" in result.answer and "n = 8 postings" in result.answer


def test_figure_answer_states_the_market_figure(tiny: Services, ask_offline: Callable[..., AskResult]) -> None:
    share = market.skill_share(tiny.store, tiny.taxonomy, "Kubernetes", MarketFilter())
    result = ask_offline(tiny, "What share of AI engineer job postings ask for Kubernetes?")
    assert f"{share.count} of {share.total} postings ({100 * share.share:.1f}%)" in result.answer
    assert result.citations[0].kind == "figure"


def _guide_quotes(result: AskResult) -> list[tuple[str, str]]:
    return [(c.source, c.quote) for c in result.citations if c.kind == "passage"]


def test_beside_a_skill_figure_guides_are_quoted_only_where_they_name_the_skill(
    tiny: Services, ask_offline: Callable[..., AskResult]
) -> None:
    quotes = _guide_quotes(ask_offline(tiny, "What share of AI engineer job postings ask for LangGraph?"))
    assert quotes and all("LangGraph" in q for _, q in quotes)


def test_beside_pay_figures_guides_are_quoted_only_where_they_speak_of_pay(
    tiny: Services, ask_offline: Callable[..., AskResult]
) -> None:
    # No fixture guide says anything about pay.
    assert _guide_quotes(ask_offline(tiny, "What do AI engineers earn in New York?")) == []


def test_beside_a_skill_gap_guides_are_quoted_from_the_background_learning_path(router: Router) -> None:
    fits = on_subject(detect("What should a data engineer learn to become an AI engineer?", [], TAX, router), "a/from-de.md", TAX)
    assert fits("a/from-de.md", "Learn evaluation.") and not fits("a/skills.md", "Learn evaluation.")


def test_guides_alone_are_quoted_on_any_subject(router: Router) -> None:
    assert on_subject(detect("How do I prepare for interviews?", [], TAX, router), None, TAX)("a/x.md", "Practise system design.")


def test_job_lookup_lists_matching_postings_with_urls(tiny: Services, ask_offline: Callable[..., AskResult]) -> None:
    result = ask_offline(tiny, "Who is hiring AI engineers with RAG in Berlin?")
    urls = {c.url for c in result.citations if c.kind == "posting"}
    assert urls == {"https://jobs.example.org/job/9000001", "https://jobs.example.org/job/9000002"}
    assert all(u in result.answer for u in urls)


def test_filter_the_data_lacks_is_dropped_and_said(tiny: Services, ask_offline: Callable[..., AskResult]) -> None:
    result = ask_offline(tiny, "Who is hiring AI engineers with LangGraph in Berlin?")
    assert result.answer.startswith(
        "Note: no posting matches city=Berlin, skills=LangGraph, so this answer leaves out the city filter."
    )
    assert {c.url for c in result.citations if c.kind == "posting"} == {
        "https://jobs.example.org/job/9000006",
        "https://jobs.example.org/job/9000008",
    }


def test_an_answer_says_the_postings_have_nothing_in_that_place(tiny: Services, never_decline: float, router: Router) -> None:
    # With the store, names are read from the postings (and the world's places), as the app runs it.
    model = offline_model(tiny.embedder, never_decline, store=tiny.store, router=router)
    with career_agent().override(model=model):
        result = ask(tiny, "Who is hiring AI engineers with RAG in Zurich?")
    assert "Zurich → Zürich (not in the postings)" in result.answer
    assert "no posting has city 'Zürich', so this answer leaves out the city filter" in result.answer
    assert {c.url for c in result.citations if c.kind == "posting"} >= {"https://jobs.example.org/job/9000001"}
    assert not any("Zürich" in f or "Zurich" in f for f in result.follow_ups)  # suggestions name places with postings


def test_a_gap_in_a_place_without_postings_names_only_the_filter_left_out(
    tiny: Services, never_decline: float, router: Router
) -> None:
    model = offline_model(tiny.embedder, never_decline, store=tiny.store, router=router)
    with career_agent().override(model=model):
        result = ask(tiny, "I'm a data engineer living in Zurich. What skills am I missing for AI engineering jobs here?")
    assert any(t.name == "skill_gap" for t in result.tools)
    assert "leaves out the place filter" in result.answer


class _Unrelated:
    """Ranks every sentence as unrelated to the question (orthogonal vectors)."""

    def query(self, text: str) -> list[float]:
        return [1.0, 0.0]

    def passages(self, texts: Sequence[str]) -> list[list[float]]:
        return [[0.0, 1.0] for _ in texts]


def test_declines_without_citations_when_nothing_relevant_is_retrieved(tiny: Services, router: Router) -> None:
    with career_agent().override(model=offline_model(_Unrelated(), 0.42, router=router)):  # type: ignore[arg-type]
        result = ask(tiny, "How do I bake sourdough bread?")
    assert (result.answer, result.citations) == (DECLINE, [])
    assert len(result.follow_ups) == 2


class _Middling:
    """Ranks every sentence at cosine 0.4 to the question: above the usual bar, under the bar for a question leaning off-topic."""

    def query(self, text: str) -> list[float]:
        return [1.0, 0.0]

    def passages(self, texts: Sequence[str]) -> list[list[float]]:
        return [[0.4, math.sqrt(1 - 0.4**2)] for _ in texts]


@pytest.mark.parametrize(("decline", "declined"), [(0.4, True), (0.2, False)])
def test_a_question_leaning_off_topic_needs_closer_guides_to_be_answered(
    tiny: Services, fixed_router: Callable[..., Router], decline: float, declined: bool
) -> None:
    # Search 0.3 is the best tool either way; "decline" leads only at 0.4, under DECLINE_AT, so the guides are searched.
    router = fixed_router(search_corpus=0.3, decline=decline)
    # The fake embedder has only what sentence ranking uses (query, passages), not the whole Embedder protocol.
    with career_agent().override(model=offline_model(_Middling(), router=router)):  # type: ignore[arg-type]
        result = ask(tiny, "How should I prepare for a take-home assignment?")
    assert [t.name for t in result.tools][:1] == ["search_corpus"]
    assert (result.answer == DECLINE) is declined and bool(result.citations) is not declined


def test_guide_question_reads_more_of_the_first_document_and_quotes_it(
    tiny: Services, ask_offline: Callable[..., AskResult]
) -> None:
    result = ask_offline(tiny, "How should a data engineer build an evaluation set?")
    (first, read) = [(t.name, t.args) for t in result.tools]
    assert first[0] == read[0] == "search_corpus" and "source" not in first[1]
    assert read[1]["source"] in {c.source for c in result.citations}


def test_figure_question_reads_no_document(tiny: Services, ask_offline: Callable[..., AskResult]) -> None:
    result = ask_offline(tiny, "What share of AI engineer job postings ask for Kubernetes?")
    assert not [t for t in result.tools if t.args.get("source")]


def test_declined_question_reads_no_document(tiny: Services, router: Router) -> None:
    with career_agent().override(model=offline_model(_Unrelated(), 0.42, router=router)):  # type: ignore[arg-type]
        result = ask(tiny, "How should I prepare for a take-home assignment?")
    assert (result.answer, [t.name for t in result.tools]) == (DECLINE, ["search_corpus"])


def test_off_topic_question_is_declined_before_any_tool(tiny: Services, router: Router) -> None:
    with career_agent().override(model=offline_model(tiny.embedder, router=router)):
        result = ask(tiny, "How do I bake sourdough bread? I'm a software engineer.")
    assert (result.answer, result.tools, result.citations) == (DECLINE, [], [])


def test_follow_up_question_uses_the_conversation(tiny: Services, ask_offline: Callable[..., AskResult]) -> None:
    first = ask_offline(tiny, "What should a data engineer learn to become an AI engineer?")
    second = ask_offline(tiny, "And for a backend engineer?", history=first.history)
    gap = next(t for t in second.tools if t.name == "skill_gap")
    assert gap.args["background"] == "backend-engineer"


def test_streamed_text_adds_up_to_the_validated_answer(tiny: Services, never_decline: float, router: Router) -> None:
    async def collect() -> tuple[str, AskResult]:
        text, result = "", None
        with career_agent().override(model=offline_model(tiny.embedder, never_decline, router=router)):
            async for event in ask_stream(tiny, "What share of postings ask for RAG?"):
                if isinstance(event, str):
                    text += event
                else:
                    result = event
        assert isinstance(result, AskResult)
        return text, result

    text, result = asyncio.run(collect())
    assert text == result.answer and "RAG" in text


def _ask_real(services: Services, question: str, history: Sequence[AskResult] = ()) -> AskResult:
    with career_agent().override(model=offline_model(services.embedder)):
        return ask(services, question, history=history)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "sources"),
    [
        (
            "What should a frontend engineer learn first on the way to AI engineering?",
            {"field-guide/learning-paths/from-frontend-engineer.md"},
        ),
        # The role guide answers this as well, in its section "vs ML Engineer": "ML engineers own model weights,
        # AI engineers use third-party models via APIs".
        (
            "I'm an ML engineer. How different is AI engineering from what I already do?",
            {"field-guide/learning-paths/from-ml-engineer.md", "field-guide/role/01-my-vision.md"},
        ),
        (
            "What does a typical AI engineer interview process look like?",
            {
                "field-guide/interview/01-interview-process.md",
                "field-guide/webinars/03-the-interview-process.md",
                "field-guide/webinars/slides/interview-process.pdf",
                "field-guide/webinars/slides/interview-process.html",
            },
        ),
        (
            "What theory questions about RAG do they ask in AI engineer interviews?",
            {"field-guide/interview/questions/01-theory.md", "field-guide/interview/questions/questions.md"},
        ),
        (
            "What kind of take-home assignments do AI engineer candidates get?",
            {
                "field-guide/interview/questions/06-home-assignments.md",
                "field-guide/webinars/04-take-home-assignments.md",
                "field-guide/interview/data/research-exports/home-assignments.md",
            },
        ),
        # The hiring guide's "Portfolio Strategy" section answers this as well: "Build 2-3 end-to-end projects".
        (
            "What projects should I build to get hired as an AI engineer?",
            {"field-guide/portfolio/README.md", "field-guide/interview/03-get-hired.md"},
        ),
    ],
)
def test_offline_cites_the_guide_that_answers(full_index: Services, question: str, sources: set[str]) -> None:
    result = _ask_real(full_index, question)
    assert sources & {c.source for c in result.citations}


@pytest.mark.integration
def test_offline_follow_up_for_a_data_scientist(full_index: Services) -> None:
    first = _ask_real(full_index, "what should a data engineer learn to become an AI engineer?")
    second = _ask_real(full_index, "and for a data scientist?", history=first.history)
    assert "field-guide/learning-paths/from-data-scientist.md" in {c.source for c in second.citations}
    assert next(t for t in second.tools if t.name == "skill_gap").args["background"] == "data-scientist"


@pytest.mark.integration
@pytest.mark.parametrize(
    "question",
    [
        "What's the capital of Australia?",
        "Give me a good recipe for lasagna.",
        "How do I fix a leaking kitchen tap?",
        "Who won the football World Cup in 2018?",
    ],
)
def test_offline_declines_out_of_scope_questions(full_index: Services, question: str) -> None:
    result = _ask_real(full_index, question)
    assert (result.answer, result.citations) == (DECLINE, [])


@pytest.mark.integration
@pytest.mark.parametrize(
    "question",
    [
        "Do recruiters actually look at my GitHub?",
        "How do I negotiate a better salary for an AI engineer offer?",
        "Is AI engineering basically a full-stack job?",
        "Are companies using AI bots to interview candidates now?",
    ],
)
def test_offline_answers_in_scope_questions(full_index: Services, question: str) -> None:
    result = _ask_real(full_index, question)
    assert result.answer != DECLINE and result.citations


def test_pay_examples_are_postings_from_the_largest_currency_with_their_pay(
    tiny: Services, ask_offline: Callable[..., AskResult]
) -> None:
    result = ask_offline(tiny, "What do AI engineers earn?")
    quotes = [c.quote for c in result.citations if c.kind == "posting"]
    pays = [q.split("Pay: ")[1].rstrip(".") for q in quotes]
    # The table's first row is the largest currency; every example is paid in it, and says how much.
    first_currency = result.answer.split("| all | ")[1].split(" |")[0]
    assert len(pays) >= 2 and {p[0] for p in pays} == {{"EUR": "€", "USD": "$", "GBP": "£"}[first_currency]}
    assert all(p in result.answer for p in pays)


def test_from_the_guides_alone_the_answer_quotes_the_document_found_first(
    tiny: Services, ask_offline: Callable[..., AskResult]
) -> None:
    question = "How should I prepare for AI engineer interviews?"
    found = search(tiny.store, tiny.embedder, question, flt=chunk_filter(GUIDE_TYPES), limit=8)
    result = ask_offline(tiny, question)
    assert len({h.source for h in found}) > 1
    assert {c.source for c in result.citations} == {found[0].source}


@pytest.mark.integration
def test_a_short_first_document_is_quoted_beyond_its_closest_sentences(full_index: Services) -> None:
    # PostHog's interview notes are one short passage; its closest sentences alone leave out the SuperDay.
    result = _ask_real(full_index, "How does PostHog hire AI product engineers?")
    assert {c.source for c in result.citations} == {"field-guide/interview/data/job-descriptions/6953405.yaml"}
    assert "SuperDay" in result.answer


def test_a_gap_says_whose_skills_it_was_computed_from(tiny: Services, ask_offline: Callable[..., AskResult]) -> None:
    stated = ask_offline(tiny, "I'm a data engineer with Spark and Airflow. What am I missing for AI engineering?")
    gap = next(t for t in stated.tools if t.name == "skill_gap")
    assert (gap.args["skills"], gap.args["background"]) == (["Spark", "Airflow"], "data-engineer")
    assert "ask for beyond the skills you named (Spark, Airflow), by demand" in stated.answer
    preset = ask_offline(tiny, "I'm a data engineer. What am I missing for AI engineering?")
    assert "ask for beyond a data engineer's usual skills, by demand" in preset.answer
