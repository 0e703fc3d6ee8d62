"""Every ranking knob of search, in one place, with the eval change that put it there.

`search` takes a `SearchTuning` (these defaults unless a caller passes another), so an experiment
changes one value in one call instead of a module constant.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class SearchTuning:
    """The weights and constants of hybrid search and its title ranking."""

    # The RRF constant: a record's score from one ranked list is weight / (rrf_k + rank), rank from 0.
    # Qdrant's default is 2; at 1 a list's first place counts twice its second (eval, before the other
    # search changes of that round: hybrid hit@1 0.737 -> 0.749, MRR@5 0.824 -> 0.830; at 5 and more
    # both fell, at 10 and more a regression failed; with the title and link changes, at 2 the ML
    # engineer regression fails).
    rrf_k: int = 1
    # Three slices of the chunks, each ranked on its own and fused with weighted RRF. Postings are 90%
    # of the chunks: at half weight they add evidence without crowding out the guides (eval, 167 cases,
    # one chunk per document: hybrid hit@5 0.844 -> 0.922). Guides' outline chunks (title, opening
    # lines, headings) are a document-level list at half weight; with the title match fused in as
    # well, hit@5 0.922 -> 0.946 and regressions passing 0/5 -> 3/5, MRR@5 0.804 -> 0.797.
    guide_weight: float = 1.0
    outline_weight: float = 0.5
    posting_weight: float = 0.5
    # The title list's weight in the fusion, scored like a store list. Half a store list's: at full
    # weight a title sharing one word with the question ("take" in "Take-Home Assignments", asked
    # "should I take a pay cut?") outranked documents both store lists put first.
    title_weight: float = 0.5
    # A title written for another role than the question names ("From Data Engineer to ...", asked by
    # a data scientist) loses other_role_penalty / rrf_k: as much as the best title gains. Hybrid
    # hit@1 0.725 -> 0.743, MRR@5 0.815 -> 0.826.
    other_role_penalty: float = 0.5
    # Chunks that are mostly links keep this share of their fused score: they say where answers are,
    # and their many short entries match many questions a little. Hybrid hit@1 0.737 -> 0.772, MRR@5
    # 0.825 -> 0.842.
    links_weight: float = 0.5
    # The documents of the `sentence_depth` quotable sentences nearest the query, ranked by their best one, as one
    # more list (retrieval/sentence_match.py). Hybrid hit@5 / MRR@5 0.897 / 0.793 -> 0.916 / 0.807 on dev, 0.912 /
    # 0.807 -> 0.929 / 0.823 on test; key facts flat (evals/README.md).
    sentence_weight: float = 0.5
    sentence_depth: int = 100
    # Words of the query the index never uses are mended into the most used word an edit away
    # (retrieval/spelling.py), for the dense and the keyword rankings alike.
    mend_typos: bool = True
    # How deep each slice's dense and BM25 rankings go into the fusion (the store's own prefetch depth before it moved
    # to `fusion.fused_query`), and how many points past that cut each fetches, so points tied at the cut are all kept.
    list_depth: int = 50
    tie_margin: int = 10


DEFAULT_TUNING = SearchTuning()
# A skill gap looks up "how to learn <skill>" for each of its ten missing skills: a fixed query naming one
# skill, where the title and chunk rankings already find the guides that teach it. The sentence ranking costs
# one more query per lookup (statistics bench: gap p50 31.7 -> 44.7 ms, over its 50 ms p95 target), so these
# lookups go without it.
LEARNING_TUNING = replace(DEFAULT_TUNING, sentence_weight=0.0)
