"""The roles people move from: how each is written, the other words guides use for it, its skill-gap preset."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """One role as people and guides write it."""

    id: str
    names: tuple[str, ...] = ()  # as a person or a guide title names the role ("backend developer")
    forms: tuple[str, ...] = ()  # the role, its field and abbreviation, for keyword search ("PM")
    pattern: str | None = None  # how a question names it, for the roles with a skill-gap preset


# In the order a question's background is looked for: the first role it names is the one used.
ROLES: tuple[Role, ...] = (
    Role("data-engineer", ("data engineer",), ("data engineer", "data engineering"), r"data[- ]engineer(ing)?"),
    Role("data-scientist", ("data scientist",), ("data scientist", "data science"), r"data[- ]scien(tist|ce)"),
    Role("product-manager", ("product manager",), ("product manager", "product management", "PM")),
    Role(
        "ml-engineer",
        ("ml engineer", "machine learning engineer"),
        ("ML engineer", "machine learning engineer", "MLE"),
        r"(ml|machine[- ]learning) engineer(ing)?",
    ),
    Role("software-engineer", (), ("software engineer", "software engineering", "SWE")),
    Role(
        "backend-engineer",
        ("backend engineer", "backend developer"),
        ("backend", "back-end"),
        r"back[- ]?end( engineer| developer| dev)?",
    ),
    Role(
        "frontend-engineer",
        ("frontend engineer", "frontend developer"),
        ("frontend", "front-end"),
        r"front[- ]?end( engineer| developer| dev)?|react (frontend )?dev\w*",
    ),
)
