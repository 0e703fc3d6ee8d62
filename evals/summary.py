"""Per-case answer records from a pydantic-evals report, and their averages per category and overall."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel
from pydantic_evals.reporting import EvaluationReport

from evals.answers import AnswerInput, AnswerOutput
from evals.dataset import GroundTruthCase
from evals.judge import judged
from evals.metrics import mean, percentile

ANSWER_PREVIEW = 800


class AnswerRecord(BaseModel):
    """One case's answer and every score it got (None where the metric does not apply)."""

    id: str
    category: str
    answer: str
    split: str = "dev"
    cited: list[str] = []
    tools: list[str] = []
    latency_s: float | None = None
    error: str | None = None
    key_fact_recall: float | None = None
    similarity: float | None = None
    citation_precision: float | None = None
    citation_recall: float | None = None
    figure_accurate: bool | None = None
    refusal_correct: bool | None = None
    answered: bool | None = None
    judge_label: str | None = None
    judge_reason: str | None = None
    reasons: dict[str, str] = {}


def records_from(report: EvaluationReport[AnswerInput, AnswerOutput, GroundTruthCase]) -> list[AnswerRecord]:
    """Flatten the report: one record per case, failures included as errors."""
    out = []
    for rc in report.cases:
        output, case = rc.output, rc.metadata
        assert case is not None, "every case is built with its metadata"
        values = {k: v.value for k, v in {**rc.scores, **rc.assertions}.items()}
        reasons = {k: v.reason for k, v in {**rc.scores, **rc.assertions}.items() if v.reason}
        verdict = judged(rc.scores)
        out.append(
            AnswerRecord(
                id=rc.name,
                category=case.category,
                split=case.split,
                answer=output.answer[:ANSWER_PREVIEW],
                cited=[c.source for c in output.citations],
                tools=output.tools,
                latency_s=None if output.error else output.latency_s,
                error=output.error,
                key_fact_recall=values.get("key_fact_recall"),
                similarity=values.get("similarity"),
                citation_precision=values.get("citation_precision"),
                citation_recall=values.get("citation_recall"),
                figure_accurate=values.get("figure_accurate"),
                refusal_correct=values.get("refusal_correct"),
                answered=values.get("answered"),
                judge_label=verdict[0] if verdict else None,
                judge_reason=verdict[1] if verdict else None,
                reasons={k: v for k, v in reasons.items() if k != "judge"},
            )
        )
    for failure in report.failures:
        category, split = (failure.metadata.category, failure.metadata.split) if failure.metadata else ("", "dev")
        out.append(AnswerRecord(id=failure.name, category=category, split=split, answer="", error=failure.error_message))
    return out


class AnswerSummary(BaseModel):
    """Averages over a set of answer records; None where no case in the set has the metric."""

    n: int
    key_fact_recall: float | None
    similarity: float | None
    citation_precision: float | None
    citation_recall: float | None
    figure_accuracy: float | None
    refusal_accuracy: float | None
    false_refusals: int
    errors: int
    latency_p50: float | None
    latency_p95: float | None
    judge: dict[str, int] | None


def _avg(values: Sequence[float | bool | None]) -> float | None:
    return mean(float(v) for v in values if v is not None)


def summarize_answers(records: Sequence[AnswerRecord]) -> AnswerSummary:
    """Average every metric over the records it applies to."""
    latencies = [r.latency_s for r in records if r.latency_s is not None]
    labels = Counter(r.judge_label for r in records if r.judge_label)
    return AnswerSummary(
        n=len(records),
        key_fact_recall=_avg([r.key_fact_recall for r in records]),
        similarity=_avg([r.similarity for r in records]),
        citation_precision=_avg([r.citation_precision for r in records]),
        citation_recall=_avg([r.citation_recall for r in records]),
        figure_accuracy=_avg([r.figure_accurate for r in records]),
        refusal_accuracy=_avg([r.refusal_correct for r in records]),
        false_refusals=sum(1 for r in records if r.answered is False),
        errors=sum(1 for r in records if r.error),
        latency_p50=percentile(latencies, 50),
        latency_p95=percentile(latencies, 95),
        judge=dict(labels) if labels else None,
    )
