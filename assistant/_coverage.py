"""Does the publication cover a question? Two signals, calibrated on the gold sets.

1. A name the documents never use: a capitalised word or code in the question (after
   its first word) that appears nowhere in the indexed text, such as a country, a law or
   a programme ("visa fee for Germany", "GDPR clauses"). On the gold sets this flagged
   no answerable question.
2. Weak evidence: the best passage's cosine similarity to the question is below the
   configured floor (``SMP_GUIDE_ASSISTANT__MIN_SIMILARITY``).

``benchmarks/answer.py`` reports the precision and recall of the combined rule.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from assistant._query import stem

_TOKEN = re.compile(r"[^\W\d_][\w+'’-]*|\d[\w+-]*")


def unknown_names(question: str, vocabulary: Iterable[str]) -> list[str]:
    """Capitalised words or codes of the question that no indexed text contains.

    Accents are ignored ("Kedougou" asked of a text writing "Kédougou"), and a compound
    is known when each of its parts is ("Africa-specific").
    """
    known, stems = _known_forms(frozenset(vocabulary))

    def is_known(word: str) -> bool:
        return word in known or stem(word) in stems

    out = []
    for i, token in enumerate(_TOKEN.findall(question)):
        base = re.sub(r"['’]s$", "", token).strip("-")
        if i == 0 or len(base) < 3 or not (base[0].isupper() or base[0].isdigit()):
            continue
        lowered = _folded(base)
        parts = [p for p in lowered.split("-") if p]
        if is_known(lowered) or base[0].isdigit() or all(map(is_known, parts)):
            continue
        out.append(base)
    return out


@functools.lru_cache(maxsize=4)
def _known_forms(vocabulary: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The vocabulary without accents, and its stems: computed once per indexed library
    rather than for every question (thousands of words)."""
    known = frozenset(_folded(w) for w in vocabulary)
    return known, frozenset(stem(w) for w in known)


def _folded(word: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_covered(
    question: str, best_similarity: float | None, vocabulary: Iterable[str], *, floor: float
) -> tuple[bool, str]:
    """(covered, why not) for a question and the best passage found for it."""
    names = unknown_names(question, vocabulary)
    if names:
        return False, f"it names {', '.join(names)}, which the indexed documents never mention"
    if best_similarity is None or best_similarity < floor:
        return False, "no passage is close enough to the question"
    return True, ""
