"""A small multi-label text classifier: sentence embeddings and TF-IDF word features, one logistic model per label.

It learns from a bank of labelled examples at first use (about a second on two cores), so the
words that mark a label come from the examples, not from a list someone wrote.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.core.embedding import Embedder

_WORD = re.compile(r"[a-z0-9]+(?:[+#][a-z0-9+#]*)?")


def words(text: str) -> list[str]:
    """Lower-cased words and adjacent word pairs."""
    w = _WORD.findall(text.lower())
    return w + [f"{a} {b}" for a, b in itertools.pairwise(w)]


@dataclass(frozen=True)
class Vocabulary:
    """The words and word pairs at least `min_count` examples use, with their inverse document frequencies."""

    index: dict[str, int]
    idf: np.ndarray

    @classmethod
    def learn(cls, texts: Sequence[str], min_count: int) -> Vocabulary:
        """The vocabulary of a set of texts."""
        df = Counter(x for t in texts for x in set(words(t)))
        kept = sorted(x for x, c in df.items() if c >= min_count)
        return cls({x: i for i, x in enumerate(kept)}, np.array([math.log(len(texts) / df[x]) for x in kept]))

    def tfidf(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length TF-IDF rows, one per text."""
        out = np.zeros((len(texts), len(self.index)))
        for row, text in enumerate(texts):
            for x in words(text):
                if (col := self.index.get(x)) is not None:
                    out[row, col] += 1.0
        out *= self.idf
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


@dataclass(frozen=True)
class ClassifierTuning:
    """How the classifier is trained; chosen on the routing suite's dev split (evals/README.md)."""

    l2: float = 0.001
    epochs: int = 600
    learning_rate: float = 0.5
    # Each feature block is unit length; scaled so the logistic model can reach confident scores.
    scale: float = 3.0
    min_word_count: int = 2


class TextClassifier:
    """One-vs-rest logistic regression over [embedding, TF-IDF] features."""

    def __init__(
        self,
        embedder: Embedder,
        names: Sequence[str],
        vocabulary: Vocabulary,
        weights: np.ndarray,
        bias: np.ndarray,
        tuning: ClassifierTuning,
    ) -> None:
        self.embedder, self.names, self.vocabulary, self.tuning = embedder, list(names), vocabulary, tuning
        self.weights, self.bias = weights, bias

    @classmethod
    def train(
        cls, embedder: Embedder, texts: Sequence[str], labels: Sequence[set[str]], names: Sequence[str], tuning: ClassifierTuning
    ) -> TextClassifier:
        """A classifier fitted to the labelled texts."""
        untrained = cls(embedder, names, Vocabulary.learn(texts, tuning.min_word_count), np.zeros(0), np.zeros(0), tuning)
        y = np.array([[name in have for name in names] for have in labels], dtype=float)
        untrained.weights, untrained.bias = _fit(untrained.features(texts), y, tuning)
        return untrained

    def save(self, path: Path) -> None:
        """Write the fitted model (written whole, then renamed, so a reader never sees half of it)."""
        words_kept = sorted(self.vocabulary.index, key=self.vocabulary.index.__getitem__)
        partial = path.with_suffix(".partial.npz")
        np.savez(
            partial,
            names=np.array(self.names),
            words=np.array(words_kept, dtype=str),
            idf=self.vocabulary.idf,
            weights=self.weights,
            bias=self.bias,
        )
        partial.replace(path)

    @classmethod
    def load(cls, path: Path, embedder: Embedder, tuning: ClassifierTuning) -> TextClassifier:
        """A model `save` wrote."""
        with np.load(path) as data:
            vocabulary = Vocabulary({str(w): i for i, w in enumerate(data["words"])}, data["idf"])
            return cls(embedder, [str(n) for n in data["names"]], vocabulary, data["weights"], data["bias"], tuning)

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """The feature rows of texts: their unit embeddings beside their TF-IDF, both scaled."""
        dense = np.array(self.embedder.queries(list(texts)), dtype=float)
        dense /= np.where((n := np.linalg.norm(dense, axis=1, keepdims=True)) == 0, 1.0, n)
        return np.hstack([dense, self.vocabulary.tfidf(texts)]) * self.tuning.scale

    def scores(self, text: str) -> dict[str, float]:
        """Each label's probability for the text (independent labels: they need not sum to 1)."""
        logits = self.features([text])[0] @ self.weights + self.bias
        return {name: float(1.0 / (1.0 + math.exp(-z))) for name, z in zip(self.names, logits, strict=True)}


def _fit(x: np.ndarray, y: np.ndarray, tuning: ClassifierTuning) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch gradient descent on the mean logistic loss with an L2 penalty; deterministic."""
    weights, bias = np.zeros((x.shape[1], y.shape[1])), np.zeros(y.shape[1])
    for _ in range(tuning.epochs):
        grad = 1.0 / (1.0 + np.exp(-(x @ weights + bias))) - y
        weights -= tuning.learning_rate * (x.T @ grad / len(x) + tuning.l2 * weights)
        bias -= tuning.learning_rate * grad.mean(axis=0)
    return weights, bias
