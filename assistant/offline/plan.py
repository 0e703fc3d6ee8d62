"""The tool calls the offline model makes for an intent, and the same call without a filter a tool rejected."""

from __future__ import annotations

from typing import Any

from pydantic_ai.messages import ToolCallPart

from assistant.core.schema import DOC_TYPES
from assistant.offline.intent import Intent, Kind, compare_sides
from assistant.offline.tuning import STATED_SKILLS

GUIDE_TYPES = [t for t in DOC_TYPES if t != "job_posting"]
RANKED = 10  # rows of a ranking of the products of a kind or a maker


def plan(intent: Intent) -> list[ToolCallPart]:
    """The tool calls an LLM would make for this intent: those of each kind it has, one search among them."""
    calls: list[ToolCallPart] = []
    for kind in intent.kinds:
        calls += [c for c in _calls_for(kind, intent) if c.tool_name not in {d.tool_name for d in calls}]
    # The passage search goes last, so structured results lead the answer as before.
    return sorted(calls, key=lambda c: c.tool_name == "search_corpus")


def _calls_for(kind: Kind, intent: Intent) -> list[ToolCallPart]:
    s = intent.slots
    postings = {
        k: v
        for k, v in {
            "city": s.city,
            "country": s.country,
            "ai_type": s.ai_type,
            "level": s.level,
            "work_type": "Remote" if s.remote else None,
        }.items()
        if v
    }
    # Guides answer general questions; postings come in through the market and job tools, or when
    # the question names a company (its postings describe its hiring process).
    kinds = {} if s.company else {"doc_types": GUIDE_TYPES}
    search = ToolCallPart("search_corpus", {"query": intent.text, **kinds, "limit": 8 if intent.kind == "general" else 5})
    if kind == "jobs":
        jobs = {
            **postings,
            **({"company": s.company} if s.company else {}),
            **({"skills": skills} if (skills := job_skills(intent)) else {}),
        }
        return [ToolCallPart("find_jobs", {"query": intent.text, "postings": jobs, "limit": 8})]
    if kind == "gap":
        target = s.ai_type or "ai-engineer"
        where = {k: v for k, v in {"city": s.city, "level": s.level}.items() if v}
        return [ToolCallPart("skill_gap", {**who_asks(intent), "target": target, **where, "limit": 8}), search]
    if kind == "figures":
        if intent.measure == "compare":
            a, b = compare_sides(intent.text, s)
            if s.skills:
                calls = [
                    ToolCallPart("market_stats", {"measure": "skill_share", "skills": list(s.skills[:3]), "postings": side})
                    for side in (a, b)
                ]
            else:
                calls = [ToolCallPart("market_stats", {"measure": "compare", "postings": a, "versus": b, "limit": 10})]
            return [*calls, search]
        args: dict[str, Any] = {"measure": intent.measure, "postings": postings}
        if intent.measure in ("skill_share", "co_occurrence"):
            args["skills"] = list(s.skills[:4])
        if intent.category:
            args["category"] = intent.category
        # A kind or a maker named ("which vector db", "Google stuff"): its products ranked, beside any skill named.
        ranked = intent.measure in ("skill_share", "top_skills")
        rankings = [
            ToolCallPart(
                "market_stats", {"measure": "top_skills", "skills": list(g.skills), "postings": postings, "limit": RANKED}
            )
            for g in (s.groups if ranked else ())
        ]
        main = [] if rankings and intent.measure == "top_skills" else [ToolCallPart("market_stats", args)]
        return [*main, *rankings, search]
    return [search]


def job_skills(intent: Intent) -> list[str]:
    """The skills a job lookup filters on: those named, and a kind of tool named by its own name, which `find_jobs`
    reads as any product of the kind ("vector db" → vector database, not only the concept Vector databases)."""
    s = intent.slots
    kinds = [g for g in s.groups if g.by == "kind"]
    same = {g.same for g in kinds}
    return list(dict.fromkeys([*(k for k in s.skills if k not in same), *(g.name for g in kinds)]))[:3]


def who_asks(intent: Intent) -> dict[str, Any]:
    """Who the skill gap is for: the skills the person states (a role they name never overrides them), else
    their role's preset, else their own words to find skills in."""
    s = intent.slots
    if len(s.skills) >= STATED_SKILLS:
        return {"skills": list(s.skills[:12]), **({"background": s.background} if s.background else {})}
    if s.background:
        return {"background": s.background}
    if s.skills:
        return {"skills": list(s.skills)}
    return {"about_me": intent.text}


def relax(call: ToolCallPart, error: str) -> tuple[ToolCallPart, str] | None:
    """The call without the filter the tool rejected (named in the error, else skills, else all), and what was dropped."""
    args = call.args_as_dict()
    postings = dict(args.get("postings") or {})
    named = [
        k
        for k in ("company", "city", "country", "level", "work_type", "ai_type")
        if k in postings and k.replace("_", " ") in error
    ]
    if named or postings:
        dropped = named[0] if named else "skills" if "skills" in postings else "filters"
        postings = {k: v for k, v in postings.items() if k != dropped} if dropped != "filters" else {}
        return ToolCallPart(call.tool_name, {**args, "postings": postings}), dropped
    if given := [name for arg, name in (("city", "place"), ("company", "company")) if args.get(arg)]:
        return ToolCallPart(call.tool_name, {k: v for k, v in args.items() if k not in ("city", "company")}), " and ".join(given)
    return None
