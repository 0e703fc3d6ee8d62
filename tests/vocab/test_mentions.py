"""Skills named in prose (job descriptions): specific spellings count, ordinary words only in a list of skills."""

from __future__ import annotations

import pytest

from assistant.vocab.mentions import prose_mentions, prose_skills
from assistant.vocab.skills import Taxonomy


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    """The packaged taxonomy."""
    return Taxonomy.load()


def named(taxonomy: Taxonomy, text: str) -> list[str]:
    """Canonical names found in the prose, in order."""
    return [m.skill for m in prose_mentions(taxonomy, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You will deploy our services on Kubernetes every week.", ["Kubernetes"]),
        ("Experience with large language models and vector databases.", ["LLMs", "Vector databases"]),
        ("- Languages: Python, Go and Rust", ["Python", "Go", "Rust"]),
        ("Own monitoring, logging and alerting for the platform.", ["Observability"] * 3),
        ("Keep security, observability and Terraform in mind.", ["Security", "Observability", "Terraform"]),
        ("Data modalities (text, vision, multimodal) matter here.", ["Computer vision", "Multimodal models"]),
        ("Integrate with Microsoft 365 apps (Teams, Outlook, Excel).", ["Microsoft 365", "Excel"]),
        ("Docker experience is a must.\n- Spark and Kafka pipelines", ["Docker", "Spark", "Kafka"]),
        ("We use Pytorch daily.", ["PyTorch"]),
    ],
)
def test_prose_mentions_find_specific_spellings_and_skill_lists(taxonomy: Taxonomy, text: str, expected: list[str]) -> None:
    assert named(taxonomy, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Comprehensive benefits: medical, dental, vision, 401(k).",
        "Understand our mission, vision, and strategic objectives.",
        "We do not discriminate in hiring, training, or advancement.",
        "You excel at turning ambiguity into plans.",
        "Great products. Spark curiosity in your team.",
        "Work with cutting-edge AI technology.",
        "Apply at https://jobs.example.org/apply?ref=http-api or write to kafka@example.org.",
        "without an export authorization, or (C) eligible to obtain one",
        "Our security team keeps the lights on.",
        "We value performance and trust.",
    ],
)
def test_prose_mentions_ignore_ordinary_words_links_and_legal_lists(taxonomy: Taxonomy, text: str) -> None:
    assert named(taxonomy, text) == []


def test_prose_skills_reads_each_text_on_its_own(taxonomy: Taxonomy) -> None:
    # "security" ends one text and "Docker" starts the next: they are no list of skills together.
    assert prose_skills(taxonomy, ["Deploy with Docker, security", "Docker"]) == {"Docker", "Security"}
    assert prose_skills(taxonomy, ["We care about security", "Docker images"]) == {"Docker"}
