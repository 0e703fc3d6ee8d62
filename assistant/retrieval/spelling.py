"""Typos in a query mended from the index's own words: a word the index never uses becomes the most used one a letter away."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from assistant.store.base import Store
from assistant.store.collections import CHUNKS

MEMO_WORDS = 100_000  # words remembered with what they mend into, so a long-running app's memo stays small
_WORD = re.compile(r"(?<![\w'’-])[a-zA-Z]+(?![\w'’-])")
_TOKEN = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class SpellTuning:
    """Which words are mended, and into what."""

    min_letters: int = 5  # shorter words have too many neighbours one letter away ("wich": with, which, wish)
    two_edits_from: int = 8  # words this long may be two edits (a swap counts as one) from the word meant
    min_uses: int = 5  # a word replaces another only when the index uses it this often


class Speller:
    """Mends the words of a text that the index never uses."""

    def __init__(self, uses: Counter[str], tuning: SpellTuning = SpellTuning()) -> None:
        self.uses, self.tuning = uses, tuning
        self._choices = [w for w, n in uses.items() if n >= tuning.min_uses and len(w) >= tuning.min_letters - 1]
        self._mended: dict[str, str | None] = {}  # a question is searched several times: each word is looked up once

    @classmethod
    def from_texts(cls, texts: Iterable[str], tuning: SpellTuning = SpellTuning()) -> Speller:
        """A speller knowing the words of these texts."""
        uses: Counter[str] = Counter()
        for text in texts:
            uses.update(_TOKEN.findall(text.lower()))
        return cls(uses, tuning)

    def mend(self, word: str) -> str | None:
        """The word meant, when this one is an unknown lower-case word a typing slip from one in use; else None."""
        if word not in self._mended:
            if len(self._mended) >= MEMO_WORDS:
                self._mended.clear()
            self._mended[word] = self._nearest(word)
        return self._mended[word]

    def _nearest(self, word: str) -> str | None:
        # Capitalised words are mostly names the index need not know ("Kasparov", "Marvel").
        if len(word) < self.tuning.min_letters or not word.islower() or self.uses.get(word):
            return None
        limit = 2 if len(word) >= self.tuning.two_edits_from else 1
        found = process.extract(word, self._choices, scorer=Indel.distance, score_cutoff=2 * limit, limit=None)
        slips = [(c, d) for c, d, _ in found if c[0] == word[0] and _slip(word, c, d, limit)]
        if not slips:
            return None
        nearest = min(d for _, d in slips)
        return max((c for c, d in slips if d == nearest), key=lambda c: (self.uses[c], c))

    def correct(self, text: str) -> str:
        """The text with each unknown word mended."""
        return _WORD.sub(lambda m: self.mend(m.group(0)) or m.group(0), text)

    def mends(self, text: str) -> list[tuple[str, str]]:
        """Each word of the text that `correct` mends, and what into."""
        return [(m.group(0), meant) for m in _WORD.finditer(text) if (meant := self.mend(m.group(0)))]


def _slip(typed: str, meant: str, indel: int, limit: int) -> bool:
    """Letters left out or added (at most `limit`), or two neighbours swapped: a letter changed for another mostly
    makes another word ("hiking", "cancel"), and the first letter is rarely the one mistyped."""
    if indel == abs(len(typed) - len(meant)) <= limit:
        return True
    return indel == 2 and len(typed) == len(meant) and OSA.distance(typed, meant) == 1 and sorted(typed) == sorted(meant)


_lock = threading.Lock()
# While an ingest fills the index, the speller is rebuilt (a scan of every chunk, about a second on the
# full corpus) only once the index has grown or shrunk by this share; the size is looked at again at
# most every RECHECK_SECONDS, so a search pays no store count.
REBUILD_AFTER = 0.1
RECHECK_SECONDS = 5.0


@dataclass
class _Built:
    count: int
    speller: Speller
    checked: float


_cache: dict[str, _Built] = {}


def speller_for(store: Store) -> Speller:
    """The speller of the store's chunk texts, built once per process and again when the index has changed a lot."""
    built = _cache.get(store.location)
    if built is not None and time.monotonic() - built.checked < RECHECK_SECONDS:
        return built.speller
    with _lock:
        if not store.has_collection(CHUNKS):
            return Speller(Counter())
        count = store.count(CHUNKS)
        built = _cache.get(store.location)
        if built is None or abs(count - built.count) > REBUILD_AFTER * built.count:
            texts = (str(r.payload.get("text", "")) for r in store.scroll(CHUNKS, None))
            built = _cache[store.location] = _Built(count, Speller.from_texts(texts), 0.0)
        built.checked = time.monotonic()
        return built.speller
