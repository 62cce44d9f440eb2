"""Pure ranking for the hazard form's suggestions: which checklist library items read most
like what the inspector types. No I/O; ``suggest.py`` feeds it the library and caches it.

Decisions (the issue names character n-gram similarity and a well-kept library):
- Text is normalised first: punctuation and spaces dropped, full-width folded, and the
  modal words of a requirement (应 / 须 / 必须 / 应当) removed, so a requirement and the
  inspector's phrase of the same fact compare alike.
- The score mixes two measures, each 0–100: how many of the query's character bigrams the
  item contains (containment: a short phrase "灭火器过期" should find a long requirement),
  and rapidfuzz's ``fuzz.partial_ratio`` (an in-order substring alignment). Bigram
  containment carries the order-free part (clauses reordered), partial_ratio rewards a
  verbatim run. Weights measured with tests/benchmarks/bench_suggest.py (docs/walk.md).
- A query shorter than ``MIN_QUERY`` characters after normalising suggests nothing: two
  characters match half the library.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

MIN_QUERY = 2
MAX_QUERY = 200  # characters kept of a query (a phone sends what is typed, no more)
TOP = 3
_MODALS = re.compile(r"必须|应当|应|须")
_DROP = re.compile(r"[\W_]+", re.UNICODE)
CONTAIN_WEIGHT = 0.6


def normalise(text: str) -> str:
    """NFKC-folded, lower case, without punctuation, spaces or modal words."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return _DROP.sub("", _MODALS.sub("", folded))


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


@dataclass(frozen=True)
class Entry:
    """One library item as the index keeps it."""

    item: Mapping[str, Any]
    norm: str
    grams: frozenset[str]


def build(items: Iterable[Mapping[str, Any]]) -> list[Entry]:
    """The index: each item's normalised text (its requirement) and bigrams."""
    out = []
    for it in items:
        norm = normalise(str(it.get("text") or ""))
        out.append(Entry(it, norm, frozenset(bigrams(norm))))
    return out


def score(query: str, entry: Entry) -> float:
    """0–100: how well ``entry`` matches the normalised ``query``."""
    grams = bigrams(query)
    if not grams or not entry.norm:
        return 0.0
    contain = 100.0 * len(grams & entry.grams) / len(grams)
    partial = fuzz.partial_ratio(query, entry.norm)
    return CONTAIN_WEIGHT * contain + (1 - CONTAIN_WEIGHT) * partial


def rank(query: str, index: Sequence[Entry], top: int = TOP) -> list[tuple[float, Entry]]:
    """The ``top`` best entries for ``query`` (best first; ties keep library order);
    nothing for a query too short to mean anything."""
    q = normalise(query[:MAX_QUERY])
    if len(q) < MIN_QUERY:
        return []
    scored = [(score(q, e), n, e) for n, e in enumerate(index)]
    scored = [s for s in scored if s[0] > 0]
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [(round(s, 1), e) for s, _, e in scored[:top]]
