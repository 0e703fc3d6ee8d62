"""A tiny corpus the app tests write themselves: three guides and eight postings in the field-guide layout."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.core.schema import SKILL_CATEGORIES

GUIDE_DE = """# Moving from Data Engineering into AI Engineering

Data engineers already run pipelines, schedule jobs and keep data clean. That is half of an AI system.

## What You Already Have

- Python and SQL
- Batch and streaming pipelines with Spark and Airflow
- Cloud platforms such as AWS
- Docker and CI/CD for deployments

## What You Need to Learn

- Calling LLM APIs and getting structured output back.
- Prompt engineering: writing, versioning and testing prompts.
- Retrieval-augmented generation (RAG): chunk documents, embed them, search them, and ground the answer.
- Evaluation: build a labelled question set and measure retrieval hit rate before tuning prompts.

## Suggested Path

Start with one RAG project over documents you know. Add an evaluation set next, then agents with tools.
"""

GUIDE_BE = """# Moving from Backend Engineering into AI Engineering

Backend engineers know APIs, services and production operations.

## What You Already Have

- Python or Java services
- REST APIs and databases such as PostgreSQL
- Docker and Kubernetes

## What You Need to Learn

- LLM APIs and prompt engineering.
- RAG with a vector database.
- Evaluation of model outputs.
"""

SKILLS_GUIDE = """# Skills AI Engineers Use

## Retrieval

RAG is the most common pattern in postings: a vector database, embeddings and hybrid search.

## Evaluation

Evaluation separates demos from products: offline test sets, LLM-as-judge and monitoring in production.

## Agents

Agents call tools in a loop; LangChain and LangGraph are common frameworks for them.
"""


@dataclass(frozen=True)
class FixturePosting:
    """One made-up posting: listing fields plus the skills its structured twin lists."""

    job_id: str
    title: str
    company: str
    location: str
    work_type: str
    level: str
    ai_type: str
    compensation: str
    genai: tuple[str, ...]
    other_skills: tuple[str, ...]

    @property
    def url(self) -> str:
        """Its public listing url (an example domain, never fetched)."""
        return f"https://jobs.example.org/job/{self.job_id}"


POSTINGS: tuple[FixturePosting, ...] = (
    FixturePosting(
        "9000001",
        "AI Engineer, Search",
        "Fernweh Labs",
        "Berlin, DEU",
        "Hybrid",
        "Mid level",
        "ai-first",
        "60K-80K Annually",
        ("RAG", "LLM", "Prompt engineering"),
        ("Python", "Docker"),
    ),
    FixturePosting(
        "9000002",
        "Senior AI Engineer",
        "Kiezbank",
        "Berlin, DEU",
        "In-Office",
        "Senior level",
        "ai-first",
        "90K-110K Annually",
        ("RAG", "LangChain", "Evaluation"),
        ("Python", "AWS", "Kubernetes"),
    ),
    FixturePosting(
        "9000003",
        "LLM Platform Engineer",
        "Spreeworks",
        "Berlin, DEU",
        "Remote",
        "Senior level",
        "ai-support",
        "",
        ("LLM",),
        ("Python", "Kubernetes", "Terraform"),
    ),
    FixturePosting(
        "9000004",
        "Applied AI Engineer",
        "Thames Analytics",
        "London, England",
        "Hybrid",
        "Mid level",
        "ai-first",
        "70K-90K Annually",
        ("RAG", "Evaluation", "LLM"),
        ("Python", "SQL"),
    ),
    FixturePosting(
        "9000005",
        "AI Support Engineer",
        "Camden Cloud",
        "London, England",
        "In-Office",
        "Mid level",
        "ai-support",
        "",
        ("LLM",),
        ("Python", "Docker", "AWS"),
    ),
    FixturePosting(
        "9000006",
        "Founding AI Engineer",
        "Hudson Agents",
        "New York, NY, USA",
        "In-Office",
        "Senior level",
        "ai-first",
        "150K-190K Annually",
        ("RAG", "LangGraph", "Prompt engineering", "Evaluation"),
        ("Python", "TypeScript"),
    ),
    FixturePosting(
        "9000007",
        "Machine Learning Engineer",
        "Brooklyn Data",
        "New York, NY, USA",
        "Hybrid",
        "Mid level",
        "ml-first",
        "",
        (),
        ("Python", "PyTorch", "Spark"),
    ),
    FixturePosting(
        "9000008",
        "AI Engineer, Agents",
        "Midtown AI",
        "New York, NY, USA",
        "Remote",
        "Mid level",
        "ai-first",
        "120K-150K Annually",
        ("RAG", "LangGraph", "LLM"),
        ("Python", "AWS"),
    ),
)

LEARNING_PATH_SOURCE = "field-guide/learning-paths/from-data-engineer.md"


def _raw(p: FixturePosting) -> dict[str, object]:
    return {
        "job_id": int(p.job_id),
        "title": p.title,
        "company": p.company,
        "location": p.location,
        "work_type": "FULL_TIME",
        "level": p.level,
        "skills": [*p.genai, *p.other_skills],
        "description": f"{p.company} is hiring a {p.title}.\n\nYou will build {', '.join(p.genai) or 'ML'} systems in Python.\n",
        "posted_date": "2026-02-10",
        "url": p.url,
        "source": "Built In",
    }


def _structured(p: FixturePosting) -> dict[str, object]:
    skills: dict[str, list[str]] = {c: [] for c in SKILL_CATEGORIES}
    skills["genai"] = list(p.genai)
    skills["other"] = list(p.other_skills)
    return {
        "company": {"name": p.company, "stage": "Series A", "focus": "AI products"},
        "position": {
            "title": p.title,
            "ai_type": {"type": p.ai_type, "reasoning": "made up for a test"},
            "responsibilities": [f"Build {s} features" for s in p.genai] or ["Train models"],
            "use_cases": ["Internal search"],
            "skills": skills,
            "is_customer_facing": False,
            "is_management": False,
        },
        "meta": {"job_id": p.job_id},
    }


def write_corpus(root: Path) -> Path:
    """Write the guides and postings under root (a corpus root holding `field-guide/`); returns root."""
    guide = root / "field-guide"
    for rel, text in (
        ("learning-paths/from-data-engineer.md", GUIDE_DE),
        ("learning-paths/from-backend-engineer.md", GUIDE_BE),
        ("role/02-skills.md", SKILLS_GUIDE),
    ):
        (guide / rel).parent.mkdir(parents=True, exist_ok=True)
        (guide / rel).write_text(text, encoding="utf-8")
    market = guide / "job-market"
    for sub in ("data_raw", "data_structured", "_internal"):
        (market / sub).mkdir(parents=True, exist_ok=True)
    for p in POSTINGS:
        name = f"{p.job_id}_{p.company.replace(' ', '_')}.yaml"
        (market / "data_raw" / name).write_text(yaml.safe_dump(_raw(p), sort_keys=False), encoding="utf-8")
        (market / "data_structured" / name).write_text(yaml.safe_dump(_structured(p), sort_keys=False), encoding="utf-8")
    with (market / "_internal" / "all_jobs_dedup.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "company", "location", "work_type", "level", "compensation", "link", "id", "scraped_date"])
        for p in POSTINGS:
            writer.writerow([p.title, p.company, p.location, p.work_type, p.level, p.compensation, p.url, p.job_id, "2026-02-11"])
    return root
