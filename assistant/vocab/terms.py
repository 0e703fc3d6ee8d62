"""The allowed values every stage shares, as Literals (so tool schemas carry them) and as tuples to check against."""

from __future__ import annotations

from typing import Literal, get_args

DocType = Literal[
    "job_posting",
    "learning_path",
    "role_guide",
    "interview",
    "webinar",
    "slides",
    "portfolio",
    "article",
    "other",
]
# How the structured postings group skills. `domains` holds fields and industries (NLP, healthcare), not tools.
SkillCategory = Literal["genai", "ml", "web", "databases", "data", "cloud", "ops", "languages", "domains", "other"]
AIType = Literal["ai-first", "ai-support", "ml-first"]
# A skill-gap target: every posting, or one kind of AI role.
GapTarget = Literal["ai-engineer", "ai-first", "ai-support", "ml-first"]
Level = Literal["Internship", "Entry level", "Junior", "Mid level", "Senior level", "Expert/Leader"]
WorkType = Literal["Remote", "Hybrid", "In-Office"]
Measure = Literal["skill_share", "top_skills", "co_occurrence", "compare", "top_companies", "pay"]
PayGroupBy = Literal["level", "city", "country", "ai_type", "work_type"]

DOC_TYPES: tuple[DocType, ...] = get_args(DocType)
SKILL_CATEGORIES: tuple[SkillCategory, ...] = get_args(SkillCategory)
# Categories a taxonomy skill can have: every category but the domains.
TAXONOMY_CATEGORIES: tuple[SkillCategory, ...] = tuple(c for c in SKILL_CATEGORIES if c != "domains")
AI_TYPES: tuple[AIType, ...] = get_args(AIType)
GAP_TARGETS: tuple[GapTarget, ...] = get_args(GapTarget)
LEVELS: tuple[Level, ...] = get_args(Level)
WORK_TYPES: tuple[WorkType, ...] = get_args(WorkType)
MEASURES: tuple[Measure, ...] = get_args(Measure)
PAY_GROUP_BY: tuple[PayGroupBy, ...] = get_args(PayGroupBy)
