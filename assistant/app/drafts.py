"""From a thumbs-down to a draft eval case: the question, the answer given, its cited sources, personal data removed,
for a person to review and add to the ground truth (`draft_cases`, `cases_yaml`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from assistant.agent.corpus_tools import POSTINGS_SOURCE
from assistant.app.feedback import FeedbackStore, JsonObject, StoredAnswer
from assistant.app.personal_data import remove_personal_data

# Markers left in a draft for the reviewer; a draft still loads as a case with them.
TODO_REFERENCE = "TODO: the right answer, in one to three sentences of your own"
SEGMENT_KEYS = ("city", "country", "ai_type", "level", "work_type", "company")
# Tool arguments shown in a draft's comments; free text about a person (a CV) is never copied.
PRIVATE_ARGS = frozenset({"about_me"})
ARG_CHARS = 200


@dataclass(frozen=True)
class DraftCase:
    """A ground-truth case drafted from a thumbs-down answer, with what a reviewer needs beside it."""

    answer_id: int
    created_at: str
    model: str
    case: JsonObject  # the fields of evals.dataset.GroundTruthCase, as written to YAML
    category_note: str
    answer: str
    tools: list[str]
    loadable: bool  # False: no source, statistic or job check to start from; written commented out


def _segment(value: Any) -> dict[str, str]:
    """The segment fields of a tool's `postings` argument (skills are not part of a statistic's segment)."""
    if not isinstance(value, dict):
        return {}
    return {k: str(v) for k in SEGMENT_KEYS if (v := value.get(k))}


def guess_statistic(tools: Sequence[JsonObject]) -> JsonObject | None:
    """The statistic a figure answer computed, from its first successful `market_stats` call, when a case can name it."""
    for call in tools:
        args = call.get("args") if isinstance(call.get("args"), dict) else None
        if call.get("name") != "market_stats" or not call.get("ok", True) or args is None:
            continue
        measure = args.get("measure")
        skills = [str(s) for s in args.get("skills") or [] if isinstance(s, str) and s.strip()]
        stat: JsonObject = {}
        if measure == "skill_share" and skills:
            stat = {"kind": "skill_share", "skill": skills[0]}
        elif measure == "compare" and skills and isinstance(args.get("versus"), dict):
            stat = {"kind": "compare", "skill": skills[0], "versus": _segment(args["versus"])}
        elif measure in ("top_skills", "top_companies", "pay"):
            stat = {"kind": measure}
            if measure == "top_skills" and isinstance(args.get("category"), str):
                stat["category"] = args["category"]
        if stat:
            if filters := _segment(args.get("postings")):
                stat["filters"] = filters
            return stat
    return None


def _category(tool_names: set[str], statistic: JsonObject | None, history: list[str]) -> tuple[str, str]:
    """A category guess from the tools the answer called, and the note that tells the reviewer how sure it is."""
    if history:
        return "multi_turn", "TODO: check the category (a follow-up: the conversation's earlier questions are its history)"
    if statistic is not None:
        kind = "compensation" if statistic["kind"] == "pay" else "skill_figures"
        return kind, "TODO: check the category and the statistic (guessed from the market_stats call)"
    if "find_jobs" in tool_names:
        return "job_lookup", "TODO: check the category; add a `jobs` check (company, city, work_type, skill)"
    if "skill_gap" in tool_names:
        return "transition", "TODO: check the category (guessed from the skill_gap call)"
    return "transition", "TODO: unsure; pick the category (evals/dataset.py Category)"


def _tool_line(call: JsonObject, secrets: Sequence[str]) -> str:
    args = call.get("args") if isinstance(call.get("args"), dict) else {}
    shown = {k: ("(not copied)" if k in PRIVATE_ARGS else v) for k, v in (args or {}).items()}
    text = remove_personal_data(json.dumps(shown, ensure_ascii=False, default=str), secrets)
    text = text if len(text) <= ARG_CHARS else text[: ARG_CHARS - 1] + "…"
    return f"{call.get('name', '?')}{'' if call.get('ok', True) else ' (failed)'} {text}"


def draft_case(answer: StoredAnswer, history: Sequence[str] = (), secrets: Sequence[str] = ()) -> DraftCase:
    """A draft case from one thumbs-down answer: personal data removed, `key_facts` empty, `split: test`."""
    clean = [remove_personal_data(q, secrets) for q in history]
    statistic = guess_statistic(answer.tools)
    names = {str(t.get("name")) for t in answer.tools}
    category, note = _category(names, statistic, clean)
    # Figures are computed evidence, not documents; a cited posting or guide is a candidate source.
    sources = list(
        dict.fromkeys(
            str(c["source"])
            for c in answer.citations
            if c.get("kind") != "figure" and isinstance(c.get("source"), str) and c["source"] != POSTINGS_SOURCE
        )
    )
    case: JsonObject = {
        "id": f"feedback-{answer.id}",
        "category": category,
        "split": "test",
        "question": remove_personal_data(answer.question, secrets),
    }
    if clean:
        case["history"] = clean
    case["expected_sources"] = sources
    case["key_facts"] = []
    case["reference"] = TODO_REFERENCE
    if statistic is not None:
        case["statistic"] = statistic
    elif any(c.get("kind") == "figure" for c in answer.citations):
        case["figures_relevant"] = True
    return DraftCase(
        answer_id=answer.id,
        created_at=answer.created_at,
        model=remove_personal_data(answer.model, secrets),
        case=case,
        category_note=note,
        answer=remove_personal_data(answer.answer, secrets),
        tools=[_tool_line(t, secrets) for t in answer.tools],
        loadable=bool(sources or statistic),
    )


def draft_cases(store: FeedbackStore) -> list[DraftCase]:
    """A draft case for every thumbs-down answer in the store, oldest first."""
    return [draft_case(a, store.earlier_questions(a), store.secrets) for a in store.thumbs_down()]


CASES_HEADER = """\
# Draft ground-truth cases from thumbs-down answers (`assistant feedback --to-cases`).
# Review each before adding it to evals/ground_truth.yaml (see evals/README.md, "From a thumbs-down to a case"):
#   - give it an id of its category (`<category prefix>-NN`) and check the category;
#   - keep only the expected_sources that answer the question (the ones listed are what the answer cited);
#   - write key_facts (regexes found in those sources) and the reference in your own words;
#   - remove anything personal the automatic pass missed (names, employers, places): e-mail
#     addresses, phone numbers and key-shaped secrets are already replaced.
# Cases with nothing to start from (no cited source, no statistic) are commented out.
"""


def _comment(text: str, prefix: str = "#   ") -> list[str]:
    return [(prefix + line).rstrip() for line in text.splitlines() or [""]]


def case_yaml(draft: DraftCase) -> str:
    """One draft as YAML: comments with the answer given and the tools it called, then the case (commented out if not loadable)."""
    lines = [f"# From answer {draft.answer_id} (thumbs down, {draft.created_at}, model {draft.model})."]
    if draft.tools:
        lines += ["# Tools it called:", *_comment("\n".join(draft.tools))]
    lines += ["# The answer given:", *_comment(draft.answer)]
    if not draft.loadable:
        lines += [
            "# TODO: it cited no source and computed no figure: add expected_sources (or a statistic), then uncomment;",
            "# or, if declining was right, make it an out_of_scope case with expect_refusal: true.",
        ]
    body = yaml.safe_dump([draft.case], sort_keys=False, allow_unicode=True, width=10_000).splitlines()
    body = [f"{line}  # {draft.category_note}" if line.startswith("  category:") else line for line in body]
    lines += body if draft.loadable else [f"# {line}" for line in body]
    return "\n".join(lines) + "\n"


def cases_yaml(drafts: Sequence[DraftCase]) -> str:
    """The whole draft file: a header for the reviewer, then every draft."""
    return CASES_HEADER + "".join("\n" + case_yaml(d) for d in drafts)
