"""Background presets: ids, skills drawn from the taxonomy, lookup by forgiving names, guide citations."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError, InputError
from assistant.vocab.backgrounds import get_background, load_backgrounds
from assistant.vocab.skills import Taxonomy

IDS = ["data-engineer", "data-scientist", "ml-engineer", "backend-engineer", "frontend-engineer"]


def test_five_presets_in_order() -> None:
    assert [b.id for b in load_backgrounds()] == IDS


@pytest.mark.parametrize("background_id", IDS)
def test_every_preset_skill_is_a_canonical_skill(background_id: str) -> None:
    names = set(Taxonomy.load().names())
    assert [s for s in get_background(background_id).skills if s not in names] == []


@pytest.mark.parametrize("background_id", IDS)
def test_guide_cites_the_matching_learning_path(background_id: str) -> None:
    assert get_background(background_id).guide == f"field-guide/learning-paths/from-{background_id}.md"


@pytest.mark.parametrize("name", ["data-engineer", "data engineer", "Data Engineer", "DATA_ENGINEER", "data engineers"])
def test_get_background_accepts_forgiving_names(name: str) -> None:
    assert get_background(name).id == "data-engineer"


def test_unknown_background_lists_valid_ids() -> None:
    with pytest.raises(InputError) as err:
        get_background("astronaut")
    assert all(i in (err.value.hint or "") for i in IDS)


def test_preset_without_skills_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "backgrounds.yaml"
    path.write_text("backgrounds:\n  - {id: x, label: X, guide: g.md, skills: []}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="skills"):
        load_backgrounds(path)


@pytest.mark.integration
@pytest.mark.parametrize("background_id", IDS)
def test_guide_exists_with_a_what_you_already_have_section(corpus_dir: Path, background_id: str) -> None:
    text = (corpus_dir / get_background(background_id).guide).read_text(encoding="utf-8")
    assert "## What You Already Have" in text
