"""One vocabulary: roles and backgrounds, AI types, levels, work types, skill categories and the skill taxonomy."""

from assistant.vocab.skills import Taxonomy

__all__ = ["Taxonomy"]
