"""The command line, in process against small real indexes, and once as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli.root import app
from assistant.core.settings import Settings
from assistant.services import Services

runner = CliRunner()


@pytest.fixture
def services(tmp_path: Path, fake_embedder: Callable[..., Any]) -> Services:
    root = tmp_path / "corpus"
    (root / "role").mkdir(parents=True)
    (root / "role" / "skills.md").write_text("# Skills\n\n## Evaluation\n\nEvaluate LLM answers with labelled questions.\n")
    (root / "notes.txt").write_text("Notes\n\nPortfolio projects matter.\n")
    return Services(Settings(corpus_dir=root, data_dir=tmp_path / "data"), embedder=fake_embedder())


def _ingest(services: Services) -> None:
    result = runner.invoke(app, ["ingest"], obj=services)
    assert result.exit_code == 0, result.output


def test_ingest_prints_a_summary(services: Services) -> None:
    result = runner.invoke(app, ["ingest"], obj=services)
    assert result.exit_code == 0
    assert "texts embedded (dense)" in result.output and "chunks indexed" in result.output


def test_search_json_has_the_documented_shape(services: Services) -> None:
    _ingest(services)
    result = runner.invoke(app, ["search", "evaluate LLM answers", "--json", "--limit", "1"], obj=services)
    data = json.loads(result.stdout)
    assert data["query"] == "evaluate LLM answers"
    hit = data["results"][0]
    assert set(hit) >= {"source", "title", "section", "score", "text", "url"}
    assert hit["source"] == "role/skills.md" and hit["section"] == "Evaluation"


def test_search_human_output_names_source(services: Services) -> None:
    _ingest(services)
    result = runner.invoke(app, ["search", "portfolio projects"], obj=services)
    assert "notes.txt" in result.output


def test_info_json_counts_documents_and_chunks(services: Services) -> None:
    _ingest(services)
    data = json.loads(runner.invoke(app, ["info", "--json"], obj=services).stdout)
    assert data["documents"] == 2 and data["chunks"] >= 2
    assert data["embedding_model"] == "fake-hash-embedder"
    assert data["chunks_by_doc_type"]["role_guide"] >= 1


def test_config_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-do-not-print")
    result = runner.invoke(app, ["config", "--json"])
    assert "sk-test-do-not-print" not in result.output
    assert json.loads(result.stdout)["openai_api_key"] == "****"


def test_missing_index_is_a_clear_message_not_a_traceback(tmp_path: Path) -> None:
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "nodata"), "ASSISTANT_CORPUS_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "info"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "make ingest" in proc.stderr and "Traceback" not in proc.stderr


def test_prepare_trains_the_question_router_into_the_models_dir(tmp_path: Path, child_cli: Any, models_dir: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").mkdir()
    for f in models_dir.iterdir():  # the assembled model, without any router a session trained before
        if not f.name.startswith("router-"):
            (data / "models" / f.name).symlink_to(f)
    proc = child_cli.run(["prepare"], child_cli.env(data, tmp_path), tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "question router ready" in proc.stdout
    assert len(list((data / "models").glob("router-*.npz"))) == 1
