"""Skills a long piece of prose (a job description) names: the taxonomy's matcher, guarded for prose.

A description is not a skill list: it has benefits ("medical, dental, vision"), legal lists
("(A) ..., (B) ..., or (C) ..."), links and ordinary words that are also skill aliases ("you excel
at", "our mission, vision and values"). So a mention counts as it is when its spelling is specific:
several words, or a single word written like one of the skill's capitalised names (not only by
starting a sentence, for a name the taxonomy marks as also an ordinary word). A single word the
taxonomy also lists as an ordinary lower-case word, marks as context-only, or that is written in
lower case where the taxonomy only has a capitalised name, counts only inside a list of skills:
right next to another mention, with nothing but list punctuation or "and"/"or" between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from assistant.vocab.skills import SkillMention, Taxonomy

# Links and e-mail addresses: their words ("https", product names in a domain) are not mentions.
_LINKS = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:(?:^|\n)[ \t*•·\-]*|[.!?:;]\s+)$")
_MULTI_WORD = re.compile(r"\w[\s\-_]+\w")
_FOLD = re.compile(r"[\s\-_.]+")
# Between two items of one list: punctuation, a bullet or one line break, at most one "and"/"or".
_LIST_GAP = re.compile(r"[ \t,;/&|()\[\]:*•·+\-]*(?:\n[ \t*•·\-]*)?(?:(?:and|or)\b[ \t]*)?", re.IGNORECASE)


def prose_mentions(taxonomy: Taxonomy, text: str) -> list[SkillMention]:
    """Canonical skills the prose names, in order; single ordinary words only inside a list of skills."""
    plain = _LINKS.sub(lambda m: " " * len(m.group()), text)
    found = [m for m in taxonomy.match_text(plain) if not _compound_tail(plain, m.start)]
    kept: list[SkillMention] = []
    for i, mention in enumerate(found):
        if _specific(taxonomy, plain, mention) or any(
            _listed_together(plain, a, b) for a, b in ((found[i - 1] if i else None, mention), (mention, _at(found, i + 1)))
        ):
            kept.append(mention)
    return kept


def prose_skills(taxonomy: Taxonomy, texts: Iterable[str]) -> set[str]:
    """Canonical names of every skill the texts name (each text matched on its own)."""
    return {m.skill for text in texts for m in prose_mentions(taxonomy, text)}


def _at(found: list[SkillMention], i: int) -> SkillMention | None:
    return found[i] if i < len(found) else None


def _compound_tail(text: str, start: int) -> bool:
    """True when a match starts inside a hyphenated word ("cutting-edge AI" is not "edge AI")."""
    return start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()


def _listed_together(text: str, a: SkillMention | None, b: SkillMention | None) -> bool:
    return a is not None and b is not None and _LIST_GAP.fullmatch(text, a.end, b.start) is not None


def _specific(taxonomy: Taxonomy, text: str, mention: SkillMention) -> bool:
    """True when the mention's spelling alone says it is the skill (see the module docstring)."""
    if _MULTI_WORD.search(mention.text):
        return True
    spellings = _single_words(taxonomy).get((mention.skill, _fold(mention.text)))
    if spellings is None:  # a pattern of the taxonomy's own, written for free text
        return True
    skill = taxonomy.skill(mention.skill)
    if any(s == s.lower() or s in skill.context_only for s in spellings):
        return False
    word = mention.text
    if not word[:1].isupper():
        return False
    # A capital that only starts a sentence or a line proves nothing for a name that is also an ordinary
    # word ("Spark curiosity"); one inside the word ("PySpark", "AWS") does.
    ordinary = any(s in skill.case_sensitive for s in spellings) and not any(c.isupper() for c in word[1:])
    return not (ordinary and _SENTENCE_START.search(text, max(0, mention.start - 16), mention.start))


def _fold(text: str) -> str:
    key = _FOLD.sub("", text.casefold())
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


@cache
def _single_words(taxonomy: Taxonomy) -> dict[tuple[str, str], tuple[str, ...]]:
    """Each skill's one-word spellings by folded key (plural folded away), as the taxonomy writes them."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for name in taxonomy.names():
        skill = taxonomy.skill(name)
        for alias in dict.fromkeys((skill.name, *skill.aliases)):
            if not _MULTI_WORD.search(alias):
                key = (name, _fold(alias))
                out[key] = (*out.get(key, ()), alias)
    return out
