"""Shared fixtures and fakes for every test folder.

- The real corpus and its full index, for integration tests; no test may reach a real LLM provider.
- `FakeEmbedder`, a deterministic stand-in for the embedding model (integration tests use the real model).
- The tiny corpus (three guides, eight postings) and `tiny`, its Qdrant Edge index built with the fake embedder.
- Ten market postings and a few guide chunks that tests write into a real store (`market_data`).
- Four postings that name skills only in their descriptions or tags (`mention_corpus`, `mention_index`), and four
  that name tools of a kind by product (`kind_index`).
- The real CLI in child processes (`child_cli`, `models_dir`) and index snapshots.
- A scripted OpenAI-compatible server (`openai_server`, from tests/openai_server.py).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from pydantic_ai import models

from assistant.core.embedding import FastEmbedder, assemble_model_dir
from assistant.core.schema import SKILL_CATEGORIES, Chunk, Posting, SkillsByCategory, stable_id
from assistant.core.settings import Settings
from assistant.offline.router import DECLINE, TOOLS, Router
from assistant.store.base import Point, SparseVec, Store
from assistant.store.collections import CHUNKS, FILES, POSTINGS, chunk_payload, posting_payload, specs
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy

from . import openai_server as scripted_openai_server

if TYPE_CHECKING:
    from assistant.services import Services

# No test may reach a real LLM provider; scripted models stand in.
models.ALLOW_MODEL_REQUESTS = False


# --- The real corpus (integration tests) -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The corpus root named by ASSISTANT_CORPUS_DIR (CI sets ../shared/corpus); skip when absent."""
    root = Settings().corpus_dir.resolve()
    if not (root / "field-guide").is_dir():
        pytest.skip(f"no corpus at {root}: set ASSISTANT_CORPUS_DIR to a corpus root")
    return root


@pytest.fixture(scope="session")
def full_index(corpus_dir: Path) -> Iterator[Services]:
    """Services over the whole corpus, ingested into the configured data dir (a no-op when current)."""
    from assistant.services import Services
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    settings = Settings(corpus_dir=corpus_dir)
    writer = Services(settings)
    spec = ChunkSpec(settings.chunk_tokens, settings.chunk_overlap)
    Ingester(writer.store, writer.embedder, writer.taxonomy, spec).run(corpus_dir)
    writer.store.close()
    # Read-only from here on, so tests may also run CLI processes against the same index.
    services = Services(settings, read_only=True, embedder=writer.embedder)
    yield services
    services.close()


# --- A fake embedder ---------------------------------------------------------------------------------------------


class FakeEmbedder:
    """Hashed bag of words: texts sharing words get similar vectors; no model files needed."""

    name = "fake-hash-embedder"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0
        self.embedded = 0

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            h = int(hashlib.md5(word.encode()).hexdigest(), 16)
            vec[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def passages(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.embedded += len(texts)
        return [self._vector(t) for t in texts]

    def query(self, text: str) -> list[float]:
        return self._vector(text)

    def queries(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.query(t) for t in texts]

    def sparse_passages(self, texts: Sequence[str]) -> list[SparseVec]:
        return [self._sparse(t) for t in texts]

    def sparse_query(self, text: str) -> SparseVec:
        return self._sparse(text)

    def _sparse(self, text: str) -> SparseVec:
        counts: dict[int, float] = {}
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            idx = int(hashlib.md5(word.encode()).hexdigest(), 16) % 100_000
            counts[idx] = counts.get(idx, 0.0) + 1.0
        return SparseVec(indices=sorted(counts), values=[counts[i] for i in sorted(counts)])


@pytest.fixture(scope="session")
def fake_embedder() -> type[FakeEmbedder]:
    """The FakeEmbedder class: call it (with a dimension, 64 by default) for a fresh embedder with its own counters."""
    return FakeEmbedder


# --- The tiny corpus and its index (agent, app and CLI tests) ----------------------------------------------------

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

TINY_SKILLS_GUIDE = """# Skills AI Engineers Use

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


TINY_POSTINGS: tuple[FixturePosting, ...] = (
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


def write_tiny_corpus(root: Path) -> Path:
    """Write the guides and postings under root (a corpus root holding `field-guide/`); returns root."""
    guide = root / "field-guide"
    for rel, text in (
        ("learning-paths/from-data-engineer.md", GUIDE_DE),
        ("learning-paths/from-backend-engineer.md", GUIDE_BE),
        ("role/02-skills.md", TINY_SKILLS_GUIDE),
    ):
        (guide / rel).parent.mkdir(parents=True, exist_ok=True)
        (guide / rel).write_text(text, encoding="utf-8")
    market = guide / "job-market"
    for sub in ("data_raw", "data_structured", "_internal"):
        (market / sub).mkdir(parents=True, exist_ok=True)
    for p in TINY_POSTINGS:
        name = f"{p.job_id}_{p.company.replace(' ', '_')}.yaml"
        (market / "data_raw" / name).write_text(yaml.safe_dump(_raw(p), sort_keys=False), encoding="utf-8")
        (market / "data_structured" / name).write_text(yaml.safe_dump(_structured(p), sort_keys=False), encoding="utf-8")
    with (market / "_internal" / "all_jobs_dedup.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "company", "location", "work_type", "level", "compensation", "link", "id", "scraped_date"])
        for p in TINY_POSTINGS:
            writer.writerow([p.title, p.company, p.location, p.work_type, p.level, p.compensation, p.url, p.job_id, "2026-02-11"])
    return root


# The hashed bag-of-words embedder's similarities are too noisy to calibrate a decline threshold
# on, so tiny-index tests never decline on score (the integration tests use the calibrated one).
NEVER_DECLINE = -1.0


def _tiny_settings(root: Path, **overrides: object) -> Settings:
    """Settings that ignore the environment's model and keys."""
    values: dict[str, object] = {
        "data_dir": root,
        "corpus_dir": root / "corpus",
        "model": "offline",
        "openai_api_key": None,
        "openai_base_url": None,
        "model_timeout_s": 30.0,
    }
    return Settings(_env_file=None, **{**values, **overrides})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Services over three guides and eight postings in a Qdrant Edge index."""
    from assistant.services import Services
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    root = tmp_path_factory.mktemp("tiny")
    write_tiny_corpus(root / "corpus")
    store = EdgeStore.open(root / "index")
    embedder = FakeEmbedder()
    Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8)).run(root / "corpus")
    services = Services(_tiny_settings(root), store=store, embedder=embedder)
    yield services
    services.close()


@dataclass(frozen=True)
class TinyCorpus:
    """The tiny corpus for tests that write it themselves: `write(root)`, its postings and its learning path."""

    postings: tuple[FixturePosting, ...] = TINY_POSTINGS
    learning_path_source: str = LEARNING_PATH_SOURCE

    @staticmethod
    def write(root: Path) -> Path:
        """Write the guides and postings under root (a corpus root holding `field-guide/`); returns root."""
        return write_tiny_corpus(root)


@pytest.fixture(scope="session")
def tiny_corpus() -> TinyCorpus:
    """The tiny corpus: three guides and eight postings in the field-guide layout."""
    return TinyCorpus()


@pytest.fixture(scope="session")
def tiny_settings() -> Callable[..., Settings]:
    """`tiny_settings(root, **overrides)`: Settings over data dir root that ignore the environment's model and keys."""
    return _tiny_settings


@pytest.fixture(scope="session")
def never_decline() -> float:
    """The offline model's decline threshold for tiny-index tests: it never declines on score."""
    return NEVER_DECLINE


@pytest.fixture
def offline(tiny: Services, router: Router) -> Iterator[None]:
    """The offline model over the tiny index's embedder, never declining on the fake embedder's scores."""
    from assistant.agent.build import career_agent
    from assistant.offline.model import offline_model

    with career_agent().override(model=offline_model(tiny.embedder, NEVER_DECLINE, router=router)):
        yield


# --- Market data: ten postings and a few guide chunks written into a real store ----------------------------------
#
# Skills are given as free text, the way the structured postings list them ("Large Language Models",
# "Retrieval-Augmented Generation", "Google Cloud", "CI-CD"), and canonicalised by the real taxonomy,
# exactly as ingest does. Counts the tests rely on (of 10):
# Python 9, RAG 6, AWS 5, Docker 4, LLMs 3, Kubernetes 2, GCP 2, SQL 2, Spark 2;
# Berlin 3, New York 4, London 3; ai-first 6 (1 2 4 5 8 10), ai-support 3 (3 6 9), ml-first 1 (7).

MARKET_GUIDE = "field-guide/learning-paths/from-data-engineer.md"
MARKET_ROLE_GUIDE = "field-guide/role/skills.md"

# job id, city, country, ai_type, level, company, skills by category, compensation, posted date
MARKET_ROWS: list[tuple[str, str, str, str, str, str, dict[str, list[str]], str | None, str]] = [
    (
        "1",
        "Berlin",
        "DEU",
        "ai-first",
        "Senior level",
        "Acme",
        {"genai": ["RAG", "LLMs"], "languages": ["Python"], "cloud": ["AWS"], "ops": ["Docker"]},
        "70K-90K Annually",
        "2026-01-10",
    ),
    (
        "2",
        "Berlin",
        "DEU",
        "ai-first",
        "Mid level",
        "Acme",
        {"genai": ["Retrieval-Augmented Generation", "Large Language Models"], "languages": ["Python"], "ops": ["Kubernetes"]},
        "50K-70K Annually",
        "2026-01-10",
    ),
    (
        "3",
        "Berlin",
        "DEU",
        "ai-support",
        "Senior level",
        "Beta",
        {"languages": ["Python", "SQL"], "data": ["Spark"], "cloud": ["GCP"]},
        None,
        "2026-01-10",
    ),
    (
        "4",
        "New York",
        "USA",
        "ai-first",
        "Senior level",
        "Gamma",
        {"genai": ["RAG", "prompt engineering"], "languages": ["Python"], "cloud": ["AWS"], "ops": ["Docker", "Kubernetes"]},
        "150K-200K Annually",
        "2026-01-10",
    ),
    (
        "5",
        "New York",
        "USA",
        "ai-first",
        "Mid level",
        "Gamma",
        {"genai": ["RAG"], "languages": ["Python", "TypeScript"], "cloud": ["Google Cloud"]},
        "100K-140K Annually",
        "2026-01-10",
    ),
    (
        "6",
        "New York",
        "USA",
        "ai-support",
        "Mid level",
        "Delta",
        {"languages": ["Python", "SQL"], "data": ["Airflow", "Spark"], "cloud": ["AWS"]},
        "50-70 Hourly",
        "2026-02-05",
    ),
    (
        "7",
        "New York",
        "USA",
        "ml-first",
        "Senior level",
        "Delta",
        {"ml": ["PyTorch"], "languages": ["Python"], "ops": ["Docker"]},
        "Competitive",
        "2026-02-05",
    ),
    (
        "8",
        "London",
        "GBR",
        "ai-first",
        "Senior level",
        "Epsilon",
        {"genai": ["LLMs", "RAG"], "languages": ["Python"], "cloud": ["AWS"]},
        "80K-100K Annually",
        "2026-02-05",
    ),
    (
        "9",
        "London",
        "GBR",
        "ai-support",
        "Junior",
        "Epsilon",
        {"languages": ["Java"], "cloud": ["AWS"], "ops": ["CI-CD"]},
        "2-5 Annually",
        "2026-02-05",
    ),
    (
        "10",
        "London",
        "GBR",
        "ai-first",
        "Mid level",
        "Zeta",
        {"genai": ["RAG", "LLM APIs", "evaluation"], "languages": ["Python"], "ops": ["Docker"]},
        None,
        "2026-02-05",
    ),
]

# Guide passages written for the tests (not corpus text): source, doc type, section, text.
MARKET_GUIDE_CHUNKS: list[tuple[str, str, str, str]] = [
    (MARKET_GUIDE, "learning_path", "What to learn", "Learn RAG: chunk documents, embed them, retrieve and ground LLM answers."),
    (MARKET_GUIDE, "learning_path", "Skills you have", "Your Python, SQL and Airflow pipelines carry over to AI engineering."),
    (MARKET_ROLE_GUIDE, "role_guide", "Kubernetes", "Kubernetes and Docker deploy LLM services; learn pods and autoscaling."),
    (MARKET_ROLE_GUIDE, "role_guide", "Evaluation", "Evaluation of LLM systems: test sets, LLM as a judge, regression checks."),
    ("field-guide/webinars/01.md", "webinar", "Q&A", "In the webinar we talked about RAG and careers."),
]


def market_postings(taxonomy: Taxonomy) -> list[Posting]:
    """The fixture postings with canonical skills filled in by the taxonomy."""
    out = []
    for job_id, city, country, ai_type, level, company, skills, pay, day in MARKET_ROWS:
        by_category = SkillsByCategory(**skills)
        out.append(
            Posting(
                job_id=job_id,
                source=f"field-guide/job-market/data_raw/{job_id}_{company}.yaml",
                title=f"AI Engineer {job_id}",
                company=company,
                city=city,
                country=country,
                ai_type=ai_type,
                level=level,
                skills=by_category,
                compensation=pay,
                posted_date=day,
                url=f"https://example.com/job/{job_id}",
                canonical_skills=taxonomy.canonical_set(by_category.all()),
            )
        )
    return out


def fill_market(store: Store, taxonomy: Taxonomy, embedder: FakeEmbedder, *, chunks: bool = False) -> None:
    """Create the collections and upsert the postings (and, when asked, the guide chunks)."""
    from ingest.pipeline import posting_id

    for name, spec in specs(embedder.dim).items():
        store.ensure_collection(name, spec)
    items = market_postings(taxonomy)
    vectors = embedder.passages([p.title for p in items])
    store.upsert(POSTINGS, [Point(posting_id(p.job_id), posting_payload(p), v) for p, v in zip(items, vectors, strict=True)])
    if chunks:
        rows = [
            Chunk(
                id=stable_id(f"{src}#{i}"),
                source=src,
                position=i,
                title=src.rsplit("/", 1)[-1],
                doc_type=dt,
                section=sec,
                text=text,
                content_hash=f"sha256-of-{src}",
            )
            for i, (src, dt, sec, text) in enumerate(MARKET_GUIDE_CHUNKS)
        ]
        texts = [c.embedding_text() for c in rows]
        store.upsert(
            CHUNKS,
            [
                Point(c.id, chunk_payload(c), d, s)
                for c, d, s in zip(rows, embedder.passages(texts), embedder.sparse_passages(texts), strict=True)
            ],
        )


class MarketData:
    """The ten market postings: `fill(store, taxonomy, embedder, chunks=False)` writes them; `guide` is the learning path."""

    guide = MARKET_GUIDE
    fill = staticmethod(fill_market)


@pytest.fixture(scope="session")
def market_data() -> type[MarketData]:
    """Ten fixture postings (and a few guide chunks) to write into a real store; see MarketData."""
    return MarketData


# --- Postings that name a skill only in their description or only in their tags ----------------------------------
#
# Kubernetes: listed by Gamma, only described by Acme (whose benefits also say "vision"). Rust: only in Beta's raw
# tags (its structured list wins for the figures). Flurbo: no skill yet, named by Delta, for a taxonomy change.

# job id, company, city, structured skills, raw tags, description
MENTION_ROWS: list[tuple[str, str, str, dict[str, list[str]], list[str], str]] = [
    (
        "7100001",
        "Acme",
        "Berlin, DEU",
        {"genai": ["RAG"], "languages": ["Python"]},
        ["Python", "RAG"],
        "Acme builds retrieval products.\n\nYou will deploy our services on Kubernetes.\n\nBenefits: medical, dental, vision.",
    ),
    (
        "7100002",
        "Beta",
        "Berlin, DEU",
        {"languages": ["Python"]},
        ["Python", "Rust"],
        "Beta writes fast services at the cutting-edge AI frontier.",
    ),
    (
        "7100003",
        "Gamma",
        "Berlin, DEU",
        {"languages": ["Python"], "ops": ["Kubernetes"]},
        ["Python", "Kubernetes"],
        "Gamma runs Kubernetes clusters. Apply at https://gamma.example.org/http-jobs",
    ),
    (
        "7100004",
        "Delta",
        "London, England",
        {"genai": ["RAG"]},
        [],
        "You excel at shipping RAG. Flurbo experience is a plus.",
    ),
]


# Skills named by their kind ("vector db", "LLM provider"): Nova lists Pinecone, Orbit names Weaviate only in its
# description, Pulse lists the concept Vector databases, Quill names Claude only in its description.
KIND_ROWS: list[tuple[str, str, str, dict[str, list[str]], list[str], str]] = [
    ("7200001", "Nova", "Berlin, DEU", {"genai": ["RAG", "Pinecone"], "languages": ["Python"]}, [], "Nova ranks files."),
    ("7200002", "Orbit", "Berlin, DEU", {"languages": ["Python"]}, ["Python"], "Orbit keeps its embeddings in Weaviate."),
    ("7200003", "Pulse", "Berlin, DEU", {"genai": ["vector databases"], "languages": ["Python"]}, [], "Pulse ranks papers."),
    ("7200004", "Quill", "London, England", {"genai": ["RAG"], "languages": ["Python"]}, [], "Quill drafts reports with Claude."),
]


def write_mention_corpus(root: Path, rows: Sequence[tuple[str, str, str, dict[str, list[str]], list[str], str]] = ()) -> Path:
    """The postings (the four MENTION_ROWS unless given) as raw and structured files under root/jobs; returns root."""
    for sub in ("data_raw", "data_structured"):
        (root / "jobs" / sub).mkdir(parents=True, exist_ok=True)
    for job_id, company, location, skills, tags, description in rows or MENTION_ROWS:
        raw = {"job_id": int(job_id), "title": "AI Engineer", "company": company, "location": location, "skills": tags}
        raw |= {"description": description, "posted_date": "2026-02-10", "url": f"https://jobs.example.org/{job_id}"}
        position = {"title": "AI Engineer", "ai_type": {"type": "ai-first"}, "skills": skills}
        structured = {"company": {"name": company}, "position": position, "meta": {"job_id": job_id}}
        for sub, data in (("data_raw", raw), ("data_structured", structured)):
            (root / "jobs" / sub / f"{job_id}_{company}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def mention_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Services over the four postings (write_mention_corpus) in a Qdrant Edge index built with the fake embedder."""
    from assistant.services import Services
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    root = tmp_path_factory.mktemp("mentions")
    store = EdgeStore.open(root / "index")
    embedder = FakeEmbedder()
    Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8)).run(write_mention_corpus(root / "corpus"))
    services = Services(_tiny_settings(root), store=store, embedder=embedder)
    yield services
    services.close()


@pytest.fixture(scope="module")
def kind_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Services over the four KIND_ROWS postings in a Qdrant Edge index built with the fake embedder."""
    from assistant.services import Services
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    root = tmp_path_factory.mktemp("kinds")
    store = EdgeStore.open(root / "index")
    embedder = FakeEmbedder()
    Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8)).run(write_mention_corpus(root / "corpus", KIND_ROWS))
    services = Services(_tiny_settings(root), store=store, embedder=embedder)
    yield services
    services.close()


@pytest.fixture(scope="session")
def mention_corpus() -> Callable[[Path], Path]:
    """`mention_corpus(root)`: write the four postings that name skills only in descriptions or tags; returns root."""
    return write_mention_corpus


# --- The real CLI in child processes -----------------------------------------------------------------------------


CLI = [sys.executable, "-m", "assistant.cli"]
CLI_TIMEOUT_S = 180


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline embedding model assembled once; every test data dir links to it."""
    target = tmp_path_factory.mktemp("models")
    assemble_model_dir(target)
    return target


def _make_data_dir(path: Path, models: Path) -> Path:
    """An empty data dir whose models folder is the shared assembled model."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "models").symlink_to(models)
    return path


def _cli_env(data_dir: Path, corpus: Path) -> dict[str, str]:
    """The child's environment: ours without any ASSISTANT_ setting, then the test's data and corpus dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    # Wide columns: rich would otherwise wrap long paths in messages at 80 characters.
    return env | {"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_CORPUS_DIR": str(corpus), "COLUMNS": "500"}


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion (cwd outside the repo, so no .env file is read)."""
    return subprocess.run([*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=CLI_TIMEOUT_S)


def _start_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """Start the CLI in the background."""
    return subprocess.Popen([*CLI, *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _assert_clear_failure(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit code 1, an error and a fix line naming the words, and no traceback."""
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "error:" in proc.stderr and "fix:" in proc.stderr, proc.stderr[-2000:]
    for word in words:
        assert word in proc.stderr, (word, proc.stderr[-2000:])


def _snapshot(index: Path, vectors: bool = True) -> dict[str, Any]:
    """Every point of every collection (id, payload, vectors rounded) and the embedding model; checks for duplicates."""
    with EdgeStore.open(index, read_only=True) as store:
        shot: dict[str, Any] = {"model": (store.read_meta() or {}).get("embedding_model")}
        for name in (CHUNKS, POSTINGS, FILES):
            points = list(store.scroll_points(name))
            assert store.count(name) == len(points) == len({p.id for p in points}), f"duplicate ids in {name}"
            shot[name] = {
                p.id: json.dumps(
                    [p.payload, [round(v, 5) for v in p.dense or []] if vectors else None, p.sparse if vectors else None],
                    sort_keys=True,
                    default=str,
                )
                for p in points
            }
    chunk_keys = [(json.loads(v)[0]["source"], json.loads(v)[0]["position"]) for v in shot[CHUNKS].values()]
    assert len(chunk_keys) == len(set(chunk_keys)), "two chunks share a source and position"
    return shot


def _copy_index(source: Path, target: Path) -> None:
    """Copy an index dir keeping Edge's sparse files sparse."""
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["cp", "-a", "--sparse=always", str(source), str(target)], check=True, timeout=120)


class ChildCLI:
    """The real CLI in child processes: data dirs, the child's environment, runs, and the check of a clear failure."""

    timeout_s = CLI_TIMEOUT_S
    data_dir = staticmethod(_make_data_dir)
    env = staticmethod(_cli_env)
    run = staticmethod(_cli)
    start = staticmethod(_start_cli)
    assert_clear_failure = staticmethod(_assert_clear_failure)


@pytest.fixture(scope="session")
def child_cli() -> ChildCLI:
    """Run `python -m assistant.cli` in child processes; see ChildCLI."""
    return ChildCLI()


@pytest.fixture(scope="session")
def snapshot() -> Callable[..., dict[str, Any]]:
    """`snapshot(index, vectors=True)`: every point of every collection of an Edge index, checked for duplicates."""
    return _snapshot


@pytest.fixture(scope="session")
def copy_index() -> Callable[[Path, Path], None]:
    """`copy_index(source, target)`: copy an index dir keeping Edge's sparse files sparse."""
    return _copy_index


# --- A scripted OpenAI-compatible server -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def openai_server() -> ModuleType:
    """tests/openai_server.py: `Script` (subclass it, override `respond`), `Call`, `Reply`, `serve`, `tool_messages`, `error_body`."""
    return scripted_openai_server


# --- The router over the real embedding model (the offline model's understanding, as it runs) ---------------------------


@pytest.fixture(scope="session")
def real_embedder(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> FastEmbedder:
    """MiniLM from the assembled model files, as the app runs it."""
    data = tmp_path_factory.mktemp("router-data")
    (data / "models").symlink_to(models_dir)
    return FastEmbedder(Settings(data_dir=data, _env_file=None))  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def router(real_embedder: FastEmbedder, tmp_path_factory: pytest.TempPathFactory) -> Router:
    """The router trained on the example bank, once per test session."""
    return Router.build(real_embedder, tmp_path_factory.mktemp("router"))


class FixedScores:
    """A question classifier giving every text the same scores (labels not given score 0)."""

    def __init__(self, **given: float) -> None:
        self.given = given

    def scores(self, text: str) -> dict[str, float]:
        return {label: self.given.get(label, 0.0) for label in (*TOOLS, DECLINE)}


@pytest.fixture
def fixed_router() -> Callable[..., Router]:
    """A router over fixed label scores: how the offline model acts on a route, without a model."""
    return lambda **scores: Router(FixedScores(**scores))
