"""Skill gap: inputs (list, text, CV PDF, background), ranking by demand, guide citations, examples, strengths."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, NameObject

from assistant.errors import InputError
from assistant.market import gap
from assistant.store.base import Store
from assistant.store.server import ServerStore
from assistant.vocab.skills import Taxonomy

TAX = Taxonomy.load()


@pytest.fixture(scope="module")
def embedder(fake_embedder: Callable[..., Any]) -> Any:
    return fake_embedder(16)


@pytest.fixture(scope="module")
def store(embedder: Any, market_data: Any) -> Iterator[Store]:
    s = ServerStore.memory()
    market_data.fill(s, TAX, embedder, chunks=True)
    yield s
    s.close()


def _pdf(path: Path, lines: list[str] | None = None) -> Path:
    """A one-page PDF: text lines, or only a raster image when `lines` is None."""
    fig = Figure(figsize=(8.5, 11))
    FigureCanvasPdf(fig)
    if lines is None:
        fig.figimage(np.random.default_rng(0).random((200, 200)))
    for i, line in enumerate(lines or []):
        fig.text(0.1, 0.9 - 0.05 * i, line)
    fig.savefig(path)
    return path


def test_profile_from_list_canonicalises_and_dedupes() -> None:
    profile = gap.profile_from_list(TAX, "spark, Airflow ,SQL, GCP, Google Cloud")
    assert profile.skills == ["Spark", "Airflow", "SQL", "GCP"]


def test_empty_skill_list_is_an_input_error() -> None:
    with pytest.raises(InputError, match="empty"):
        gap.profile_from_list(TAX, " , ,")


def test_unknown_skill_in_list_suggests_nearest() -> None:
    with pytest.raises(InputError, match="'Kubernets'") as exc:
        gap.profile_from_list(TAX, "Python, Kubernets")
    assert "Kubernetes" in (exc.value.hint or "")


def test_profile_from_free_text() -> None:
    profile = gap.profile_from_text(TAX, "I write Spark jobs and dbt models, and go to market fast.")
    assert profile.skills == ["Spark", "dbt"]


def test_free_text_without_skills_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no known skill"):
        gap.profile_from_text(TAX, "I like long walks on the beach.")


def test_profile_from_cv_pdf(tmp_path: Path) -> None:
    cv = _pdf(tmp_path / "cv.pdf", ["Jane Doe, Data Engineer", "Skills: Python, Spark, Airflow, SQL, Kubernetes"])
    profile = gap.profile_from_cv(TAX, cv)
    assert profile.skills == ["Python", "Spark", "Airflow", "SQL", "Kubernetes"]
    assert profile.origin == "CV cv.pdf"


def test_image_only_cv_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no extractable text") as exc:
        gap.profile_from_cv(TAX, _pdf(tmp_path / "scan.pdf"))
    assert "--skills" in (exc.value.hint or "")


def test_corrupt_cv_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(InputError, match=r"cannot read the CV .*broken.pdf"):
        gap.profile_from_cv(TAX, bad)


def test_password_protected_cv_is_an_input_error(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(_pdf(tmp_path / "plain.pdf", ["Skills: Python"])))
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    with pytest.raises(InputError, match="password-protected"):
        gap.profile_from_cv(TAX, locked)


def test_zip_named_pdf_is_an_input_error(tmp_path: Path) -> None:
    fake = tmp_path / "cv.pdf"
    with zipfile.ZipFile(fake, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.txt", b"0" * 5_000_000)
    with pytest.raises(InputError, match="cannot read the CV"):
        gap.profile_from_cv(TAX, fake)


def test_compression_bomb_page_is_refused_before_parsing(tmp_path: Path) -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    stream = ContentStream(None, writer)
    stream.set_data(b"BT /F1 12 Tf (x) Tj ET\n" + b" " * 20_000_000)
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    bomb = tmp_path / "bomb.pdf"
    writer.write(bomb)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(InputError, match="not a CV"):
        gap.profile_from_cv(TAX, bomb)


def test_missing_cv_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        gap.profile_from_cv(TAX, tmp_path / "nope.pdf")


def test_background_preset_carries_its_guide(market_data: Any) -> None:
    profile = gap.profile_from_background(TAX, "data-engineer")
    assert profile.guide == market_data.guide
    assert {"Python", "SQL", "Airflow", "Spark"} <= set(profile.skills)


def test_stated_skills_keep_the_named_backgrounds_guide(market_data: Any) -> None:
    profile = gap.with_path_of(gap.profile_from_list(TAX, "python, kafka"), "data-engineer")
    assert profile.skills == ["Python", "Kafka"]
    assert profile.guide == market_data.guide


def test_missing_skills_ranked_by_demand_in_target(store: Store, embedder: Any) -> None:
    report = gap.skill_gap(store, embedder, TAX, gap.profile_from_background(TAX, "data-engineer"), target="ai-first")
    assert report.total == 6
    assert [(m.skill, m.count) for m in report.missing] == [
        ("RAG", 6),
        ("LLMs", 3),
        ("Kubernetes", 2),
        ("Evaluation", 1),
        ("LLM APIs", 1),
        ("Prompt engineering", 1),
        ("TypeScript", 1),
    ]
    assert report.missing[0].share == 1.0 and report.missing[0].total == 6


def test_strengths_are_known_skills_with_market_share(store: Store, embedder: Any) -> None:
    report = gap.skill_gap(store, embedder, TAX, gap.profile_from_list(TAX, "python, docker, spark"), target="ai-first")
    assert [(s.skill, s.count) for s in report.strengths] == [("Python", 6), ("Docker", 3)]


def test_missing_skills_have_examples_from_the_target(store: Store, embedder: Any) -> None:
    report = gap.skill_gap(store, embedder, TAX, gap.profile_from_list(TAX, "python"), target="ai-first", k=2)
    rag = report.missing[0]
    assert rag.skill == "RAG" and len(rag.examples) == 2
    assert all(e.job_id in {"1", "2", "4", "5", "8", "10"} for e in rag.examples)


def test_citations_come_from_guides_with_the_background_guide_first(store: Store, embedder: Any, market_data: Any) -> None:
    report = gap.skill_gap(store, embedder, TAX, gap.profile_from_background(TAX, "data-engineer"), target="ai-first")
    assert all(m.citations[0].source == market_data.guide for m in report.missing)
    assert {c.doc_type for m in report.missing for c in m.citations} <= {"learning_path", "role_guide"}
    assert report.citations[0].source == market_data.guide
    kubernetes = next(m for m in report.missing if m.skill == "Kubernetes")
    assert "Kubernetes" in [c.section for c in kubernetes.citations]


def test_target_with_city_and_level(store: Store, embedder: Any) -> None:
    report = gap.skill_gap(store, embedder, TAX, gap.profile_from_list(TAX, "python"), target="ai-first", city="berlin")
    assert report.total == 2
    assert report.filters.as_dict() == {"city": "Berlin", "ai_type": "ai-first"}


def test_unknown_target_is_an_input_error(store: Store, embedder: Any) -> None:
    with pytest.raises(InputError, match="unknown target 'ai-last'"):
        gap.skill_gap(store, embedder, TAX, gap.profile_from_list(TAX, "python"), target="ai-last")
