"""Helpers for tests that run the real CLI in child processes: data dirs, environment, index snapshots."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.core.embedding import assemble_model_dir
from assistant.store.collections import CHUNKS, FILES, POSTINGS
from assistant.store.edge import EdgeStore

CLI = [sys.executable, "-m", "assistant.cli"]
CLI_TIMEOUT_S = 180


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline embedding model assembled once; every test data dir links to it."""
    target = tmp_path_factory.mktemp("models")
    assemble_model_dir(target)
    return target


def make_data_dir(path: Path, models: Path) -> Path:
    """An empty data dir whose models folder is the shared assembled model."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "models").symlink_to(models)
    return path


def cli_env(data_dir: Path, corpus: Path) -> dict[str, str]:
    """The child's environment: ours without any ASSISTANT_ setting, then the test's data and corpus dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    # Wide columns: rich would otherwise wrap long paths in messages at 80 characters.
    return env | {"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_CORPUS_DIR": str(corpus), "COLUMNS": "500"}


def cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion (cwd outside the repo, so no .env file is read)."""
    return subprocess.run([*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=CLI_TIMEOUT_S)


def start_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """Start the CLI in the background."""
    return subprocess.Popen([*CLI, *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_clear_failure(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit code 1, an error and a fix line naming the words, and no traceback."""
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "error:" in proc.stderr and "fix:" in proc.stderr, proc.stderr[-2000:]
    for word in words:
        assert word in proc.stderr, (word, proc.stderr[-2000:])


def snapshot(index: Path, vectors: bool = True) -> dict[str, Any]:
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


def copy_index(source: Path, target: Path) -> None:
    """Copy an index dir keeping Edge's sparse files sparse."""
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["cp", "-a", "--sparse=always", str(source), str(target)], check=True, timeout=120)
