"""Latency of what a user asks for: `ask` with the offline model, statistics queries and the skill gap."""

from __future__ import annotations

import contextlib
import importlib.util
import time
from collections.abc import Callable, Sequence
from typing import Any

from assistant.market import stats as market
from assistant.market.filters import MarketFilter
from assistant.market.gap import profile_from_background, skill_gap
from assistant.services import Services
from bench.timing import repeat, summary

STATS_REPEATS = 20


def stats_latency(services: Services, repeats: int = STATS_REPEATS) -> dict[str, Any]:
    """Top skills with a filter, a segment comparison and a skill gap, each repeated; p50/p95 in ms."""
    # The embedder the app and the agent's tools use: it keeps query vectors between calls.
    store, taxonomy, embedder = services.store, services.taxonomy, services.answer_embedder
    first, support = MarketFilter(ai_type="ai-first"), MarketFilter(ai_type="ai-support")
    profile = profile_from_background(taxonomy, "data-engineer")
    cases: dict[str, Callable[[], object]] = {
        "top_skills(ai_type=ai-first)": lambda: market.top_skills(store, taxonomy, first, n=20),
        "top_skills(work_type=Remote, category)": lambda: market.top_skills(
            store, taxonomy, MarketFilter(work_type="Remote"), n=10, category=taxonomy.category("Python")
        ),
        "compare(ai-first vs ai-support)": lambda: market.compare(store, taxonomy, first, support, n=20),
        "skill_share(RAG)": lambda: market.skill_share(store, taxonomy, "RAG"),
        "skill_gap(data-engineer, figures only)": lambda: skill_gap(store, embedder, taxonomy, profile, passages=0),
        "skill_gap(data-engineer, with guide passages)": lambda: skill_gap(store, embedder, taxonomy, profile),
    }
    return {name: summary(repeat(fn, repeats)) for name, fn in cases.items()}


def ask_available() -> bool:
    """True once `assistant.ask` exists in this checkout."""
    return importlib.util.find_spec("assistant.ask") is not None


def ask_latency(services: Services, questions: Sequence[str]) -> dict[str, Any]:
    """`ask(services, question)` with the offline model over real questions; p50/p95 in ms, split into tools and the rest."""
    from assistant.ask import ask

    ask(services, questions[0])  # warm up: first call builds the agent
    times: list[float] = []
    tools: list[float] = []
    failures = 0
    for q in questions:
        t0 = time.perf_counter()
        try:
            result = ask(services, q)
            tools.append(sum(t.duration_ms for t in result.tools) / 1000)
        except Exception:  # an answer that fails still costs its time; count it, keep going
            failures += 1
        times.append(time.perf_counter() - t0)
    tools_p50 = summary(tools)["p50_ms"] if tools else None
    return {
        "questions": len(questions),
        "failures": failures,
        **summary(times),
        "tools_p50_ms": tools_p50,
        "cold": _cold_latency(services, questions),
    }


def _cold_latency(services: Services, questions: Sequence[str]) -> dict[str, Any] | None:
    """The same questions with the answer vector cache emptied before each: as the first question of a process."""
    from assistant.ask import ask

    cache = getattr(services, "answer_embedder", None)
    if cache is None:
        return None
    times: list[float] = []
    for q in questions:
        cache.clear()
        t0 = time.perf_counter()
        with contextlib.suppress(Exception):  # failures are counted in the main pass already
            ask(services, q)
        times.append(time.perf_counter() - t0)
    return summary(times)
