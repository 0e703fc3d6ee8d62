"""The routing suite (`routing.yaml`): does the offline model call the tools a careful person would, or decline?

Each question names the tool(s) it needs, or `decline: true`. A question is routed right for one of
its tools when the model calls that tool, nothing a careful person would not (a passage search
beside figures or a gap is always fine), and answers; an off-topic one when the model declines,
either before calling a tool (the router) or after its search found nothing near the question.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, model_validator

from assistant.offline.gazetteer import Gazetteer
from assistant.offline.intent import detect
from assistant.offline.router import DECLINE, Router, ToolName
from assistant.vocab.skills import Taxonomy
from assistant.vocab.terms import Measure
from evals.dataset import EVALS_DIR, Split

ROUTING = EVALS_DIR / "routing.yaml"
Label = Literal["search_corpus", "market_stats", "find_jobs", "skill_gap", "decline"]
LABELS: tuple[Label, ...] = ("search_corpus", "market_stats", "find_jobs", "skill_gap", "decline")


class RoutingCase(BaseModel):
    """One question and the tools it needs (or decline)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str
    tools: list[ToolName] = []
    decline: bool = False
    measure: Measure | None = None  # for a figures question: the figure a careful analyst computes first
    split: Split

    @model_validator(mode="after")
    def _one_answer(self) -> RoutingCase:
        if bool(self.tools) == self.decline:
            raise ValueError(f"{self.question!r}: give either tools or decline: true")
        if self.measure and "market_stats" not in self.tools:
            raise ValueError(f"{self.question!r}: a measure is given only with market_stats")
        return self

    @property
    def labels(self) -> set[str]:
        """The labels it is scored on."""
        return {DECLINE} if self.decline else set(self.tools)


class RoutedCase(BaseModel):
    """What the model chose for one question."""

    question: str
    split: Split
    expected: list[str]
    chosen: list[str]
    right: dict[str, bool]
    scores: dict[str, float]
    measure: Measure | None = None  # expected
    measured: Measure | None = None  # chosen, when the model computes figures


class RoutingScore(BaseModel):
    """Accuracy per label on one split: the share of questions needing that label routed right."""

    split: Split
    n: int
    exact: float
    by_label: dict[str, float]
    counts: dict[str, int]
    measure: float = 0.0  # the share of figures questions routed to figures that compute the expected measure
    measured: int = 0  # how many such questions


def load_routing(path: Path = ROUTING) -> list[RoutingCase]:
    """The routing suite, validated."""
    return TypeAdapter(list[RoutingCase]).validate_python(yaml.safe_load(path.read_text(encoding="utf-8")))


def route_cases(
    cases: Sequence[RoutingCase],
    router: Router,
    taxonomy: Taxonomy,
    places: Gazetteer | None,
    declines: Callable[[str], bool] | None = None,
) -> list[RoutedCase]:
    """Route every question as the offline model does (slots, then the router); `declines` says whether its answer declined."""
    out = []
    for case in cases:
        intent = detect(case.question, [], taxonomy, router, places)
        declined = intent.declined or (declines is not None and declines(case.question))
        chosen = {DECLINE} if declined else set(intent.tools)
        allowed = case.labels | ({"search_corpus"} if not case.decline else set())
        right = {label: label in chosen and chosen <= allowed for label in case.labels}
        out.append(
            RoutedCase(
                question=case.question,
                split=case.split,
                expected=sorted(case.labels),
                chosen=sorted(chosen),
                right=right,
                scores={k: round(v, 3) for k, v in intent.route.scores.items()},
                measure=case.measure,
                measured=intent.measure,
            )
        )
    return out


def score(routed: Sequence[RoutedCase], split: Split) -> RoutingScore:
    """Per-label and exact accuracy on one split."""
    rows = [r for r in routed if r.split == split]
    by_label, counts = {}, {}
    for label in LABELS:
        marks = [r.right[label] for r in rows if label in r.right]
        counts[label] = len(marks)
        by_label[label] = sum(marks) / len(marks) if marks else 0.0
    exact = sum(all(r.right.values()) for r in rows) / len(rows) if rows else 0.0
    figures = [r for r in rows if r.measure and r.measured]
    measure = sum(r.measure == r.measured for r in figures) / len(figures) if figures else 0.0
    return RoutingScore(
        split=split, n=len(rows), exact=exact, by_label=by_label, counts=counts, measure=measure, measured=len(figures)
    )
