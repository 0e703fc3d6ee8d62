"""Ten fixture postings and a few guide chunks, written by the tests into a real store.

Skills are given as free text, the way the structured postings list them ("Large Language Models",
"Retrieval-Augmented Generation", "Google Cloud", "CI-CD"), and canonicalised by the real taxonomy,
exactly as ingest does. Counts the tests rely on (of 10):
Python 9, RAG 6, AWS 5, Docker 4, LLMs 3, Kubernetes 2, GCP 2, SQL 2, Spark 2;
Berlin 3, New York 4, London 3; ai-first 6 (1 2 4 5 8 10), ai-support 3 (3 6 9), ml-first 1 (7).
"""

from __future__ import annotations

from assistant.core.schema import Chunk, Posting, SkillsByCategory, stable_id
from assistant.store.base import Point, Store
from assistant.store.collections import CHUNKS, POSTINGS, chunk_payload, posting_payload, specs
from assistant.vocab.skills import Taxonomy
from ingest.pipeline import posting_id
from tests.fakes import FakeEmbedder

GUIDE = "field-guide/learning-paths/from-data-engineer.md"
ROLE_GUIDE = "field-guide/role/skills.md"

# job id, city, country, ai_type, level, company, skills by category, compensation, posted date
ROWS: list[tuple[str, str, str, str, str, str, dict[str, list[str]], str | None, str]] = [
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
GUIDE_CHUNKS: list[tuple[str, str, str, str]] = [
    (GUIDE, "learning_path", "What to learn", "Learn RAG: chunk documents, embed them, retrieve and ground LLM answers."),
    (GUIDE, "learning_path", "Skills you have", "Your Python, SQL and Airflow pipelines carry over to AI engineering."),
    (ROLE_GUIDE, "role_guide", "Kubernetes", "Kubernetes and Docker deploy LLM services; learn pods and autoscaling."),
    (ROLE_GUIDE, "role_guide", "Evaluation", "Evaluation of LLM systems: test sets, LLM as a judge, regression checks."),
    ("field-guide/webinars/01.md", "webinar", "Q&A", "In the webinar we talked about RAG and careers."),
]


def postings(taxonomy: Taxonomy) -> list[Posting]:
    """The fixture postings with canonical skills filled in by the taxonomy."""
    out = []
    for job_id, city, country, ai_type, level, company, skills, pay, day in ROWS:
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


def fill(store: Store, taxonomy: Taxonomy, embedder: FakeEmbedder, *, chunks: bool = False) -> None:
    """Create the collections and upsert the postings (and, when asked, the guide chunks)."""
    for name, spec in specs(embedder.dim).items():
        store.ensure_collection(name, spec)
    items = postings(taxonomy)
    vectors = embedder.passages([p.title for p in items])
    store.upsert(POSTINGS, [Point(posting_id(p.job_id), posting_payload(p), v) for p, v in zip(items, vectors)])
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
            for i, (src, dt, sec, text) in enumerate(GUIDE_CHUNKS)
        ]
        texts = [c.embedding_text() for c in rows]
        store.upsert(
            CHUNKS,
            [
                Point(c.id, chunk_payload(c), d, s)
                for c, d, s in zip(rows, embedder.passages(texts), embedder.sparse_passages(texts))
            ],
        )
