"""A small corpus the MCP tests write and ingest with the real CLI: two guides and six postings, real embedding model."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

CLI = [sys.executable, "-m", "assistant.cli"]
# A configured secret the server must never echo (the app password changes nothing else: the model stays offline).
SECRET = "mcp-test-secret-7f3a9c2e41"

GUIDE_DE = """# Moving from Data Engineering into AI Engineering

Data engineers already run pipelines, schedule jobs and keep data clean. That is half of an AI system.

## What You Already Have

- Python and SQL
- Batch pipelines with Spark and Airflow
- Docker and CI/CD for deployments

## What You Need to Learn

- Calling LLM APIs and getting structured output back.
- Retrieval-augmented generation (RAG): chunk documents, embed them, search them, and ground the answer.
- Evaluation: build a labelled question set and measure retrieval hit rate before tuning prompts.
"""

SKILLS_GUIDE = """# Skills AI Engineers Use

## Retrieval

RAG is the most common pattern in AI engineering postings: a vector database, embeddings and hybrid search.

## Evaluation

Evaluation separates demos from products: offline test sets, LLM-as-judge and monitoring in production.
"""


@dataclass(frozen=True)
class Job:
    """One made-up posting: listing fields and the skills its structured twin lists."""

    job_id: str
    title: str
    company: str
    location: str
    work_type: str
    ai_type: str
    genai: tuple[str, ...]
    other: tuple[str, ...]


JOBS = (
    Job(
        "9100001",
        "AI Engineer, Search",
        "Fernweh Labs",
        "Berlin, DEU",
        "Hybrid",
        "ai-first",
        ("RAG", "LLM"),
        ("Python", "Docker"),
    ),
    Job(
        "9100002",
        "Senior AI Engineer",
        "Kiezbank",
        "Berlin, DEU",
        "In-Office",
        "ai-first",
        ("RAG", "LangChain", "Evaluation"),
        ("Python", "Kubernetes"),
    ),
    Job(
        "9100003",
        "LLM Platform Engineer",
        "Spreeworks",
        "Berlin, DEU",
        "Remote",
        "ai-support",
        ("LLM",),
        ("Python", "Kubernetes"),
    ),
    Job(
        "9100004",
        "Applied AI Engineer",
        "Thames Analytics",
        "London, England",
        "Hybrid",
        "ai-first",
        ("RAG", "Evaluation"),
        ("Python", "SQL"),
    ),
    Job(
        "9100005",
        "Machine Learning Engineer",
        "Brooklyn Data",
        "New York, NY, USA",
        "Hybrid",
        "ml-first",
        (),
        ("Python", "PyTorch"),
    ),
    Job(
        "9100006",
        "AI Engineer, Agents",
        "Midtown AI",
        "New York, NY, USA",
        "Remote",
        "ai-first",
        ("RAG", "LangGraph"),
        ("Python", "AWS"),
    ),
)


def write_corpus(root: Path) -> Path:
    """The guides and postings in the field-guide layout under root; returns root."""
    guide = root / "field-guide"
    for rel, text in (("learning-paths/from-data-engineer.md", GUIDE_DE), ("role/02-skills.md", SKILLS_GUIDE)):
        (guide / rel).parent.mkdir(parents=True, exist_ok=True)
        (guide / rel).write_text(text, encoding="utf-8")
    market = guide / "job-market"
    for sub in ("data_raw", "data_structured", "_internal"):
        (market / sub).mkdir(parents=True, exist_ok=True)
    categories = ("genai", "ml", "web", "databases", "data", "cloud", "ops", "languages", "domains", "other")
    for j in JOBS:
        url = f"https://jobs.example.org/job/{j.job_id}"
        raw = {
            "job_id": int(j.job_id),
            "title": j.title,
            "company": j.company,
            "location": j.location,
            "work_type": "FULL_TIME",
            "level": "Mid level",
            "skills": [*j.genai, *j.other],
            "description": f"{j.company} is hiring a {j.title}.\n\nYou will build {', '.join(j.genai) or 'ML'} systems in Python.\n",
            "posted_date": "2026-02-10",
            "url": url,
            "source": "Built In",
        }
        skills: dict[str, list[str]] = {c: [] for c in categories}
        skills["genai"], skills["other"] = list(j.genai), list(j.other)
        structured = {
            "company": {"name": j.company, "stage": "Series A", "focus": "AI products"},
            "position": {
                "title": j.title,
                "ai_type": {"type": j.ai_type, "reasoning": "made up for a test"},
                "responsibilities": [f"Build {s} features" for s in j.genai] or ["Train models"],
                "use_cases": ["Internal search"],
                "skills": skills,
                "is_customer_facing": False,
                "is_management": False,
            },
            "meta": {"job_id": j.job_id},
        }
        name = f"{j.job_id}_{j.company.replace(' ', '_')}.yaml"
        (market / "data_raw" / name).write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        (market / "data_structured" / name).write_text(yaml.safe_dump(structured, sort_keys=False), encoding="utf-8")
    with (market / "_internal" / "all_jobs_dedup.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "company", "location", "work_type", "level", "compensation", "link", "id", "scraped_date"])
        for j in JOBS:
            url = f"https://jobs.example.org/job/{j.job_id}"
            writer.writerow([j.title, j.company, j.location, j.work_type, "Mid level", "", url, j.job_id, "2026-02-11"])
    return root


def child_env(data_dir: Path, corpus: Path) -> dict[str, str]:
    """The CLI child's environment: ours without any assistant setting or API key, then the test's dirs and secret."""
    drop = ("ASSISTANT_", "OPENAI_", "QDRANT_", "ANTHROPIC_", "HF_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return env | {
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_APP_PASSWORD": SECRET,
        "COLUMNS": "500",
    }


@dataclass(frozen=True)
class McpIndex:
    """An ingested tiny corpus: the child environment and working dir, and what `stats skill RAG --json` prints."""

    env: Mapping[str, str]
    cwd: Path
    rag_stats: Mapping[str, object]


class McpCli:
    """The CLI as the MCP tests run it: the command, the secret the child holds, its environment, a finished run."""

    cli = CLI
    secret = SECRET
    env = staticmethod(child_env)

    @staticmethod
    def run(args: list[str], index_env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run the CLI to completion."""
        return run_cli(args, index_env, cwd)


def run_cli(args: list[str], index_env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion (cwd outside the repo, so no .env file is read)."""
    return subprocess.run(
        [*CLI, *args], env=dict(index_env), cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session")
def mcp_index(tmp_path_factory: pytest.TempPathFactory) -> McpIndex:
    """The tiny corpus ingested into a fresh data dir by `assistant ingest` (the real offline embedding model)."""
    root = tmp_path_factory.mktemp("mcp")
    corpus = write_corpus(root / "corpus")
    env = child_env(root / "data", corpus)
    ingest = run_cli(["ingest"], env, root)
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    stats = run_cli(["stats", "skill", "RAG", "--json"], env, root)
    assert stats.returncode == 0, stats.stderr[-3000:]
    return McpIndex(env=env, cwd=root, rag_stats=json.loads(stats.stdout))


@pytest.fixture(scope="session")
def mcp_cli() -> type[McpCli]:
    """How the tests start the CLI child; see McpCli."""
    return McpCli
