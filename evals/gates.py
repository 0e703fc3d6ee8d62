"""The thresholds `make eval` must meet, checked against the measured numbers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, computed_field

MAX_SECONDS = 600.0


class Gate(BaseModel, frozen=True):
    """One threshold: the value measured (None when that part did not run) and whether it passed."""

    name: str
    value: float | None
    threshold: float
    op: Literal[">=", "<="]

    # mypy rejects a decorator over @property; pydantic documents this pairing for computed fields.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool | None:
        """True or False when measured; None when skipped."""
        if self.value is None:
            return None
        return self.value >= self.threshold if self.op == ">=" else self.value <= self.threshold


def check_gates(
    *,
    hybrid_hit5: float | None,
    hybrid_mrr5: float | None,
    key_fact_recall: float | None,
    citation_precision: float | None,
    figure_accuracy: float | None,
    refusal_accuracy: float | None,
    regressions_passed: float | None,
    seconds: float,
) -> list[Gate]:
    """The issue's starting gates for the offline model on the full corpus."""
    return [
        Gate(name="hybrid hit@5", value=hybrid_hit5, threshold=0.90, op=">="),
        Gate(name="hybrid MRR@5", value=hybrid_mrr5, threshold=0.75, op=">="),
        Gate(name="key-fact recall", value=key_fact_recall, threshold=0.70, op=">="),
        Gate(name="citation precision", value=citation_precision, threshold=0.90, op=">="),
        Gate(name="figure accuracy", value=figure_accuracy, threshold=1.0, op=">="),
        Gate(name="refusal accuracy", value=refusal_accuracy, threshold=1.0, op=">="),
        Gate(name="regressions passing", value=regressions_passed, threshold=1.0, op=">="),
        Gate(name="run time (s)", value=seconds, threshold=MAX_SECONDS, op="<="),
    ]


def all_passed(gates: list[Gate]) -> bool:
    """No gate failed (skipped gates do not fail the run)."""
    return all(g.passed is not False for g in gates)
