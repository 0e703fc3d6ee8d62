"""LLM-as-judge relevance labels (RELEVANT / PARTLY_RELEVANT / NON_RELEVANT), only when a model is configured."""

from __future__ import annotations

from typing import Literal

from pydantic_evals.evaluators import EvaluationResult, LLMJudge, OutputConfig

from assistant.core.embedding import Embedder
from assistant.core.settings import Settings
from assistant.models import OFFLINE, build_model, model_name

JUDGE = "judge"
Label = Literal["RELEVANT", "PARTLY_RELEVANT", "NON_RELEVANT"]
LABELS: tuple[Label, ...] = ("RELEVANT", "PARTLY_RELEVANT", "NON_RELEVANT")

RUBRIC = """\
You grade a career assistant's answer to the question in the input. The expected output is a short
reference answer written by a person; use it to know what matters, not as the only acceptable wording.
Score 1.0 = RELEVANT: the answer addresses the question directly and its main points agree with the reference.
Score 0.5 = PARTLY_RELEVANT: it is on topic but misses the main point, is vague, or mixes in unrelated material.
Score 0.0 = NON_RELEVANT: it does not answer the question, is off topic, or contradicts the reference.
When the reference says the question is outside what the assistant covers, a brief polite refusal is
RELEVANT and any attempt to answer is NON_RELEVANT.
Start the reason with the label word, then one sentence on why."""


def judge_model_name(settings: Settings) -> str | None:
    """The configured model the judge uses, or None when only the offline model is available."""
    name = model_name(settings)
    return None if name == OFFLINE else name


def relevance_judge(settings: Settings, embedder: Embedder) -> LLMJudge | None:
    """A pydantic-evals LLMJudge on the configured model, or None (skipped) without one."""
    name = judge_model_name(settings)
    if name is None:
        return None
    return LLMJudge(
        rubric=RUBRIC,
        model=build_model(name, settings, embedder),
        include_input=True,
        include_expected_output=True,
        score=OutputConfig(evaluation_name=JUDGE, include_reason=True),
        assertion=False,
    )


def label(score: float) -> Label:
    """The relevance label a judge score stands for."""
    if score >= 0.75:
        return "RELEVANT"
    if score >= 0.25:
        return "PARTLY_RELEVANT"
    return "NON_RELEVANT"


def judged(scores: dict[str, EvaluationResult[int | float]]) -> tuple[Label, str] | None:
    """The label and reason from one report case's scores, if the judge ran."""
    result = scores.get(JUDGE)
    if result is None:
        return None
    return label(float(result.value)), result.reason or ""
