"""Skills a question names by what they are or who makes them: "a vector store", "Meta's models", "Google stuff".

A kind named on its own stands for its products; a maker beside a word for a kind ("Anthropic's model",
"the cloud from Microsoft") for the maker's product of that kind, and beside a word for anything
("Google stuff") for all the maker's products. The words are the taxonomy's (`vocab.kinds`).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from rapidfuzz import fuzz, process

from assistant.vocab.kinds import TOKEN, SkillSet, Vocabulary, fold, load_vocabulary, words
from assistant.vocab.skills import DEFAULT_PATH, SkillMention, Taxonomy

# A kind's word or a maker's name misspelt this close (rapidfuzz ratio, 0-100) is still read, from these lengths on;
# in a kind's word of several, each misspelt word must be this close and five letters long ("vektor db", not "top db").
FUZZY_AT = 88
FUZZY_TOKEN_AT = 80
FUZZY_TOKEN_FROM = 5
FUZZY_WORD_FROM = 8
FUZZY_MAKER_FROM = 5
# Close spellings are looked for in questions up to this many words (a pasted CV is read exactly).
FUZZY_UP_TO = 120
PHRASE = 4  # words of the noun phrase beside a maker
# Words that stand for anything a maker makes ("Google stuff", "Microsoft's tools").
ANYTHING = frozenset(
    "stuff stack product tool tooling technology service offering ecosystem thing software suite "
    "library framework sdk solution".split()
)
# Where the noun phrase beside a maker ends: grammar words, and the things a question counts (jobs, skills).
BOUNDARY = frozenset(
    """a an the some any this that these those their its my our your in at on for from of by with without to into
    about than as vs versus and or but is are was were be been do does did have has had can could should would will
    may might must how what which who whose where when why job jobs role roles posting postings ad ads opening
    openings position positions vacancy vacancies offer offers skill skills experience knowledge expertise
    background engineer engineers developer developers team teams interview interviews hiring certification among
    across within like such per via over under near around if so then also just only really much many more most less
    very show shows appear appears come comes pop pops rank ranks lead leads get gets matter matters dominate dominates
    want wants need needs ask asks list lists mention mentions require requires use uses used using compared compare""".split()
)
# A kind's words before one of these name a role ("ML platform engineer"), not tools.
ROLE = frozenset({"engineer", "engineering", "developer", "team", "lead", "manager", "architect", "specialist", "admin"})
OF = frozenset({"from", "of", "by"})
MADE = frozenset({"made", "built", "developed", "created", "released", "owned", "maintained"})
_BREAK = re.compile(r"[,;:!?()\[\]\"]|\.\s")
_ANY = "*"  # the selector of ANYTHING words


@dataclass(frozen=True)
class _Token:
    text: str
    folded: str
    start: int
    end: int


class SkillWords:
    """The kinds and makers of a taxonomy, read in questions."""

    def __init__(self, taxonomy: Taxonomy, vocabulary: Vocabulary) -> None:
        self.taxonomy = taxonomy
        skills = taxonomy.skills()
        vocabulary.check(skills)
        kinds, makers, categories = vocabulary.kinds, vocabulary.makers, vocabulary.categories
        self.kinds = {k.name: k for k in kinds}
        self.members = {k: tuple(s.name for s in skills if k in s.kinds) for k in self.kinds}
        self.made = {m: [s for s in skills if m in s.makers] for m in makers}
        self._alone: dict[tuple[str, ...], str] = {}
        self._beside: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        for kind in kinds:
            for word in (kind.name, *kind.words):
                self._alone.setdefault(words(word), kind.name)
                self._beside.setdefault(words(word), []).append((3, kind.name))
            for word in kind.short:
                self._beside.setdefault(words(word), []).append((2, kind.name))
        self.categories = {c: [words(w) for w in ws] for c, ws in categories.items()}
        for category, keys in self.categories.items():
            for key in keys:
                self._beside.setdefault(key, []).append((1, category))
        for word in ANYTHING:
            self._beside.setdefault((word,), []).append((0, _ANY))
        self._makers = {words(n): m for m, others in makers.items() for n in (m, *others)}
        self._fuzzy_makers = {k[0]: m for k, m in self._makers.items() if len(k) == 1 and len(k[0]) >= FUZZY_MAKER_FROM}
        self._fuzzy: dict[int, dict[str, str]] = {}
        for key, name in self._alone.items():
            if len(joined := " ".join(key)) >= FUZZY_WORD_FROM:
                self._fuzzy.setdefault(len(key), {})[joined] = name
        self._longest = max((len(k) for k in self._alone), default=1)

    def find(self, text: str, mentions: Iterable[SkillMention]) -> tuple[list[SkillMention], list[SkillSet]]:
        """The skills a text names outright (`mentions`, from `Taxonomy.match_text`) and by kind or maker, each span
        read once (see `combine`). A kind beside two products or more is only their description ("which observability
        tool, Langfuse or LangSmith?"): those products are what is asked."""
        kept, sets = combine(mentions, self.read(text))
        if len({m.skill for m in kept if self.taxonomy.skill(m.skill).kinds}) >= 2:
            sets = [s for s in sets if len(s.skills) == 1]
        return kept, sets

    def read(self, text: str) -> list[SkillSet]:
        """Makers with their kind ("Meta's models") and kinds on their own ("vector db"), left to right."""
        tokens = [_Token(m.group(), fold(m.group()), m.start(), m.end()) for m in TOKEN.finditer(text)]
        found = self._by_maker(text, tokens)
        taken = [any(s.start <= t.start < s.end for s in found) for t in tokens]
        found += self._by_kind(text, tokens, taken, fuzzy=False)
        if len(tokens) <= FUZZY_UP_TO:
            found += self._by_kind(text, tokens, taken, fuzzy=True)
        return sorted(found, key=lambda s: s.start)

    def category(self, text: str) -> str | None:
        """The first category whose words the text uses ("top cloud skills" → cloud)."""
        said = words(text)
        return next((c for c, keys in self.categories.items() if any(_within(k, said) for k in keys)), None)

    def _by_kind(self, text: str, tokens: list[_Token], taken: list[bool], fuzzy: bool) -> list[SkillSet]:
        found: list[SkillSet] = []
        for n in range(min(self._longest, len(tokens)), 0, -1):
            for i in range(len(tokens) - n + 1):
                if any(taken[i : i + n]) or _broken(text, tokens[i : i + n]):
                    continue
                key = tuple(t.folded for t in tokens[i : i + n])
                kind = self._alone.get(key) if not fuzzy else self._close_kind(key)
                if kind is None or not self.members[kind] or (i + n < len(tokens) and tokens[i + n].folded in ROLE):
                    continue
                start, end = tokens[i].start, tokens[i + n - 1].end
                found.append(SkillSet(text[start:end], self.members[kind], "kind", kind, start, end, close=fuzzy))
                taken[i : i + n] = [True] * n
        return found

    def _close_kind(self, key: tuple[str, ...]) -> str | None:
        choices = self._fuzzy.get(len(key))
        joined = " ".join(key)
        if not choices or len(joined) < FUZZY_WORD_FROM or key[0] in BOUNDARY or key[-1] in BOUNDARY:
            return None
        for word, _, _ in process.extract(joined, choices.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_AT, limit=3):
            pairs = zip(key, word.split(" "), strict=True)
            if all(a == b or (len(a) >= FUZZY_TOKEN_FROM and fuzz.ratio(a, b) >= FUZZY_TOKEN_AT) for a, b in pairs):
                return choices[word]
        return None

    def _by_maker(self, text: str, tokens: list[_Token]) -> list[SkillSet]:
        found: list[SkillSet] = []
        i = 0
        while i < len(tokens):
            hit = self._maker_at(tokens, i)
            if hit is None:
                i += 1
                continue
            maker, j, close = hit
            reading = self._after(text, tokens, i, j, maker, close) or self._before(text, tokens, i, j, maker, close)
            if reading is not None:
                found.append(reading)
            i = j
        return found

    def _maker_at(self, tokens: list[_Token], i: int) -> tuple[str, int, bool] | None:
        """The maker named at token i, the token after its name, and whether it was misspelt."""
        for n in range(min(3, len(tokens) - i), 0, -1):
            if (maker := self._makers.get(tuple(t.folded for t in tokens[i : i + n]))) is not None:
                return maker, i + n, False
        word = tokens[i].folded
        if len(word) >= FUZZY_MAKER_FROM and self._fuzzy_makers and word not in BOUNDARY:
            hit = process.extractOne(word, self._fuzzy_makers.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_AT)
            if hit is not None:
                return self._fuzzy_makers[hit[0]], i + 1, True
        return None

    def _after(self, text: str, tokens: list[_Token], i: int, j: int, maker: str, close: bool) -> SkillSet | None:
        """ "Meta's open models", "Microsoft cloud": the noun phrase right after the maker."""
        phrase: list[_Token] = []
        for t in tokens[j : j + PHRASE]:
            if t.text.casefold() in BOUNDARY or _broken(text, [phrase[-1] if phrase else tokens[j - 1], t]):
                break
            phrase.append(t)
        for k in range(len(phrase)):
            picked = self._pick(maker, tokens[i:j], phrase[k:])
            if picked is None:
                continue
            own = self.taxonomy.normalise(" ".join(t.text for t in tokens[i:j]))
            if own in picked and not tokens[j - 1].text.endswith(("'s", "’s", "'", "’")):
                picked = (own,)  # "LangChain agent framework" is LangChain itself; "LangChain's" one of theirs
            start, end = tokens[i].start, phrase[-1].end
            return SkillSet(text[start:end], picked, "maker", maker, start, end, close) if picked else None
        return None

    def _before(self, text: str, tokens: list[_Token], i: int, j: int, maker: str, close: bool) -> SkillSet | None:
        """ "the LLM of Google", "a framework built by Meta": the noun phrase before "of/from/by" and the maker."""
        p = i - 1
        if p < 1 or tokens[p].text.casefold() not in OF:
            return None
        if tokens[p].text.casefold() == "by" and tokens[p - 1].text.casefold() in MADE:
            p -= 1
        phrase: list[_Token] = []
        for t in reversed(tokens[max(0, p - PHRASE) : p]):
            if t.text.casefold() in BOUNDARY or _broken(text, [t, phrase[0] if phrase else tokens[p]]):
                break
            phrase.insert(0, t)
        for k in range(len(phrase)):
            picked = self._pick(maker, tokens[i:j], phrase[k:])
            if picked is not None:
                start, end = phrase[k].start, tokens[j - 1].end
                return SkillSet(text[start:end], picked, "maker", maker, start, end, close) if picked else None
        return None

    def _pick(self, maker: str, named: list[_Token], phrase: list[_Token]) -> tuple[str, ...] | None:
        """The maker's products the phrase names (an alias of "<maker> <phrase>" first, then the kind and category
        words); () when the phrase names a kind the maker has no product of; None when it names no kind at all."""
        written = " ".join(t.text.rstrip("'’").removesuffix("'s").removesuffix("’s") for t in (*named, *phrase))
        if (alias := self.taxonomy.normalise(written)) is not None:
            return (alias,)
        entries = self._beside.get(tuple(t.folded for t in phrase))
        if entries is None:
            return None
        best, picked = -1, list[str]()
        for skill in self.made[maker]:
            tier = max((t for t, sel in entries if sel in (_ANY, skill.category) or sel in skill.kinds), default=-1)
            if tier > best:
                best, picked = tier, []
            if tier == best and tier >= 0:
                picked.append(skill.name)
        return tuple(picked)


def _within(key: tuple[str, ...], words: tuple[str, ...]) -> bool:
    n = len(key)
    return any(words[i : i + n] == key for i in range(len(words) - n + 1))


def _broken(text: str, tokens: Sequence[_Token]) -> bool:
    """Whether punctuation separates any two of the tokens (a phrase does not run across a comma)."""
    return any(_BREAK.search(text, a.end, b.start) for a, b in pairwise(tokens))


def combine(mentions: Iterable[SkillMention], sets: Iterable[SkillSet]) -> tuple[list[SkillMention], list[SkillSet]]:
    """Skills named outright and by kind or maker, each span read once: a maker's reading replaces the skills
    inside it ("Meta's open-weight models" is Llama, not open-weight LLMs); a kind's keeps a skill named by exactly
    its words ("vector db" is also the skill Vector databases) and drops part-words ("LLM" of "LLM provider"); a
    kind inside a longer skill name is no kind ("IDE" of "Cursor IDE")."""
    mentions, sets = list(mentions), list(sets)
    sets = [s for s in sets if not any(_covers(m, s) for m in mentions)]

    def kept(m: SkillMention) -> bool:
        for s in sets:
            if m.start < s.end and s.start < m.end:
                return s.by == "kind" and (m.start, m.end) == (s.start, s.end)
        return True

    same = {(m.start, m.end): m.skill for m in mentions}
    sets = [replace(s, same=same.get((s.start, s.end))) if s.by == "kind" else s for s in sets]
    return [m for m in mentions if kept(m)], sets


def _covers(m: SkillMention, s: SkillSet) -> bool:
    """A skill name around the set's words that says more, or the same skill ("OpenAI API" read either way)."""
    around = m.start <= s.start and s.end <= m.end
    return around and (m.end - m.start > s.end - s.start or s.skills == (m.skill,))


_lock = threading.Lock()
_readers: weakref.WeakKeyDictionary[Taxonomy, SkillWords] = weakref.WeakKeyDictionary()


def skill_words(taxonomy: Taxonomy) -> SkillWords:
    """The kinds and makers of a taxonomy (from the file it was read from), built once per taxonomy."""
    with _lock:
        if (reader := _readers.get(taxonomy)) is None:
            reader = _readers[taxonomy] = SkillWords(taxonomy, load_vocabulary((taxonomy.source or DEFAULT_PATH).resolve()))
        return reader
