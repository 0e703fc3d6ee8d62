"""The ground-truth and regression files as typed cases, and as a pydantic-evals Dataset."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator
from pydantic_evals import Case, Dataset

EVALS_DIR = Path(__file__).resolve().parent
GROUND_TRUTH = EVALS_DIR / "ground_truth.yaml"
REGRESSIONS = EVALS_DIR / "regressions.yaml"

Category = Literal[
    "transition",
    "skill_figures",
    "role_definition",
    "responsibilities",
    "interview",
    "take_home",
    "portfolio",
    "company_process",
    "job_lookup",
    "compensation",
    "multi_turn",
    "out_of_scope",
]
CATEGORIES: tuple[str, ...] = get_args(Category)
Split = Literal["dev", "test"]
SPLITS: tuple[Split, ...] = get_args(Split)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Segment(_Strict):
    """Which postings a figure is about (the keys `assistant.market.filters.MarketFilter` accepts)."""

    city: str | None = None
    country: str | None = None
    ai_type: str | None = None
    level: str | None = None
    work_type: str | None = None
    company: str | None = None


StatisticKind = Literal["skill_share", "top_skills", "compare", "top_companies", "posting_count", "pay"]
# The {placeholders} a reference answer may use for each kind: the values evals/truth.py computes.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "skill_share": frozenset({"count", "total", "share"}),
    "compare": frozenset({"a_share", "b_share"}),
    "top_skills": frozenset({"top"}),
    "top_companies": frozenset({"top"}),
    "posting_count": frozenset({"count", "total"}),
    "pay": frozenset({"median", "count", "total"}),
}


class Statistic(_Strict):
    """A figure the runner computes from the postings, so the truth follows the corpus."""

    kind: StatisticKind
    skill: str | None = None
    filters: Segment = Segment()
    versus: Segment | None = Field(None, description="The second segment of a `compare`.")
    category: str | None = Field(None, description="Skill category for `top_skills`.")
    n: int = Field(5, ge=1, le=50, description="Rows for rankings.")

    def segments(self) -> list[JobCheck]:
        """What a posting cited as an example of this figure must match (either side of a compare)."""
        skill = self.skill if self.kind in ("skill_share", "compare") else None
        sides = [self.filters, *([self.versus] if self.versus else [])]
        return [JobCheck(**side.model_dump(exclude={"country"}), skill=skill) for side in sides]

    @model_validator(mode="after")
    def _complete(self) -> Statistic:
        if self.kind in ("skill_share", "compare") and not self.skill:
            raise ValueError(f"a {self.kind} statistic needs a skill")
        if (self.kind == "compare") != (self.versus is not None):
            raise ValueError("`versus` is required for compare and only allowed there")
        return self


class JobCheck(_Strict):
    """What every posting an answer lists must match (job lookups): all given fields, case-insensitive."""

    company: str | None = None
    city: str | None = None
    work_type: str | None = None
    ai_type: str | None = None
    level: str | None = None
    skill: str | None = None


class GroundTruthCase(_Strict):
    """One labelled question with what a good answer finds, says and cites."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    category: Category
    split: Split = Field(description="dev: tune on it; test: report only.")
    reworded_from: str | None = Field(None, description="The case whose question this one asks in other words.")
    question: str = Field(min_length=3)
    history: list[str] = Field([], description="Earlier user turns of the same conversation, oldest first.")
    expected_sources: list[str] = Field([], description="Any of these documents answers it (corpus-relative paths).")
    key_facts: list[str] = Field([], description="Case-insensitive regexes a good answer matches.")
    reference: str = Field(min_length=3, description="A short reference answer; {placeholders} for figures.")
    statistic: Statistic | None = None
    jobs: JobCheck | None = None
    figures_relevant: bool = Field(
        False, description="A computed figure (market stats, skill gap) is relevant evidence; implied by `statistic`."
    )
    expect_refusal: bool = False

    @field_validator("key_facts")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"key fact {p!r} is not a valid regex: {exc}") from exc
        return patterns

    @model_validator(mode="after")
    def _consistent(self) -> GroundTruthCase:
        if self.expect_refusal != (self.category == "out_of_scope"):
            raise ValueError(f"{self.id}: expect_refusal must be set exactly for out_of_scope cases")
        if self.category == "multi_turn" and not self.history:
            raise ValueError(f"{self.id}: a multi_turn case needs a history")
        if self.jobs is not None and not any(self.jobs.model_dump().values()):
            raise ValueError(f"{self.id}: a job check needs at least one field")
        if self.category == "skill_figures" and self.statistic is None:
            raise ValueError(f"{self.id}: a skill_figures case needs a statistic")
        used = {name for _, name, _, _ in string.Formatter().parse(self.reference) if name}
        allowed = PLACEHOLDERS[self.statistic.kind] if self.statistic else frozenset()
        if unknown := sorted(used - allowed):
            raise ValueError(f"{self.id}: the reference uses {unknown}; it may use {sorted(allowed) or 'no placeholders'}")
        answerable = self.expected_sources or self.statistic or self.jobs
        if not self.expect_refusal and not answerable:
            raise ValueError(f"{self.id}: give expected_sources, a statistic or a job check")
        return self

    @property
    def retrieval_query(self) -> str:
        """What retrieval is scored on: the question, after the earlier turns of its conversation."""
        return " ".join([*self.history, self.question])


class RegressionCase(_Strict):
    """A query that once went wrong: it must find a required source and none of the forbidden ones."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    question: str = Field(min_length=3)
    required_sources: list[str] = Field(min_length=1, description="At least one must be in the top k.")
    forbidden_sources: list[str] = Field([], description="None may be in the top k.")
    k: int = Field(5, ge=1, le=20)
    mode: Literal["hybrid", "dense", "sparse"] = "hybrid"
    note: str = Field(min_length=3, description="What went wrong, and when.")


T = TypeVar("T", GroundTruthCase, RegressionCase)


def _load(path: Path, kind: type[T]) -> list[T]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    adapter = TypeAdapter(kind)
    cases = [adapter.validate_python(item) for item in raw]
    ids = [c.id for c in cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"{path.name}: duplicate ids {', '.join(dupes)}")
    return cases


def load_ground_truth(path: Path = GROUND_TRUTH) -> list[GroundTruthCase]:
    """The labelled cases, validated; a rewording must name a case of the file."""
    cases = _load(path, GroundTruthCase)
    ids = {c.id for c in cases}
    if orphans := sorted(c.id for c in cases if c.reworded_from and c.reworded_from not in ids):
        raise ValueError(f"{path.name}: reworded_from names no case in {', '.join(orphans)}")
    return cases


def load_regressions(path: Path = REGRESSIONS) -> list[RegressionCase]:
    """The regression cases, validated."""
    return _load(path, RegressionCase)


class AnswerInput(BaseModel):
    """What the answering task receives for one case."""

    question: str
    history: list[str] = []


def to_dataset(
    cases: list[GroundTruthCase], references: Mapping[str, str] | None = None, name: str = "career-assistant"
) -> Dataset[AnswerInput, Any, GroundTruthCase]:
    """A pydantic-evals Dataset: inputs are the conversation, metadata the labelled case, expected output the
    reference answer (with computed figures filled in when `references` gives them)."""
    refs = references or {}
    return Dataset(
        name=name,
        cases=[
            Case(
                name=c.id,
                inputs=AnswerInput(question=c.question, history=c.history),
                metadata=c,
                expected_output=refs.get(c.id, c.reference),
            )
            for c in cases
        ],
    )
