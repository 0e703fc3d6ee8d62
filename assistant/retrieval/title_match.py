"""Title match: a third ranked list for the fusion, from the query's words found in document titles.

Dense and BM25 scores see a chunk's text; neither notices that the query names a document's subject
("data engineer" in "From Data Engineer to AI Engineer"). This ranks the fetched candidates by the
query terms their titles share, weighting each term by how rare it is among the candidates' titles
(a term every candidate's title has, like "AI engineer" here, counts for nothing), and fuses that
ranking into the scores the store returned, the way field boosts work in a text index. When the
question names the asker's role, a title written for another role (a learning path "From Data
Engineer to ...", asked by a data scientist) ranks below every other title instead.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from functools import cache, lru_cache

from assistant.retrieval.tuning import DEFAULT_TUNING, SearchTuning
from assistant.store.base import Record, best_first
from assistant.vocab.roles import ROLES

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.]*")
_STOP = frozenset(
    "a an and are as at be become by can do for from how i in into is it me my of on or should so the "
    "this to what when where which who why will with you your".split()
)


def _stem(word: str) -> str:
    """A crude stem so engineer / engineers / engineering meet."""
    word = word.rstrip(".")
    for suffix in ("ing", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# Every search stems its candidates' titles; a corpus has a few thousand titles, so each is stemmed once.
@lru_cache(maxsize=8192)
def terms(text: str) -> frozenset[str]:
    """Content words (stemmed) and adjacent pairs of them."""
    words = [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]
    return frozenset(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}


@cache
def _role_terms() -> dict[str, str]:
    # A title naming one role is for people in that role: "From Data Engineer to AI Engineer" does
    # not answer a data scientist.
    """Each role name's stemmed first word pair (as `terms` makes them), mapped to the role."""
    return {" ".join(_stem(w) for w in name.split()[:2]): role.id for role in ROLES for name in role.names}


def _roles(found: frozenset[str] | set[str]) -> set[str]:
    return {role for t in found if (role := _role_terms().get(t))}


def rerank(records: Sequence[Record], query: str, tuning: SearchTuning = DEFAULT_TUNING) -> list[Record]:
    """Records re-scored with the title ranking fused in, in the order given (the caller sorts)."""
    wanted = terms(query)
    # Titles with equal scores keep the order of their documents' best records; the store returns
    # records with equal scores in no fixed order, so the id settles those.
    ordered = sorted(records, key=best_first)
    full = {r.payload.get("source", r.id): terms(str(r.payload.get("title", ""))) for r in ordered}
    asker = _roles(wanted)
    # A title for another role than the one the question names gets a rank below every other title.
    other = {src for src, t in full.items() if asker and (roles := _roles(t)) and not roles & asker}
    titles = {src: set() if src in other else t & wanted for src, t in full.items()}
    if not wanted or not (any(titles.values()) or other):
        return list(records)
    n = len(titles)
    df: dict[str, int] = {}
    for shared in titles.values():
        for term in shared:
            df[term] = df.get(term, 0) + 1
    # fsum: a plain sum over a set depends on the set's order, which changes with each process's hash seed.
    score = {src: math.fsum(math.log(n / df[t]) for t in shared) for src, shared in titles.items()}
    ranked = sorted((s for s in score if score[s] > 0), key=lambda s: -score[s])
    bonus = {src: tuning.title_weight / (tuning.rrf_k + rank) for rank, src in enumerate(ranked)}
    bonus.update({src: -tuning.other_role_penalty / tuning.rrf_k for src in other})
    out = []
    for r in records:
        extra = bonus.get(r.payload.get("source", r.id), 0.0)
        if r.payload.get("doc_type") == "job_posting":
            extra *= tuning.posting_weight
        out.append(Record(r.id, r.payload, r.score + extra))
    return out
