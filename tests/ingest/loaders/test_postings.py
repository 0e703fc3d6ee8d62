"""Job postings: raw + structured + listing row joined into one Posting and a description document."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.schema import GLANCE_SECTION
from assistant.errors import LoaderError
from ingest.loaders import discover_units, load_unit
from ingest.loaders.base import LoadedUnit
from ingest.loaders.posting_text import description_sections
from ingest.loaders.postings import PostingParts, build_posting

RAW = """job_id: 101
title: AI Engineer
company: Acme
location: Berlin, DEU
work_type: FULL_TIME
level: Expert/Leader
skills:
  - Python
  - LangChain
description: |
  Acme builds agents for logistics.

  What You'll Do

  - Build RAG pipelines that
    answer questions
  - Ship evals

  Requirements

  - Python
posted_date: 2026-01-26
url: https://builtin.com/job/ai-engineer/101
"""
STRUCTURED = """company:
  name: Acme
  stage: Series A
  focus: Agents for logistics
position:
  title: AI Engineer
  ai_type:
    type: ai-first
    reasoning: builds agents
  responsibilities:
  - Build RAG pipelines
  use_cases:
  - Support chatbot
  skills:
    genai: [RAG, LangChain]
    languages: [Python]
    quantum: [Qiskit]
  is_customer_facing: false
  is_management: true
meta:
  job_id: '101'
"""
HEADER = "title,company,location,work_type,level,compensation,link,id,scraped_date\n"
ROW = 'AI Engineer,Acme,"Berlin, DEU",Hybrid,Senior level,80K-100K Annually,https://builtin.com/job/x/101,101,2026-02-04\n'
MARKET = "jobs/market"


def market(tmp_path: Path, raw: str | None = RAW, structured: str | None = STRUCTURED, csv: str | None = HEADER + ROW) -> Path:
    """Write a one-job job-market folder under tmp_path and return the corpus root."""
    base = tmp_path / MARKET
    (base / "data_raw").mkdir(parents=True)
    (base / "data_structured").mkdir()
    if raw is not None:
        (base / "data_raw" / "101_Acme_AI_Engineer.yaml").write_text(raw, encoding="utf-8")
    if structured is not None:
        (base / "data_structured" / "101_Acme_AI_Engineer.yaml").write_text(structured, encoding="utf-8")
    if csv is not None:
        (base / "_internal").mkdir()
        (base / "_internal" / "all_jobs_dedup.csv").write_text(csv, encoding="utf-8")
    return tmp_path


def load_only(root: Path) -> LoadedUnit:
    units, _ = discover_units(root)
    assert len(units) == 1
    return load_unit(units[0], root)


def test_fields_are_joined_from_all_three_sources(tmp_path: Path) -> None:
    posting = load_only(market(tmp_path)).postings[0]
    assert (posting.job_id, posting.title, posting.company) == ("101", "AI Engineer", "Acme")
    assert (posting.company_stage, posting.company_focus) == ("Series A", "Agents for logistics")
    assert (posting.city, posting.country, posting.location) == ("Berlin", "DEU", "Berlin, DEU")
    assert (posting.work_type, posting.level, posting.ai_type) == ("Hybrid", "Senior level", "ai-first")
    assert (posting.compensation, posting.posted_date) == ("80K-100K Annually", "2026-01-26")
    assert posting.url == "https://builtin.com/job/ai-engineer/101"
    assert (posting.is_customer_facing, posting.is_management) == (False, True)


def test_skills_keep_their_categories_and_unknown_ones_go_to_other(tmp_path: Path) -> None:
    posting = load_only(market(tmp_path)).postings[0]
    assert posting.skills.genai == ["RAG", "LangChain"]
    assert posting.skills.other == ["Qiskit"]
    assert posting.raw_skills == ["Python", "LangChain"]
    assert posting.responsibilities == ["Build RAG pipelines"] and posting.use_cases == ["Support chatbot"]


def test_source_is_the_data_raw_file(tmp_path: Path) -> None:
    loaded = load_only(market(tmp_path))
    assert loaded.unit.source == f"{MARKET}/data_raw/101_Acme_AI_Engineer.yaml"
    assert loaded.postings[0].source == loaded.documents[0].source == loaded.unit.source


def test_description_becomes_a_job_posting_document(tmp_path: Path) -> None:
    loaded = load_only(market(tmp_path))
    doc = loaded.documents[0]
    assert (doc.title, doc.doc_type, doc.company, doc.city, doc.job_id) == (
        "AI Engineer at Acme",
        "job_posting",
        "Acme",
        "Berlin",
        "101",
    )
    assert doc.url == "https://builtin.com/job/ai-engineer/101"
    assert doc.content_hash == loaded.unit.content_hash


def test_description_sections_follow_its_own_headings_and_unwrap_lines(tmp_path: Path) -> None:
    doc = load_only(market(tmp_path)).documents[0]
    assert [s.heading for s in doc.sections] == ["", "What You'll Do", "Requirements", GLANCE_SECTION]
    assert doc.sections[1].text == "- Build RAG pipelines that answer questions\n- Ship evals"


def test_the_glance_section_holds_the_extraction_not_the_description(tmp_path: Path) -> None:
    loaded = load_only(market(tmp_path))
    glance = loaded.documents[0].sections[-1]
    posting = loaded.postings[0]
    assert glance.heading == GLANCE_SECTION
    assert posting.responsibilities and all(r in glance.text for r in posting.responsibilities)
    assert "Skills: " in glance.text
    assert "What You'll Do" not in glance.text


def test_without_an_extraction_the_glance_section_is_the_description(tmp_path: Path) -> None:
    loaded = load_only(market(tmp_path, structured=None))
    glance = loaded.documents[0].sections[-1]
    assert glance.heading == GLANCE_SECTION
    assert "Build RAG pipelines that answer questions" in glance.text


def test_raw_without_structured_twin_still_loads_without_problem(tmp_path: Path) -> None:
    root = market(tmp_path, structured=None)
    units, problems = discover_units(root)
    loaded = load_unit(units[0], root)
    assert problems == [] and loaded.warnings == []
    assert loaded.postings[0].title == "AI Engineer" and loaded.postings[0].ai_type is None


def test_structured_without_raw_twin_is_reported_and_still_loads(tmp_path: Path) -> None:
    root = market(tmp_path, raw=None)
    units, problems = discover_units(root)
    assert [p.source for p in problems] == [f"{MARKET}/data_structured/101_Acme_AI_Engineer.yaml"]
    loaded = load_unit(units[0], root)
    assert loaded.postings[0].source == f"{MARKET}/data_structured/101_Acme_AI_Engineer.yaml"
    assert loaded.postings[0].posted_date == "2026-02-04"  # listing scraped_date
    assert [s.heading for s in loaded.documents[0].sections] == ["Responsibilities", "Use cases", "Skills", GLANCE_SECTION]


def test_raw_with_unindented_description_lines_is_read_leniently(tmp_path: Path) -> None:
    broken = RAW.replace("  - Ship evals\n", "We ship evals:\n  - Ship evals\n")
    loaded = load_only(market(tmp_path, raw=broken))
    assert len(loaded.warnings) == 1 and "invalid YAML" in loaded.warnings[0]
    assert loaded.unit.source.endswith("data_raw/101_Acme_AI_Engineer.yaml")
    assert "We ship evals:" in "\n".join(s.text for s in loaded.documents[0].sections)
    assert loaded.postings[0].url == "https://builtin.com/job/ai-engineer/101"


def test_unusable_raw_falls_back_to_structured_and_listing(tmp_path: Path) -> None:
    loaded = load_only(market(tmp_path, raw="title: [unclosed\ncompany: {\n"))
    posting = loaded.postings[0]
    assert any("invalid YAML" in w for w in loaded.warnings)
    assert (posting.title, posting.company, posting.city) == ("AI Engineer", "Acme", "Berlin")
    assert posting.url == "https://builtin.com/job/x/101"  # listing link


def test_structured_job_id_mismatch_is_a_warning(tmp_path: Path) -> None:
    loaded = load_only(market(tmp_path, structured=STRUCTURED.replace("'101'", "'999'")))
    assert any("999" in w for w in loaded.warnings)


def test_no_title_or_company_anywhere_raises_loader_error(tmp_path: Path) -> None:
    root = market(tmp_path, raw="job_id: 101\ndescription: x\n", structured=None, csv=None)
    units, _ = discover_units(root)
    with pytest.raises(LoaderError, match="no job title or company"):
        load_unit(units[0], root)


def test_employment_type_is_not_used_as_work_type() -> None:
    parts = PostingParts(job_id="1", source="s", raw={"title": "T", "company": "C", "work_type": "FULL_TIME"})
    assert build_posting(parts).work_type is None


def test_remote_location_gives_remote_work_type() -> None:
    parts = PostingParts(job_id="1", source="s", raw={"title": "T", "company": "C", "location": "Remote - US"})
    posting = build_posting(parts)
    assert (posting.work_type, posting.city, posting.country) == ("Remote", None, "USA")


def test_listing_city_fills_in_when_raw_has_only_a_country() -> None:
    parts = PostingParts(
        job_id="1",
        source="s",
        raw={"title": "T", "company": "C", "location": "USA"},
        listing={"location": "Brooklyn, New York, NY, USA"},
    )
    assert (build_posting(parts).city, build_posting(parts).country) == ("New York", "USA")


def test_unknown_company_stage_is_none() -> None:
    parts = PostingParts(job_id="1", source="s", raw={"title": "T", "company": "C"}, structured={"company": {"stage": "Unknown"}})
    assert build_posting(parts).company_stage is None


def test_markdown_style_headings_in_a_description_are_found() -> None:
    sections = description_sections("Intro.\n\n## Requirements\n\n- Python\n\n**Benefits**\n\n- Equity\n")
    assert [s.heading for s in sections] == ["", "Requirements", "Benefits"]


def test_description_of_short_lines_only_stays_one_section() -> None:
    sections = description_sections("Python\n\nDocker\n\nKubernetes\n\nTerraform\n\nsome text")
    assert len(sections) == 1 and "Kubernetes" in sections[0].text


@pytest.mark.integration
def test_all_field_guide_postings_load(corpus_dir: Path) -> None:
    units, problems = discover_units(corpus_dir)
    postings = [u for u in units if u.kind == "posting" and u.source.startswith("field-guide/job-market/")]
    loaded = [load_unit(u, corpus_dir) for u in postings]
    assert problems == []
    assert len({p.job_id for u in loaded for p in u.postings}) == 1765
    assert all(len(u.documents) == 1 for u in loaded)


@pytest.mark.integration
def test_invalid_raw_posting_in_the_snapshot_is_built_with_a_warning(corpus_dir: Path) -> None:
    units, _ = discover_units(corpus_dir)
    unit = next(u for u in units if u.source.endswith("data_raw/7412075_Gesture_Full_Stack_AI_Engineer.yaml"))
    loaded = load_unit(unit, corpus_dir)
    assert any("invalid YAML" in w for w in loaded.warnings)
    posting = loaded.postings[0]
    assert (posting.company, posting.city, posting.ai_type) == ("Gesture", "New York", "ai-first")
    assert "fast-growing tech company" in "\n".join(s.text for s in loaded.documents[0].sections)
