"""How well each retrieved passage answers the question, and whether any does.

A passage is worth quoting when its own evidence is close to the best passage's: how
well the question's words each find a match in it (late interaction), its fused rank,
the cosine of its best sentence with the question, and how much of the question's
specific content (its rarer words, weighted by inverse document frequency) it contains.
A dense-score margin alone kept near-misses that share the topic but not the point.

The same content weights feed the coverage check: a question whose specific words no
passage contains is not answered there. (Asking for a figure that no passage gives was
tried as a signal too; on the question sets it refused as many answerable questions as
it caught unanswerable ones.)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from assistant._extractive import EmbedFn, best_quote
from assistant._lead import title_lowercase
from assistant._quality import asks_for_reading, quote_flags
from assistant._query import content_words, stem
from index import Hit
from ingest import Chunk

_WORD = re.compile(r"[a-z][a-z'-]*|\d[\d.,]*")
_ASKS_ACTION = re.compile(
    r"\b(?:should|recommend\w*|what (?:can|could|must) \w+ do|how (?:can|could|should|to)\b|"
    r"what (?:steps|measures|actions)|ways to|best way)",
    re.IGNORECASE,
)
# Weights of the evidence, calibrated on the question sets (sample and six real PDFs) for
# the first citation's page and the citations' precision: the question's words matched
# token by token (late interaction) carry most, then the fused rank, the best sentence's
# similarity and the question's specific words the passage holds.
_SENTENCE_WEIGHT = 0.5
_CONTENT_WEIGHT = 0.2
_LATE_WEIGHT = 1.0
_FUSED_WEIGHT = 10.0
"""The fused score is a sum of 1/(60 + rank): about 0.03-0.07."""
_QUOTED = 3
_ASKS_EXAMPLE = re.compile(
    r"\b(?:examples?|case stud(?:y|ies)|in practice|is there a case|instances?)\b", re.IGNORECASE
)
_KIND_BONUS = 0.15
"""Evidence added to a passage of the kind the question asks for: an example (a box),
reading and tools (further resources) or, for a question asking what to do, a
recommendation; and taken from a front-matter summary (see ``_bonus``). Calibrated on the
question sets for boxes and resources (it moved the sample's first citation on 4
questions and changed none on the real PDFs); the same amount was kept for
recommendations and summaries, where any value from 0.1 to 0.2 gave the same first
citations."""
_MIN_WORD_SUPPORT = 0.20
"""Calibrated on the question sets with false refusals kept near 2%: unanswerable
questions' weakest word has a median best match of 0.28 against 0.49 for answerable ones,
but the two overlap widely, so only the clearest misses are refused."""
_MIN_CONTENT = 0.05
"""Below this share of the question's specific content in every passage: not covered.
Kept low: on the question sets, paraphrased answerable questions often share little
vocabulary with their passage, and a false refusal costs more than a near-miss."""


@dataclass(frozen=True)
class TermStats:
    """Document frequencies of word stems over the indexed chunks, and the words the
    documents write in lower case (for sentence-casing titles)."""

    n_chunks: int
    frequency: Counter[str]
    lowercase: frozenset[str]
    """Words to write in lower case in a title: those the documents write so somewhere,
    and longer words set in capitals only in headings (an acronym is also set in
    capitals in running text, or short)."""

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> TermStats:
        frequency: Counter[str] = Counter()
        chunks = list(chunks)
        for chunk in chunks:
            frequency.update(stems_of(chunk.text))
        return cls(len(chunks), frequency, title_lowercase(chunks))

    def weight(self, term: str) -> float:
        """Inverse document frequency: a word every passage uses says little that is
        specific (smoothed, so that in a document of a few passages it still counts)."""
        return math.log(1 + (1 + self.n_chunks) / (1 + self.frequency[term]))


def stems_of(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower())}


@dataclass(frozen=True)
class Evidence:
    hit: Hit
    quote: str
    sentence: float
    """Cosine of the quote with the question."""
    content: float
    """Share (by weight) of the question's specific words the passage contains."""
    kind_bonus: float = 0.0
    """Whether the passage is of the kind the question asks for (see ``kinds_asked``), or a
    front-matter summary of what the body says (negative)."""

    @property
    def score(self) -> float:
        return (
            _SENTENCE_WEIGHT * self.sentence
            + _CONTENT_WEIGHT * self.content
            + _LATE_WEIGHT * (self.hit.late or 0.0)
            + _FUSED_WEIGHT * self.hit.score
            + self.kind_bonus
        )


def question_terms(question: str, stats: TermStats) -> dict[str, float]:
    """The question's content stems with their weights (words no passage uses count too:
    they are exactly what the documents may not cover)."""
    terms = {stem(w) for w in content_words(question)}
    return {t: stats.weight(t) for t in terms if len(t) > 2}


def content_share(text: str, terms: dict[str, float]) -> float:
    total = sum(terms.values())
    if total <= 0:
        return 1.0
    have = stems_of(text)
    return sum(w for t, w in terms.items() if t in have) / total


def weighed(
    hits: Sequence[Hit],
    question: str,
    vector: list[float],
    embed: EmbedFn,
    terms: dict[str, float],
    *,
    quoted: int = _QUOTED,
) -> list[Evidence]:
    """Evidence for the hits worth quoting, best first: the ``quoted`` best by the cheap
    part of the evidence whose best quote is fit to paste.

    Embedding a passage's sentences is the costly part, so only the leading passages by
    token matches, rank and specific words are quoted (on the question sets, weighing
    more than the first three changed no answer).
    """

    def junk(text: str, kind: str) -> bool:
        return bool(quote_flags(text, kind=kind, question=question))

    wanted = kinds_asked(question)
    unquoted = [
        Evidence(h, "", 0.0, content_share(_where(h.chunk), terms), _bonus(h, wanted)) for h in hits
    ]
    out = []
    for e in sorted(unquoted, key=lambda e: -e.score):
        kind = e.hit.chunk.kind
        quote, cosine = best_quote(e.hit.chunk, vector, embed, reject=_rejecting(junk, kind))
        if quote:
            out.append(replace(e, quote=quote, sentence=cosine))
        if len(out) == quoted:
            break
    return sorted(out, key=lambda e: -e.score)


def kinds_asked(question: str) -> frozenset[str]:
    """The chunk kinds a question asks for: examples, reading and tools, and the
    recommendations when it asks what to do."""
    kinds = set()
    if _ASKS_ACTION.search(question):
        kinds.add("recommendation")
    if _ASKS_EXAMPLE.search(question):
        kinds.add("box")
    if asks_for_reading(question):
        kinds.add("further_resource")
    return frozenset(kinds)


def _bonus(hit: Hit, wanted: frozenset[str]) -> float:
    """A passage of the kind asked for gains; a front-matter summary (foreword, preface,
    executive summary) loses: it restates in brief what a body passage says in full, and
    the body is the source to cite when the two are close (on the question sets the
    summary led the answer over the body's page on 3 ADB questions and never rightly)."""
    if hit.chunk.kind in wanted:
        return _KIND_BONUS
    return -_KIND_BONUS if hit.chunk.kind == "front_matter" else 0.0


def _where(chunk: Chunk) -> str:
    """The words a passage is found under: its chapter and section titles and its text."""
    return f"{chunk.chapter_title} {chunk.section} {chunk.text}"


def _rejecting(junk: Callable[[str, str], bool], kind: str) -> Callable[[str], bool]:
    return lambda text: junk(text, kind)


def chosen(
    evidence: Sequence[Evidence],
    question: str,
    *,
    max_passages: int,
    margin: float,
    bonus: Callable[[Evidence], float] = lambda _: 0.0,
) -> list[Evidence]:
    """The passages that answer: those whose evidence (plus ``bonus``) is within ``margin``
    of the best passage's, recommendations first when the question asks what to do."""
    if not evidence:
        return []
    scored = sorted(evidence, key=lambda e: -(e.score + bonus(e)))
    best = scored[0].score + bonus(scored[0])
    kept = [e for e in scored if e.score + bonus(e) >= best - margin][:max_passages]
    if _ASKS_ACTION.search(question):
        kept.sort(key=lambda e: e.hit.chunk.kind != "recommendation")
    return kept


def uncovered(
    evidence: Sequence[Evidence], *, word_support: Sequence[float] = (), top: int = 3
) -> str:
    """Why the passages do not answer the question, or '' when they do.

    ``word_support`` holds, per content word of the question, its best cosine with a word
    of the leading passages (late-interaction vectors): a word none of them comes near
    ("cryptocurrency" asked of a migration guide) is what they do not cover.
    """
    if not evidence:
        return "no passage found could be quoted as an answer"
    content = max(e.content for e in evidence[:top])
    if content < _MIN_CONTENT:
        return "the passages found do not speak to what the question is specifically about"
    if word_support and min(word_support) < _MIN_WORD_SUPPORT:
        return "part of the question finds no match in the passages found"
    return ""
