"""Answer evaluation with pydantic-evals: ask every case, then score facts, similarity, citations, figures, refusals."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field
from pydantic_evals import Dataset
from pydantic_evals.evaluators import EvaluationReason, Evaluator, EvaluatorContext
from pydantic_evals.reporting import EvaluationReport

from assistant.ask import AskResult, ask_async
from assistant.core.embedding import Embedder
from assistant.errors import AssistantError
from assistant.services import Services
from assistant.store.collections import LISTED, MENTIONED
from assistant.vocab.skills import Taxonomy
from evals.dataset import AnswerInput, GroundTruthCase, to_dataset
from evals.metrics import check_figures, citation_precision, cosine, is_refusal, key_fact_recall, matched_facts
from evals.truth import ComputedTruth, PostingLookup, SourceTexts, posting_matches


class CitedSource(BaseModel):
    """One citation as the eval sees it."""

    id: str
    kind: str = Field(description="passage, figure or posting")
    source: str
    title: str = ""
    quote: str = ""


class AnswerOutput(BaseModel):
    """What one question produced: the answer, its citations, the tools called, the latency of the last turn."""

    answer: str
    citations: list[CitedSource] = []
    tools: list[str] = []
    latency_s: float = 0.0
    error: str | None = None


class AnswerTask:
    """Asks the assistant each case, replaying earlier turns first so follow-ups see a real conversation."""

    def __init__(self, services: Services, model: str | None = None) -> None:
        self.services = services
        self.model = model

    async def __call__(self, inputs: AnswerInput) -> AnswerOutput:
        """Run the conversation; an error becomes an empty answer that fails every check, not a crash."""
        history: tuple[AskResult, ...] = ()
        try:
            for turn in inputs.history:
                history = (await ask_async(self.services, turn, history=history, model=self.model)).history
            started = time.perf_counter()
            result = await ask_async(self.services, inputs.question, history=history, model=self.model)
            latency = time.perf_counter() - started
        except AssistantError as exc:
            return AnswerOutput(answer="", error=f"{type(exc).__name__}: {exc}")
        return AnswerOutput(
            answer=result.answer,
            citations=[
                CitedSource(id=c.id, kind=c.kind, source=c.source, title=c.title, quote=c.quote) for c in result.citations
            ],
            tools=[t.name for t in result.tools],
            latency_s=latency,
        )


Ctx = EvaluatorContext[AnswerInput, AnswerOutput, GroundTruthCase]


@dataclass
class KeyFacts(Evaluator[AnswerInput, AnswerOutput, GroundTruthCase]):
    """Share of the case's key-fact regexes the answer matches."""

    def evaluate(self, ctx: Ctx) -> dict[str, float | EvaluationReason]:
        """key_fact_recall, with the missed facts as the reason."""
        case = ctx.metadata
        if case is None or not case.key_facts or case.expect_refusal:
            return {}
        recall = key_fact_recall(ctx.output.answer, case.key_facts) or 0.0
        missed = [p for p, ok in zip(case.key_facts, matched_facts(ctx.output.answer, case.key_facts), strict=True) if not ok]
        return {"key_fact_recall": EvaluationReason(recall, f"missed: {missed}" if missed else None)}


@dataclass
class Similarity(Evaluator[AnswerInput, AnswerOutput, GroundTruthCase]):
    """Cosine similarity of the answer to the reference answer, with the project's embedder."""

    embedder: Embedder

    def evaluate(self, ctx: Ctx) -> dict[str, float]:
        """similarity in [-1, 1]; empty answers score 0."""
        if not ctx.output.answer.strip() or not isinstance(ctx.expected_output, str):
            return {"similarity": 0.0}
        answer, reference = self.embedder.passages([ctx.output.answer, ctx.expected_output])
        return {"similarity": cosine(answer, reference)}


@dataclass
class Citations(Evaluator[AnswerInput, AnswerOutput, GroundTruthCase]):
    """Precision: citations that are expected (an expected source; a posting passing the job check; for a
    statistic, the computed figure or a posting in its segment) or quote a key fact.
    Recall: at least one expected citation."""

    lookup: PostingLookup
    taxonomy: Taxonomy

    def _posting_match(self, case: GroundTruthCase, c: CitedSource) -> bool:
        checks = [case.jobs] if case.jobs else case.statistic.segments() if case.statistic else []
        payload = self.lookup.payload(c.source) if checks and c.kind == "posting" else None
        # A job lookup matches a skill named anywhere in the posting; a figure's example must list it.
        skills = MENTIONED if case.jobs else LISTED
        return payload is not None and any(posting_matches(payload, check, self.taxonomy, skills) for check in checks)

    def _expected(self, case: GroundTruthCase, c: CitedSource) -> bool:
        # For a statistic case the computed figure, and postings in its segment, are the expected evidence.
        computed = c.kind == "figure" and (case.statistic is not None or case.figures_relevant)
        return computed or c.source in case.expected_sources or self._posting_match(case, c)

    def evaluate(self, ctx: Ctx) -> dict[str, float | EvaluationReason]:
        """citation_precision (when anything is cited) and citation_recall (when something is expected)."""
        case, cited = ctx.metadata, ctx.output.citations
        if case is None or case.expect_refusal:
            return {}
        expected = [self._expected(case, c) for c in cited]
        good = [e or any(matched_facts(c.quote, case.key_facts)) for c, e in zip(cited, expected, strict=True)]
        out: dict[str, float | EvaluationReason] = {}
        precision = citation_precision(good)
        if precision is not None:
            bad = sorted({c.source for c, ok in zip(cited, good, strict=True) if not ok})
            out["citation_precision"] = EvaluationReason(precision, f"not expected: {bad}" if bad else None)
        if case.expected_sources or case.jobs:
            out["citation_recall"] = 1.0 if any(expected) else 0.0
        return out


@dataclass
class Figures(Evaluator[AnswerInput, AnswerOutput, GroundTruthCase]):
    """The headline figure is stated, and every figure equals a truth computed from the postings or is
    written in a cited source."""

    truths: Mapping[str, ComputedTruth | None]
    texts: SourceTexts

    def evaluate(self, ctx: Ctx) -> dict[str, bool | EvaluationReason]:
        """figure_accurate for statistic cases, with the wrong or missing figures as the reason."""
        case = ctx.metadata
        if case is None or case.statistic is None:
            return {}
        truth = self.truths.get(case.id)
        if truth is None:
            return {"figure_accurate": EvaluationReason(False, "the truth could not be computed")}
        # A figure written in a cited source is a quote, not a claim about the postings.
        cited = {c.source for c in ctx.output.citations if c.kind == "passage"}
        quoted = "\n".join([*(c.quote for c in ctx.output.citations), *(self.texts.text(s) for s in sorted(cited))])
        check = check_figures(ctx.output.answer, truth.figures, quoted)
        reason = None if check.accurate else f"headline stated: {check.stated_headline}; wrong: {list(check.wrong)}"
        return {"figure_accurate": EvaluationReason(check.accurate, reason)}


@dataclass
class Refusal(Evaluator[AnswerInput, AnswerOutput, GroundTruthCase]):
    """Out-of-scope questions must be declined; in-scope ones should be answered."""

    def evaluate(self, ctx: Ctx) -> dict[str, bool]:
        """refusal_correct for out-of-scope cases, answered for the rest."""
        case = ctx.metadata
        refused = is_refusal(ctx.output.answer) or not ctx.output.answer.strip()
        if case is not None and case.expect_refusal:
            return {"refusal_correct": refused and not ctx.output.citations}
        return {"answered": not refused}


@dataclass
class AnswerEvaluation:
    """Everything the answer run needs besides the cases."""

    services: Services
    truths: Mapping[str, ComputedTruth | None]
    lookup: PostingLookup
    judge: Evaluator[AnswerInput, AnswerOutput, GroundTruthCase] | None = None
    model: str | None = None
    references: dict[str, str] = field(default_factory=dict)


def build_dataset(cases: Sequence[GroundTruthCase], run: AnswerEvaluation) -> Dataset[AnswerInput, AnswerOutput, GroundTruthCase]:
    """The pydantic-evals Dataset with every answer evaluator attached."""
    dataset: Dataset[AnswerInput, AnswerOutput, GroundTruthCase] = to_dataset(list(cases), references=run.references)
    for evaluator in (
        KeyFacts(),
        Similarity(run.services.embedder),
        Citations(run.lookup, run.services.taxonomy),
        Figures(run.truths, SourceTexts(run.services.store)),
        Refusal(),
    ):
        dataset.add_evaluator(evaluator)
    if run.judge is not None:
        dataset.add_evaluator(run.judge)
    return dataset


def evaluate_answers(
    cases: Sequence[GroundTruthCase], run: AnswerEvaluation
) -> EvaluationReport[AnswerInput, AnswerOutput, GroundTruthCase]:
    """Ask every case one at a time (answers are CPU-bound on the embedder) and score the answers."""
    dataset = build_dataset(cases, run)
    return dataset.evaluate_sync(AnswerTask(run.services, run.model), max_concurrency=1, progress=False, name="answers")
