"""Typos mended from the index's own words: letters left out, added or swapped, and nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.retrieval import spelling
from assistant.retrieval.hybrid import search
from assistant.retrieval.spelling import Speller, SpellTuning, speller_for
from assistant.retrieval.tuning import SearchTuning
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from ingest.chunking import ChunkSpec
from ingest.pipeline import Ingester

WORDS = "assignments evaluation retrieval pipelines hiring engineer interview"


def _speller(min_uses: int = 1) -> Speller:
    return Speller.from_texts([WORDS] * 5, SpellTuning(min_uses=min_uses))


def test_a_letter_left_out_added_or_swapped_is_mended() -> None:
    speller = _speller()
    assert speller.mend("asignments") == "assignments"
    assert speller.mend("evaluaton") == "evaluation"
    assert speller.mend("retreival") == "retrieval"
    assert speller.mend("enginneer") == "engineer"
    assert speller.correct("how are take-home asignments graded in an interviw?") == (
        "how are take-home assignments graded in an interview?"
    )


def test_words_a_typing_slip_does_not_explain_are_left_alone() -> None:
    speller = _speller()
    assert speller.mend("hiking") is None  # a letter changed for another makes another word
    assert speller.mend("firing") is None
    assert speller.mend("ngineer") is None  # the first letter is rarely the one mistyped
    assert speller.mend("Hirring") is None  # capitalised: a name the index need not know
    assert speller.mend("hirng") == "hiring" and speller.mend("hir") is None  # too short to mend
    assert speller.mend("retrieval") is None  # known words stay


def test_a_rare_word_replaces_nothing() -> None:
    assert Speller.from_texts([WORDS] * 2, SpellTuning(min_uses=3)).mend("asignments") is None


def test_search_finds_a_document_through_a_typo(tmp_path: Path, fake_embedder: Callable[..., Any]) -> None:
    root = tmp_path / "corpus" / "interview"
    root.mkdir(parents=True)
    (root / "take-home.md").write_text("# Take-home assignments\n\n" + "Assignments are reviewed by engineers. " * 6)
    (root / "theory.md").write_text("# Theory questions\n\n" + "Interviewers ask about attention and transformers. " * 6)
    store = EdgeStore.open(tmp_path / "index")
    try:
        Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(64, 8)).run(tmp_path / "corpus")
        assert speller_for(store).mend("asignments") == "assignments"
        found = search(store, fake_embedder(), "asignments", mode="sparse")
        assert [h.source for h in found][:1] == ["interview/take-home.md"]
        assert search(store, fake_embedder(), "asignments", mode="sparse", tuning=SearchTuning(mend_typos=False)) == []
    finally:
        store.close()


@dataclass
class Guides:
    """A folder of guides, the index over it, and a way to ingest it again."""

    root: Path
    store: EdgeStore
    ingest: Callable[[], object]


@pytest.fixture
def guides(tmp_path: Path, fake_embedder: Callable[..., Any]) -> Iterator[Guides]:
    root = tmp_path / "corpus" / "guides"
    root.mkdir(parents=True)
    store = EdgeStore.open(tmp_path / "index")
    ingester = Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(64, 8))
    yield Guides(root, store, lambda: ingester.run(tmp_path / "corpus"))
    store.close()


def test_the_speller_follows_the_index_once_it_has_grown(guides: Guides, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spelling, "RECHECK_SECONDS", 0.0)  # look at the index's size on every search
    for i in range(20):
        (guides.root / f"g{i:02d}.md").write_text(f"# Guide {i}\n\nEvaluation matters for every engineer.\n")
    guides.ingest()
    first = speller_for(guides.store)
    (guides.root / "g20.md").write_text("# Guide 20\n\n" + "Observability dashboards. " * 6)
    guides.ingest()
    assert speller_for(guides.store) is first  # one more guide: not worth another scan of every chunk
    for i in range(21, 24):
        (guides.root / f"g{i}.md").write_text(f"# Guide {i}\n\nObservability again.\n")
    guides.ingest()
    assert speller_for(guides.store).mend("observabilty") == "observability"


def test_the_index_size_is_looked_at_again_only_after_a_while(guides: Guides) -> None:
    (guides.root / "a.md").write_text("# A\n\nEvaluation matters.\n")
    guides.ingest()
    first = speller_for(guides.store)
    (guides.root / "b.md").write_text("# B\n\n" + "Observability dashboards. " * 6)
    guides.ingest()
    assert speller_for(guides.store) is first  # within RECHECK_SECONDS a search pays no store count
