"""Ingest records every skill a posting names (structured list, raw tags, description) and refreshes it when the taxonomy changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from assistant.core.embedding import Embedder
from assistant.services import Services
from assistant.store.base import Store
from assistant.store.collections import POSTINGS
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import DEFAULT_PATH, Taxonomy
from ingest import pipeline
from ingest.chunking import ChunkSpec
from ingest.loaders import load_unit
from ingest.loaders.base import LoadedUnit, SourceUnit
from ingest.pipeline import Ingester
from ingest.posting_skills import taxonomy_fingerprint


def _skills(store: Store, field: str) -> dict[str, list[str]]:
    return {r.payload["company"]: r.payload[field] for r in store.scroll(POSTINGS)}


def _with_flurbo(tmp_path: Path) -> Taxonomy:
    """The packaged taxonomy and one new skill, which only Delta's description names."""
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["skills"].append({"name": "Flurbo", "category": "other", "aliases": ["Flurbo"]})
    path = tmp_path / "skills.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return Taxonomy.load(path)


def test_mentions_come_from_the_description_and_the_tags_while_figures_keep_the_listed_skills(mention_index: Services) -> None:
    listed, mentioned = _skills(mention_index.store, "skills"), _skills(mention_index.store, "mentioned_skills")
    assert listed == {"Acme": ["Python", "RAG"], "Beta": ["Python"], "Gamma": ["Kubernetes", "Python"], "Delta": ["RAG"]}
    # Kubernetes only in Acme's description, Rust only in Beta's tags; benefits, links and "excel at" name nothing.
    assert mentioned == {
        "Acme": ["Kubernetes", "Python", "RAG"],
        "Beta": ["Python", "Rust"],
        "Gamma": ["Kubernetes", "Python"],
        "Delta": ["RAG"],
    }


def test_a_taxonomy_change_refreshes_mentions_from_the_indexed_text(
    tmp_path: Path, mention_corpus: Callable[[Path], Path], fake_embedder: Callable[[], Embedder]
) -> None:
    corpus = mention_corpus(tmp_path / "corpus")
    flurbo = _with_flurbo(tmp_path)
    with EdgeStore.open(tmp_path / "index") as store:
        Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(64, 8)).run(corpus)
        assert "Flurbo" not in _skills(store, "mentioned_skills")["Delta"]
        report = Ingester(store, fake_embedder(), flurbo, ChunkSpec(64, 8)).run(corpus)
        assert (report.refreshed, report.indexed) == (4, 0)  # nothing re-loaded: the mention is read from the chunks
        refreshed = _skills(store, "mentioned_skills")
        assert refreshed["Delta"] == ["Flurbo", "RAG"] and _skills(store, "skills")["Delta"] == ["RAG"]
    with EdgeStore.open(tmp_path / "fresh") as fresh:
        Ingester(fresh, fake_embedder(), flurbo, ChunkSpec(64, 8)).run(corpus)
        assert _skills(fresh, "mentioned_skills") == refreshed  # a refresh finds what a fresh ingest finds


def test_a_first_ingest_reads_each_posting_once(
    tmp_path: Path, mention_corpus: Callable[[Path], Path], fake_embedder: Callable[[], Embedder], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = mention_corpus(tmp_path / "corpus")
    read: list[str] = []

    def counting(unit: SourceUnit, root: Path) -> LoadedUnit:
        read.append(unit.source)
        return load_unit(unit, root)

    monkeypatch.setattr(pipeline, "load_unit", counting)
    with EdgeStore.open(tmp_path / "index") as store:
        report = Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(64, 8)).run(corpus)
        # Records first, passages after: the postings loaded for their records are not read again.
        assert report.postings == 4 and sorted(set(read)) == sorted(read)
        assert store.count(POSTINGS) == 4 and all(r.payload.get("chunks") for r in store.scroll(pipeline.FILES))


def test_the_fingerprint_changes_with_how_free_text_is_matched(tmp_path: Path) -> None:
    entry = "skills:\n  - {name: Go, category: languages, aliases: [Go, Golang]%s}\n"
    plain, guarded = tmp_path / "plain.yaml", tmp_path / "guarded.yaml"
    plain.write_text(entry % "", encoding="utf-8")
    guarded.write_text(entry % ", context_only: [Go]", encoding="utf-8")
    assert taxonomy_fingerprint(Taxonomy.load(plain)) != taxonomy_fingerprint(Taxonomy.load(guarded))
