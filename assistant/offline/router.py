"""Which tools a question needs, or none (off-topic), judged by meaning from a bank of labelled example questions.

The bank (`examples.yaml`) holds several hundred career questions written in many registers, each
with the tool(s) a careful person would call (and, for figures, the measure computed first), and
everyday questions to decline. None of them is in an eval file. A classifier learns from it at first
use; `route` gives every tool's score, the tools chosen, whether to decline and each measure's score,
so an answer can show how it was routed.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import yaml
from pydantic import BaseModel, TypeAdapter, model_validator

from assistant.core.embedding import Embedder
from assistant.errors import ConfigError
from assistant.offline.classifier import ClassifierTuning, TextClassifier
from assistant.offline.tuning import (
    CLAUSE_CLEAR_AT,
    CLAUSE_LEAD,
    CLAUSE_TOOL_AT,
    DECLINE_AT,
    DECLINE_LEAD,
    GAP_DECLINE_LEAD,
    SECOND_TOOL_AT,
)
from assistant.vocab.terms import MEASURES, Measure

ToolName = Literal["search_corpus", "market_stats", "find_jobs", "skill_gap"]
TOOLS: tuple[ToolName, ...] = ("search_corpus", "market_stats", "find_jobs", "skill_gap")
DECLINE = "decline"
# How far "decline" must lead a structured tool's score to decline under DECLINE_AT (tuning.py says why).
_DECLINE_LEADS: dict[str, float] = {"market_stats": DECLINE_LEAD, "find_jobs": DECLINE_LEAD, "skill_gap": GAP_DECLINE_LEAD}
EXAMPLES = Path(__file__).with_name("examples.yaml")
MEASURE_EXAMPLES = Path(__file__).with_name("measures.yaml")


class Example(BaseModel):
    """One labelled question: the tools to call, or decline; for figures, the measure computed first."""

    q: str
    tools: list[ToolName] = []
    decline: bool = False
    measure: Measure | None = None

    @model_validator(mode="after")
    def _one_label(self) -> Example:
        if bool(self.tools) == self.decline:
            raise ValueError(f"{self.q!r}: give either tools or decline: true")
        if self.measure and "market_stats" not in self.tools:
            raise ValueError(f"{self.q!r}: a measure is given only with market_stats")
        return self

    @property
    def labels(self) -> set[str]:
        """Its labels as the classifier sees them."""
        return {DECLINE} if self.decline else set(self.tools)


@dataclass(frozen=True)
class Route:
    """How a question was routed: each label's score, the tools chosen (best first), whether to decline, and each
    measure's score (which figure a figures question asks for)."""

    scores: dict[str, float]
    tools: tuple[ToolName, ...]
    decline: bool
    measures: dict[str, float] = field(default_factory=dict)

    @property
    def leans_off_topic(self) -> bool:
        """Whether "decline" scored highest, though not high enough to decline outright."""
        return not self.decline and bool(self.scores) and max(self.scores, key=self.scores.__getitem__) == DECLINE

    def describe(self) -> str:
        """One line for an explanation: the decision and every score."""
        decided = "decline" if self.decline else " + ".join(self.tools)
        return f"{decided} (" + ", ".join(f"{k} {v:.2f}" for k, v in sorted(self.scores.items(), key=lambda kv: -kv[1])) + ")"


def load_examples(path: Path = EXAMPLES) -> list[Example]:
    """The example bank; a clear error naming the file when it is broken."""
    try:
        return TypeAdapter(list[Example]).validate_python(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"cannot read the intent examples {path}: {exc}", hint="restore the file from the repository") from exc


class Scorer(Protocol):
    """What the router needs of a classifier: each label's score for a text."""

    def scores(self, text: str) -> dict[str, float]: ...


class Router:
    """Routes questions with a classifier trained on the example bank; a second one reads which figure is asked for."""

    def __init__(self, classifier: Scorer, measures: Scorer | None = None) -> None:
        self.classifier, self.measures = classifier, measures

    @classmethod
    def build(
        cls, embedder: Embedder, cache_dir: Path | None = None, examples: Path = EXAMPLES, measures: Path = MEASURE_EXAMPLES
    ) -> Router:
        """Trained on the banks; with a cache dir, trained once and kept there for these banks, model and tuning."""
        tuning = ClassifierTuning()

        def tools() -> TextClassifier:
            bank = load_examples(examples)
            return TextClassifier.train(embedder, [e.q for e in bank], [e.labels for e in bank], [*TOOLS, DECLINE], tuning)

        def figures() -> TextClassifier:
            # Which figure, given that figures are asked for: the bank's figures questions and those written for it.
            asked: list[tuple[str, set[str]]] = [
                (e.q, {e.measure}) for e in [*load_examples(examples), *load_examples(measures)] if e.measure
            ]
            return TextClassifier.train(embedder, [q for q, _ in asked], [m for _, m in asked], MEASURES, tuning)

        bank = examples.read_bytes()
        return cls(
            _trained(tools, cache_dir / "router" if cache_dir else None, bank, embedder, tuning),
            _trained(figures, cache_dir / "measures" if cache_dir else None, bank + measures.read_bytes(), embedder, tuning),
        )

    def route(self, question: str) -> Route:
        """The tools for a question, or decline when that scores highest and high, or clearly ahead of a structured tool.

        A second tool is called when it also scores high, or when one of the question's own asks
        ("Is Pinecone still wanted? Which companies list it?") is confidently about it.
        """
        scores = self.classifier.scores(question)
        tools = sorted(TOOLS, key=lambda t: -scores[t])
        best = tools[0]
        # A guide answer leaning off-topic is judged later by how close the guides come; a figure, job list
        # or gap has no such check, so "decline" clearly ahead of its tool declines it here.
        lead = _DECLINE_LEADS.get(best)
        ahead = lead is not None and scores[DECLINE] >= lead * scores[best]
        if scores[DECLINE] >= max(DECLINE_AT, scores[best]) or ahead:
            return Route(scores, (), True)
        chosen = [best, *(t for t in tools[1:] if scores[t] >= SECOND_TOOL_AT)]
        asks = clauses(question)
        for ask in asks if len(asks) > 1 else []:
            part = self.classifier.scores(ask)
            its_tool = max(TOOLS, key=lambda t: part[t])
            if _confident(part, its_tool) and its_tool not in chosen:
                chosen.append(its_tool)
        measures = self.measures.scores(question) if self.measures and "market_stats" in chosen else {}
        return Route(scores, tuple(chosen), False, measures)


def _trained(
    train: Callable[[], TextClassifier], stem: Path | None, data: bytes, embedder: Embedder, tuning: ClassifierTuning
) -> TextClassifier:
    """A classifier trained once per bank, model and tuning: kept beside `stem` (a cache path without its key)."""
    key = hashlib.sha256(data + f"{embedder.name}|{tuning}".encode()).hexdigest()[:16]
    cached = stem.with_name(f"{stem.name}-{key}.npz") if stem else None
    if cached is not None and cached.exists():
        with contextlib.suppress(OSError, ValueError, KeyError):
            return TextClassifier.load(cached, embedder, tuning)
    classifier = train()
    if cached is not None:
        with contextlib.suppress(OSError):  # a read-only data dir only costs the next process a retrain
            cached.parent.mkdir(parents=True, exist_ok=True)
            classifier.save(cached)
    return classifier


def _confident(scores: dict[str, float], label: str) -> bool:
    """Whether an ask is about this label: it scores high, or clearly ahead of every other label (decline included)."""
    runner_up = max(v for k, v in scores.items() if k != label)
    high = scores[label] >= CLAUSE_TOOL_AT and runner_up < scores[label]
    return high or (scores[label] >= CLAUSE_CLEAR_AT and scores[label] >= CLAUSE_LEAD * runner_up)


# A question's separate asks: its asking sentences, and their "..., and (plus, also, +, &) which/what/how ..."
# halves; a half before such a join asks too, even when terse ("any remote PyTorch jobs, and how common is it").
_ASK_WORD = r"(?:what|which|who|how|is|are|do|does|can|could|should|would|where|show|list|give|tell)"
_SENTENCE = re.compile(r"(?<=[?!.])\s+|;\s*")
_JOIN = re.compile(rf",?\s+(?:\band\b|\bplus\b|\balso\b|[+&])\s+(?={_ASK_WORD}\b)", re.IGNORECASE)
_ASKS = re.compile(rf"\b{_ASK_WORD}\b|\?", re.IGNORECASE)


def clauses(question: str) -> list[str]:
    """The parts of a question that ask something on their own (three words or more)."""
    sentences = (s.strip() for s in _SENTENCE.split(question))
    halves = (h.strip() for s in sentences if s and _ASKS.search(s) for h in _JOIN.split(s))
    return [h for h in halves if len(h.split()) >= 3]


_lock = threading.Lock()
_routers: dict[tuple[str, Path | None], Router] = {}


def router_for(embedder: Embedder, cache_dir: Path | None = None) -> Router:
    """The router for this embedding model, built once per process (the app's sessions share it)."""
    with _lock:
        key = (embedder.name, cache_dir)
        if key not in _routers:
            _routers[key] = Router.build(embedder, cache_dir)
        return _routers[key]
