"""The agent's wiring with scripted models: tools called with the right arguments, the validator and its retry, limits."""

from __future__ import annotations

import pytest
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from assistant.agent.build import OUTPUT_TOOL, career_agent
from assistant.agent.gap_tool import skill_gap
from assistant.ask import ask
from assistant.errors import ModelError
from assistant.services import Services
from assistant.vocab.backgrounds import load_backgrounds


def _returns(messages: list[ModelMessage], tool: str) -> list[ToolReturnPart]:
    return [
        p
        for m in messages
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, ToolReturnPart) and p.tool_name == tool
    ]


def _feedback(messages: list[ModelMessage]) -> list[str]:
    return [str(p.content) for p in _returns(messages, OUTPUT_TOOL) if p.outcome == "retried"]


def _first_passage(messages: list[ModelMessage]) -> str:
    return _returns(messages, "search_corpus")[-1].content[0].id


def _answer(text: str, *cites: tuple[int, str]) -> ModelResponse:
    args = {"answer": text, "citations": [{"n": n, "id": i} for n, i in cites], "follow_ups": ["What next?"]}
    return ModelResponse(parts=[ToolCallPart(OUTPUT_TOOL, args)])


def _search_then(final: object) -> FunctionModel:
    """A model that searches for evaluation, then answers with `final(messages)`."""

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if not _returns(messages, "search_corpus"):
            return ModelResponse(
                parts=[
                    ToolCallPart("search_corpus", {"query": "evaluation test set", "doc_types": ["learning_path"], "limit": 3})
                ]
            )
        return final(messages)  # type: ignore[operator]

    return FunctionModel(respond)


def test_scripted_model_searches_then_answers_from_the_result(tiny: Services) -> None:
    model = _search_then(lambda ms: _answer("Build an evaluation set first [1].", (1, _first_passage(ms))))
    with career_agent().override(model=model):
        result = ask(tiny, "what should I learn?")
    assert [(t.name, t.args) for t in result.tools] == [
        ("search_corpus", {"query": "evaluation test set", "doc_types": ["learning_path"], "limit": 3})
    ]
    assert result.answer == "Build an evaluation set first [1]."
    assert [c.source for c in result.citations] == ["field-guide/learning-paths/from-data-engineer.md"]
    assert result.citations[0].quote


READ = "field-guide/learning-paths/from-data-engineer.md"


def _read_then_answer(source: str, seen: list[ToolReturnPart]) -> FunctionModel:
    """A model that searches within one document, records what came back, then answers from it."""

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returns = _returns(messages, "search_corpus")
        if not returns:
            return ModelResponse(parts=[ToolCallPart("search_corpus", {"query": "evaluation", "source": source, "limit": 4})])
        seen.extend(returns)
        if returns[-1].outcome == "retried":
            return ModelResponse(parts=[ToolCallPart("search_corpus", {"query": "evaluation", "source": READ, "limit": 4})])
        return _answer("Evaluation matters [1].", (1, returns[-1].content[0].id))

    return FunctionModel(respond)


def test_search_within_a_source_returns_several_passages_of_that_document_only(tiny: Services) -> None:
    seen: list[ToolReturnPart] = []
    with career_agent().override(model=_read_then_answer(READ, seen)):
        ask(tiny, "what should a data engineer learn?")
    passages = seen[-1].content
    assert len(passages) > 1 and {p.source for p in passages} == {READ}


def test_search_within_an_unknown_source_asks_the_model_for_a_real_one(tiny: Services) -> None:
    seen: list[ToolReturnPart] = []
    with career_agent().override(model=_read_then_answer("field-guide/no-such-guide.md", seen)):
        result = ask(tiny, "what should a data engineer learn?")
    assert seen[0].outcome == "retried" and "no passages from 'field-guide/no-such-guide.md'" in str(seen[0].content)
    assert [c.source for c in result.citations] == [READ]


def test_invented_citation_is_rejected_and_the_retry_recovers(tiny: Services) -> None:
    def final(messages: list[ModelMessage]) -> ModelResponse:
        if not _feedback(messages):
            return _answer("Evaluation matters [1].", (1, "doc:0000000000"))
        return _answer("Evaluation matters [1].", (1, _first_passage(messages)))

    seen: list[list[str]] = []
    model = _search_then(lambda ms: (seen.append(_feedback(ms)), final(ms))[1])
    with career_agent().override(model=model):
        result = ask(tiny, "what should I learn?")
    assert "doc:0000000000" in seen[-1][0] and "no tool returned" in seen[-1][0]
    assert result.citations[0].id != "doc:0000000000"


def test_invented_percentage_is_rejected_and_the_retry_recovers(tiny: Services) -> None:
    def final(messages: list[ModelMessage]) -> ModelResponse:
        text = "Evaluation is needed in 73% of jobs [1]." if not _feedback(messages) else "Evaluation is needed [1]."
        return _answer(text, (1, _first_passage(messages)))

    model = _search_then(final)
    with career_agent().override(model=model):
        result = ask(tiny, "how common is evaluation?")
    assert result.answer == "Evaluation is needed [1]."


def test_figure_from_market_stats_is_accepted(tiny: Services) -> None:
    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        stats = _returns(messages, "market_stats")
        if not stats:
            return ModelResponse(parts=[ToolCallPart("market_stats", {"measure": "skill_share", "skills": ["kubernetes"]})])
        fig = stats[0].content
        row = fig.rows[0]
        return _answer(f"{row.label}: {row.count} of {row.total} postings ({row.share}) [1].", (1, fig.id))

    with career_agent().override(model=FunctionModel(respond)):
        result = ask(tiny, "share of kubernetes?")
    assert result.answer == "Kubernetes: 2 of 8 postings (25.0%) [1]."
    assert result.citations[0].kind == "figure"


def test_unknown_city_sends_the_model_a_hint_instead_of_failing(tiny: Services) -> None:
    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        jobs = _returns(messages, "find_jobs")
        if not jobs:
            return ModelResponse(parts=[ToolCallPart("find_jobs", {"query": "AI engineer", "postings": {"city": "Berlinn"}})])
        if jobs[-1].outcome == "retried":
            assert "did you mean: Berlin" in str(jobs[-1].content)
            return ModelResponse(parts=[ToolCallPart("find_jobs", {"query": "AI engineer", "postings": {"city": "Berlin"}})])
        return _answer("Kiezbank is hiring [1].", (1, next(j.id for j in jobs[-1].content.jobs if j.company == "Kiezbank")))

    with career_agent().override(model=FunctionModel(respond)):
        result = ask(tiny, "jobs in berlin?")
    assert [t.ok for t in result.tools] == [False, True]
    assert result.citations[0].url == "https://jobs.example.org/job/9000002"


def test_usage_limits_stop_a_model_that_loops_on_tool_calls(tiny: Services) -> None:
    def loop(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart("search_corpus", {"query": "again"})])

    with career_agent().override(model=FunctionModel(loop)), pytest.raises(ModelError, match="per-question limits"):
        ask(tiny, "loop forever")


def test_test_model_can_drive_every_tool_schema(tiny: Services) -> None:
    # TestModel fills each tool's JSON schema with generated arguments: the schemas are usable.
    model = TestModel(
        call_tools=["search_corpus"], custom_output_args={"answer": "Nothing to cite.", "citations": [], "follow_ups": []}
    )
    with career_agent().override(model=model):
        result = ask(tiny, "anything")
    assert [t.name for t in result.tools] == ["search_corpus"] and result.answer == "Nothing to cite."


def test_skill_gap_prompt_names_every_background_preset() -> None:
    assert all(b.id in (skill_gap.__doc__ or "") for b in load_backgrounds())


def test_skill_gap_with_skills_and_a_background_uses_the_skills_and_cites_the_backgrounds_path(tiny: Services) -> None:
    seen: list[ToolReturnPart] = []

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if not (returns := _returns(messages, "skill_gap")):
            args = {"skills": ["Python", "Kafka"], "background": "data-engineer"}
            return ModelResponse(parts=[ToolCallPart("skill_gap", args)])
        seen.extend(returns)
        return _answer("Learn RAG [1].", (1, returns[0].content.id))

    with career_agent().override(model=FunctionModel(respond)):
        ask(tiny, "I run Kafka and Python pipelines as a data engineer; what am I missing?")
    gap = seen[0].content
    assert gap.guide == READ
    assert gap.have == ["Python", "Kafka"]
