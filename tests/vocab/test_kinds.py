"""The kinds and makers in skills.yaml: every one is used, none is ambiguous, mistakes are refused with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.vocab.kinds import load_vocabulary, words
from assistant.vocab.skill_words import skill_words
from assistant.vocab.skills import DEFAULT_PATH, Taxonomy

TAX = Taxonomy.load()
VOCABULARY = load_vocabulary(DEFAULT_PATH.resolve())


def test_every_kind_has_products_and_every_maker_makes_something() -> None:
    reader = skill_words(TAX)
    assert [k.name for k in VOCABULARY.kinds if not reader.members[k.name]] == []
    assert [m for m in VOCABULARY.makers if not reader.made[m]] == []


def test_no_word_names_two_kinds() -> None:
    seen: dict[tuple[str, ...], str] = {}
    for kind in VOCABULARY.kinds:
        for word in (kind.name, *kind.words):
            assert seen.setdefault(words(word), kind.name) == kind.name, f"{word!r} names {seen[words(word)]} and {kind.name}"


def test_well_known_makers_are_data() -> None:
    made_by = {s.name: s.makers for s in TAX.skills()}
    assert "Meta" in made_by["Llama"] and "Google" in made_by["GCP"] and "HashiCorp" in made_by["Terraform"]
    assert "vector database" in TAX.skill("Pinecone").kinds


def _taxonomy(tmp_path: Path, skill: str) -> Taxonomy:
    path = tmp_path / "skills.yaml"
    head = "kinds:\n  - name: vector database\n    words: [vector store]\nmakers:\n  Acme: []\n"
    path.write_text(head + "skills:\n" + skill, encoding="utf-8")
    return Taxonomy.load(path)


def test_a_kind_may_be_written_as_one_string(tmp_path: Path) -> None:
    tax = _taxonomy(tmp_path, "  - name: Zebra DB\n    category: databases\n    kind: vector database\n    makers: [Acme]\n")
    assert tax.source == (tmp_path / "skills.yaml").resolve()
    (found,) = skill_words(tax).read("which vector store")
    assert found.skills == ("Zebra DB",)


@pytest.mark.parametrize(
    ("skill", "error"),
    [
        ("  - name: Zebra DB\n    category: databases\n    kind: [graph database]\n", "unknown kind"),
        ("  - name: Zebra DB\n    category: databases\n    makers: [Initech]\n", "unknown maker"),
    ],
)
def test_an_undefined_kind_or_maker_is_refused(tmp_path: Path, skill: str, error: str) -> None:
    with pytest.raises(ConfigError, match=error) as exc:
        skill_words(_taxonomy(tmp_path, skill))
    assert "skills.yaml" in (exc.value.hint or "")
