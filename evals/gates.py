"""The thresholds `make eval` must meet, checked against the measured numbers, and the targets it reports.

Floors are enforced: a run below one fails. Targets are where the project is going (the open
issues' goals); a run below a target is reported, not failed. Absolute floors hold on each split:
dev is where knobs are tuned, test is only reported and shows whether the tuning generalises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, computed_field

MAX_SECONDS = 600.0
Measures = Mapping[str, float | None]
LABELS = {
    "hybrid_hit5": "hybrid hit@5",
    "hybrid_mrr5": "hybrid MRR@5",
    "key_fact_recall": "key-fact recall",
    "citation_precision": "citation precision",
    "figure_accuracy": "figure accuracy",
    "refusal_accuracy": "refusal accuracy",
}


class Gate(BaseModel, frozen=True):
    """One threshold: the value measured (None when that part did not run) and whether it passed."""

    name: str
    value: float | None
    threshold: float
    op: Literal[">=", "<="]
    enforced: bool = True

    # mypy rejects a decorator over @property; pydantic documents this pairing for computed fields.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool | None:
        """True or False when measured; None when skipped."""
        if self.value is None:
            return None
        return self.value >= self.threshold if self.op == ">=" else self.value <= self.threshold


@dataclass(frozen=True)
class Floors:
    """The lowest value each answer and retrieval measure may take on one split."""

    hybrid_hit5: float
    hybrid_mrr5: float
    key_fact_recall: float
    citation_precision: float
    figure_accuracy: float
    refusal_accuracy: float


# Dev: the questions knobs were chosen on. The starting gates of the eval suite, except citation
# precision: the regular expressions that read questions until issue 17 were grown on these very
# questions and reached 0.903; the router, which learns from a separate bank, reaches 0.874 on them,
# and 0.826 once 75 rewordings in seven registers joined dev (December 2026), so the floor was 0.80; the
# second set written apart from the corpus alone (December 2026) brought it to 0.793 and hybrid hit@5 from
# 0.915 to 0.897, so their floors are 0.78 and 0.88 (the questions avoid the documents' own words).
# Refusals: 1.0 on dev until the ground truth written apart from the corpus alone joined (December 2026);
# its tax question on an AI engineer's salary is answered with pay figures (15 of 16), so the floor is
# that of test and 1.0 stays the target the run reports.
DEV_FLOORS = Floors(0.88, 0.75, 0.70, 0.78, 1.0, 0.90)
# Test: never tuned on. Floors a little under what the router measured when the split was made
# (evals/README.md), so the score cannot slip back; the targets below are the goal.
TEST_FLOORS = Floors(0.90, 0.75, 0.65, 0.72, 0.85, 0.90)
# Targets (issue 17): test may trail dev by at most this much on key facts, citation precision and
# MRR@5 (a larger gap means the tuning fits the dev questions rather than their meaning); and
# every tool routed right for 95% of the routing suite's test questions.
MAX_TEST_GAP = 0.05
ROUTING_TARGET = 0.95
# Floors for routing on the routing suite's test split, and the target for declines. Declines were
# 1.0 on the first 28 test questions; the 20 off-topic test questions written blind to the bank and
# this file (December 2026) brought two misses (0.958 on 48), and a second blind set three more
# (0.923 on 65), and the fifth blind set's questions about AI that are not career questions
# (0.898 on 118), so the floor holds that and 1.0 stays the target the run reports.
ROUTING_TOOL_FLOOR = 0.80
ROUTING_DECLINE_FLOOR = 0.85
ROUTING_DECLINE_TARGET = 1.0
# Every out-of-scope ground-truth question declined (issue 17).
REFUSAL_TARGET = 1.0


def split_gates(split: str, measured: Measures, floors: Floors) -> list[Gate]:
    """The answer and retrieval floors on one split, and the refusal target."""
    gates = [
        Gate(name=f"{split}: {LABELS[name]}", value=measured.get(name), threshold=getattr(floors, name), op=">=")
        for name in Floors.__dataclass_fields__
    ]
    refusals = measured.get("refusal_accuracy")
    return [
        *gates,
        Gate(name=f"{split}: {LABELS['refusal_accuracy']}", value=refusals, threshold=REFUSAL_TARGET, op=">=", enforced=False),
    ]


def run_gates(regressions_passed: float | None, seconds: float) -> list[Gate]:
    """The regressions and the run time."""
    return [
        Gate(name="regressions passing", value=regressions_passed, threshold=1.0, op=">="),
        Gate(name="run time (s)", value=seconds, threshold=MAX_SECONDS, op="<="),
    ]


def generalisation_targets(dev: Measures, test: Measures) -> list[Gate]:
    """How far test trails dev (dev - test) on the measures tuning could overfit."""
    out = []
    for name in ("key_fact_recall", "citation_precision", "hybrid_mrr5"):
        d, t = dev.get(name), test.get(name)
        value = None if d is None or t is None else d - t
        out.append(Gate(name=f"test trails dev: {LABELS[name]}", value=value, threshold=MAX_TEST_GAP, op="<=", enforced=False))
    return out


def routing_gates(test_by_label: Mapping[str, float] | None) -> list[Gate]:
    """Routing accuracy per tool and for declines on the routing suite's test split: floors, and the target."""
    if test_by_label is None:
        return []
    gates = []
    for label, value in test_by_label.items():
        floor = ROUTING_DECLINE_FLOOR if label == "decline" else ROUTING_TOOL_FLOOR
        gates.append(Gate(name=f"routing (test): {label}", value=value, threshold=floor, op=">="))
        target = ROUTING_DECLINE_TARGET if label == "decline" else ROUTING_TARGET
        gates.append(Gate(name=f"routing (test): {label}", value=value, threshold=target, op=">=", enforced=False))
    return gates


def all_passed(gates: list[Gate]) -> bool:
    """No enforced gate failed (skipped gates and targets do not fail the run)."""
    return all(g.passed is not False for g in gates if g.enforced)
