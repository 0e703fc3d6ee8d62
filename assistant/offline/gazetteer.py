"""Places and employers a question names, looked up among the values the postings index holds.

Cities, countries and companies come from the postings collection's facets, with the other names
in `vocab.places` (NYC, Bangalore, UK) and fuzzy matching for misspelt employers and cities, so a
place or company is found however it is written, and a capitalised word that is neither is not.
A large city or a country the postings never list ("jobs in Zurich", "Zürich jobs?") is found too
when it is written as a place is (after "in", or opening a sentence unless the corpus writes it as a
word), so an answer can say the postings have nothing there.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from assistant.store.base import Store
from assistant.store.collections import CHUNKS, POSTINGS
from assistant.vocab.places import CITY_NAMES, COUNTRY_NAMES
from assistant.vocab.world import WorldName, world_names

Place = Literal["city", "country", "company"]
_cache: dict[tuple[str, int], Gazetteer] = {}
_lock = threading.Lock()
How = Literal["as listed", "other name", "close spelling", "not in the postings"]
# A misspelt name is taken when this close (rapidfuzz ratio, 0-100) to one the postings list.
FUZZY_AT = 88
# Shorter names must be written as listed: "LA" and "US" are names, "la" and "us" are words.
CASED_BELOW = 4
_TOKEN = re.compile(r"[\w&+]+(?:[.'’][\w&+]+)*\.?", re.UNICODE)
_SUFFIX = re.compile(r"\b(inc|llc|ltd|limited|corp|corporation|co|gmbh|plc|ag|sa|bv)\b\.?$")
MAX_WORDS = 5
# A place the postings never list counts only after a word that leads to a place ("in Zurich", "Seattle vs
# Boston"): cities share names with words ("Enterprise", "Mobile", "Reading"), which rarely follow these.
_PLACE_BEFORE = frozenset(
    {"in", "at", "near", "around", "from", "to", "vs", "vs.", "versus", "or", "and", "than", "with", "outside"}
)
# A name opening a sentence is a place unless the corpus writes it in lower case this often ("reading", "nice").
WORD_USES = 3
_LOWER_WORD = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")
_SENTENCE_END = re.compile(r"[.!?]")
# Written in lower case, only a place this large: smaller ones' names are words more often ("in reading").
LOWER_CASE_POPULATION = 500_000


def key(name: str) -> str:
    """A name folded for comparison: lower case, no punctuation, no legal suffix."""
    folded = re.sub(r"[^\w&+ ]", " ", name.casefold().replace("’", "'").replace("'s", " "))
    return _SUFFIX.sub("", " ".join(folded.split())).strip()


@dataclass(frozen=True)
class Found:
    """One place or employer in a question: its value as the postings hold it, and how it was written."""

    slot: Place
    value: str
    written: str
    how: How
    start: int
    end: int

    def describe(self) -> str:
        """How it was read, for an explanation ("NYC → New York (other name)", "Zurich (not in the postings)")."""
        if self.written == self.value:
            return f"{self.value} ({self.how})" if self.how == "not in the postings" else self.value
        return f"{self.written} → {self.value} ({self.how})"


@dataclass(frozen=True)
class _Entry:
    slot: Place
    value: str
    how: How
    written: str  # the name as listed, to check case for short names
    population: int = 0  # of a place the postings never list


class Gazetteer:
    """Every city, country and company the postings list, under each of their names."""

    def __init__(
        self,
        cities: list[str],
        countries: list[str],
        companies: list[str],
        world: Callable[[], Sequence[WorldName]] = tuple,
        prose: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.entries: dict[str, _Entry] = {}
        for company in companies:
            self._add("company", company, company, "as listed")
        for country in countries:
            self._add("country", country, country, "as listed")
            for other in COUNTRY_NAMES.get(country, ()):
                self._add("country", country, other, "other name")
        for city in cities:
            self._add("city", city, city, "as listed")
            for other in CITY_NAMES.get(city, ()):
                self._add("city", city, other, "other name")
        self._fuzzy = {k: e for k, e in self.entries.items() if len(k) >= 5}
        # The world's places are read only when a question writes a name as a place that the postings lack.
        self._world, self._prose = world, prose
        self._listed = {e.value for e in self.entries.values() if e.slot != "company"}

    @classmethod
    def from_store(cls, store: Store) -> Gazetteer:
        """The names the postings collection holds now (empty before an ingest)."""
        if not store.has_collection(POSTINGS):
            return cls([], [], [])
        values = {k: [str(f.value) for f in store.facet(POSTINGS, k, limit=100_000)] for k in ("city", "country", "company")}
        texts = functools.partial(_chunk_texts, store)
        return cls(values["city"], values["country"], values["company"], world_names, texts)

    def _add(self, slot: Place, value: str, name: str, how: How) -> None:
        # Places win over employers of the same name; the first listing of a name wins otherwise.
        k = key(name)
        if k and (k not in self.entries or (self.entries[k].slot == "company" and slot != "company")):
            self.entries[k] = _Entry(slot, value, how, name)

    def find(
        self,
        text: str,
        skip: AbstractSet[str] = frozenset(),
        companies_in_lower_case: bool = True,
        covered: Sequence[tuple[int, int]] = (),
    ) -> list[Found]:
        """Places and employers in the text, left to right: names as listed or known first, then close spellings
        of what is left; `skip` holds folded words taken already (skills), `covered` the character spans of skills
        named, whose words are no name on their own ("OpenAI" in "Azure OpenAI")."""
        tokens = list(_TOKEN.finditer(text))
        taken = [any(a <= t.start() and t.end() <= b for a, b in covered) for t in tokens]
        found: list[Found] = []
        for fuzzy in (False, True):
            i = 0
            while i < len(tokens):
                hit = self._longest(text, tokens, taken, i, skip, companies_in_lower_case, fuzzy)
                if hit is None:
                    i += 1
                    continue
                found.append(hit[0])
                taken[i : hit[1]] = [True] * (hit[1] - i)
                i = hit[1]
        return sorted(found, key=lambda f: f.start)

    def _longest(
        self,
        text: str,
        tokens: list[re.Match[str]],
        taken: list[bool],
        i: int,
        skip: AbstractSet[str],
        lower_ok: bool,
        fuzzy: bool,
    ) -> tuple[Found, int] | None:
        for n in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            if any(taken[i : i + n]):
                continue
            start, end = tokens[i].start(), tokens[i + n - 1].end()
            written = text[start:end].rstrip(".")
            k = key(written)
            if not k or k in skip:
                continue
            entry: _Entry | None = None
            how: How = "as listed"
            if not fuzzy:
                entry = self.entries.get(k)
                if entry is None and (writing := _written_as_place(text, tokens, i, n)):
                    entry = self._unlisted(k, large_only=writing in ("lower case", "lower-case opening"))
                    if entry is not None and writing in ("opening", "lower-case opening") and k in self._words:
                        entry = None  # "Reading about RAG", "Nice!": a word the corpus writes in lower case
                how = entry.how if entry else how
            elif self._may_be_misspelt(written, n):
                match = process.extractOne(k, self._fuzzy.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_AT)
                if match is not None:
                    entry, how = self._fuzzy[match[0]], "close spelling"
            if entry is not None and self._written_well(entry, written, n, lower_ok):
                return Found(entry.slot, entry.value, written, how, start, end), i + n
        return None

    @functools.cached_property
    def _words(self) -> frozenset[str]:
        """The world's names that the corpus writes in lower case, as words (read once, on first need)."""
        world = _keyed_world(self._world)
        uses = Counter(w for text in self._prose() for w in _LOWER_WORD.findall(text) if w in world)
        return frozenset(w for w, n in uses.items() if n >= WORD_USES)

    def _unlisted(self, k: str, large_only: bool) -> _Entry | None:
        """A place the postings never list under this name (with `large_only`, only a large one)."""
        entry = _keyed_world(self._world).get(k)
        if entry is None or entry.value in self._listed:
            return None  # a place the postings list under another name is never "not in the postings"
        return entry if not large_only or entry.population >= LOWER_CASE_POPULATION else None

    @staticmethod
    def _may_be_misspelt(written: str, n: int) -> bool:
        """One long word, or two or three capitalised ones: spans of ordinary words ("earn in") are never names."""
        if n == 1:
            return len(written) >= 6
        return n <= 3 and all(w[:1].isupper() for w in written.split())

    @staticmethod
    def _written_well(entry: _Entry, written: str, n: int, lower_ok: bool) -> bool:
        """Short names as listed; a one-word employer capitalised unless the question carries no case at all."""
        if len(key(entry.written)) < CASED_BELOW:
            return written.replace(".", "") == entry.written.replace(".", "")
        if entry.slot == "company" and n == 1 and not written[:1].isupper():
            return lower_ok
        return True


def _written_as_place(
    text: str, tokens: list[re.Match[str]], i: int, n: int
) -> Literal["capitalised", "lower case", "opening", "lower-case opening", None]:
    """How a span is written as a name: after a word that leads to a place, capitalised or (in a question without
    capitals) in lower case; or opening a sentence ("Zürich, any AI roles?"), where a capital says nothing."""
    written = [t.group(0) for t in tokens[i : i + n]]
    capitalised = all(w[:1].isupper() for w in written)
    lower_case = text.islower() and len("".join(written)) >= 5
    if i == 0 or _SENTENCE_END.search(text[tokens[i - 1].end() - 1 : tokens[i].start()]):
        return "opening" if capitalised else "lower-case opening" if lower_case else None
    before = i - 1 if i >= 2 and tokens[i - 1].group(0).casefold() == "the" else i  # "in the Bay Area"
    if before == 0 or tokens[before - 1].group(0).casefold() not in _PLACE_BEFORE:
        return None
    if capitalised:
        return "capitalised"
    return "lower case" if lower_case else None


@functools.cache
def _keyed_world(world: Callable[[], Sequence[WorldName]]) -> dict[str, _Entry]:
    """The world's places by folded name, first name first; built once per source (GeoNames: once per process)."""
    out: dict[str, _Entry] = {}
    for w in world():
        if (k := key(w.name)) and k not in out:
            out[k] = _Entry(w.slot, w.value, "not in the postings", w.name, w.population)
    return out


def _chunk_texts(store: Store) -> Iterator[str]:
    """The text of every chunk in the index."""
    return (str(r.payload.get("text", "")) for r in store.scroll(CHUNKS, None))


def gazetteer_for(store: Store) -> Gazetteer:
    """The store's names, built once per process for each state of its postings (an ingest adds names)."""
    if not store.has_collection(POSTINGS):
        return Gazetteer([], [], [])
    state = (store.location, store.count(POSTINGS))
    with _lock:
        if state not in _cache:
            _cache[state] = Gazetteer.from_store(store)
        return _cache[state]
