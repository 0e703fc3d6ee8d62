"""Benchmark queries: the eval questions and deterministic variations of them, as users type them."""

from __future__ import annotations

import random
import re

from assistant.vocab.skills import Taxonomy

STOPWORDS = frozenset(
    "a an and are as at be but by can could did do does for from have how i i'm i've if in into is it its me my "
    "of on or should so than that the their them then there these they this to was what when where which who "
    "why will with would you your".split()
)
BACKGROUNDS = ("data engineer", "data scientist", "backend engineer", "frontend engineer", "ML engineer", "new grad")
SKILL_TEMPLATES = (
    "how many AI engineer jobs ask for {skill}",
    "what should I learn about {skill} for AI engineering",
    "{skill} interview questions",
    "is {skill} worth learning as a {background}",
)


def eval_questions() -> list[str]:
    """The questions of the eval ground truth, in file order."""
    from evals.dataset import load_ground_truth

    return [case.question for case in load_ground_truth()]


def _words(text: str) -> list[str]:
    return [w for w in (t.strip(".-'") for t in re.findall(r"[\w'+#.-]+", text.lower())) if w]


def variations(question: str, rng: random.Random) -> list[str]:
    """The question as asked, lowercased without punctuation, as keywords, shortened, and from a background."""
    words = _words(question)
    keywords = [w for w in words if w not in STOPWORDS] or words
    return [
        question,
        " ".join(words),
        " ".join(keywords),
        " ".join(words[:8]),
        f"As a {rng.choice(BACKGROUNDS)}, {question[0].lower()}{question[1:]}",
    ]


def bench_queries(taxonomy: Taxonomy, n: int = 1200, seed: int = 7) -> list[str]:
    """At least n queries: every eval question with its variations, then skill questions to fill up."""
    rng = random.Random(seed)
    queries: list[str] = []
    for question in eval_questions():
        queries.extend(variations(question, rng))
    skills = taxonomy.names()
    while len(queries) < n:
        template = rng.choice(SKILL_TEMPLATES)
        queries.append(template.format(skill=rng.choice(skills), background=rng.choice(BACKGROUNDS)))
    return queries
