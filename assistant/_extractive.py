"""The default answerer: grounded, extractive, cited; no LLM.

The answer body only quotes the publication. Each bullet is a verbatim span of one
retrieved chunk followed by its citation marker; the lead line only says where the
guidance speaks to the question. Spans are checked against their chunks before the
answer is returned.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from assistant._lead import lead_for, place_of
from index import Hit
from ingest import Chunk, split_sentences

log = logging.getLogger(__name__)

EmbedFn = Callable[[list[str]], list[list[float]]]
WHOLE_KINDS = frozenset({"recommendation", "glossary", "acronym"})
_MAX_QUOTE_WORDS = 70
_BARE_WORDS = 9
_MIN_QUOTE = 20  # characters: a shorter quoted line could come from any number of chunks


@dataclass(frozen=True)
class Passage:
    hit: Hit
    quote: str


def quote_for(chunk: Chunk, question_vector: list[float], embed: EmbedFn) -> str:
    """The span of the chunk that matters (see ``best_quote``), whatever its quality."""
    return best_quote(chunk, question_vector, embed)[0] or chunk.text


def best_quote(
    chunk: Chunk,
    question_vector: list[float],
    embed: EmbedFn,
    *,
    reject: Callable[[str], bool] = lambda _: False,
) -> tuple[str, float]:
    """The span of the chunk that answers, and its cosine with the question; ("", -1.0)
    when every candidate span is rejected.

    Whole for short units, else the best sentence, grown to a neighbour nearly as close
    and past a bare topic sentence ("Trade unions deserve a specific mention.") to the
    sentence that carries the substance. From a chunk stored line by line (a table's rows,
    a reference list) it is one line. Sentences ingest could not find verbatim on the
    page are never quoted while another can be.
    """
    lines = [ln for ln in chunk.text.split("\n") if ln.strip()]
    if len(lines) > 1:
        return _best_of(_verified(lines, chunk.unverified), question_vector, embed, reject)
    whole = chunk.kind in WHOLE_KINDS or len(chunk.text.split()) <= 45
    if whole and not chunk.unverified and not reject(chunk.text):
        return chunk.text, _cosine(question_vector, embed([chunk.text])[0])
    sentences = split_sentences(chunk.text)
    if len(sentences) <= 1:
        text = chunk.text
        return ("", -1.0) if reject(text) else (text, _cosine(question_vector, embed([text])[0]))
    allowed = set(_verified(sentences, chunk.unverified))
    scores = [
        _cosine(question_vector, v) if s in allowed and not reject(s) else -1.0
        for s, v in zip(sentences, embed(sentences), strict=True)
    ]
    best = max(range(len(sentences)), key=lambda i: scores[i])
    if scores[best] <= -1.0:
        return "", -1.0
    start, end = best, best + 1
    # Grow to a neighbour that is nearly as relevant, keeping one contiguous span.
    for neighbour in (best + 1, best - 1):
        if 0 <= neighbour < len(sentences) and scores[neighbour] >= scores[best] - 0.05:
            start, end = min(start, neighbour), max(end, neighbour + 1)
            break
    if end - start == 1 and _bare(sentences[best]) and end < len(sentences) and scores[end] > -1:
        end += 1  # a topic sentence alone says nothing: take the one that follows
    span = " ".join(sentences[start:end])
    if len(span.split()) > _MAX_QUOTE_WORDS or span not in chunk.text:
        span = sentences[best]
    return span, scores[best]


def _best_of(
    parts: list[str], vector: list[float], embed: EmbedFn, reject: Callable[[str], bool]
) -> tuple[str, float]:
    kept = [p for p in parts if not reject(p)]
    if not kept:
        return "", -1.0
    scores = [_cosine(vector, v) for v in embed(kept)]
    best = max(range(len(kept)), key=lambda i: scores[i])
    return kept[best], scores[best]


def _bare(sentence: str) -> bool:
    """A short sentence with no figure in it: it names a topic rather than saying something."""
    return len(sentence.split()) < _BARE_WORDS and not any(ch.isdigit() for ch in sentence)


def _verified(parts: list[str], unverified: Sequence[str]) -> list[str]:
    """The parts holding no unverified sentence, or all of them when none is clean."""
    clean = [p for p in parts if not any(u in p or p in u for u in unverified)]
    return clean or parts


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def in_reading_order(passages: Sequence[Passage]) -> list[Passage]:
    """Passages grouped by chapter in order of first appearance, so the best passage stays
    first and [1], [2]... read in order."""
    order: dict[tuple[str, int | None, str], int] = {}
    for p in passages:
        order.setdefault(_place_key(p.hit.chunk), len(order))
    return sorted(passages, key=lambda p: order[_place_key(p.hit.chunk)])


def _place_key(chunk: Chunk) -> tuple[str, int | None, str]:
    return (chunk.document_id, chunk.chapter, chunk.chapter_title)


def body_lines(
    passages: Sequence[Passage], lowercase: Collection[str]
) -> list[tuple[str, list[str]]]:
    """Quotes grouped by chapter, in order of first appearance: (heading, bullet lines)."""
    groups: dict[str, list[str]] = {}
    for n, p in enumerate(passages, start=1):
        groups.setdefault(place_of(p.hit.chunk, lowercase), []).append(f"- {p.quote} [{n}]")
    return list(groups.items())


def compose(passages: Sequence[Passage], lowercase: Collection[str]) -> str:
    """A lead naming the passage that answers most directly, then the quotes by chapter."""
    chunks = [p.hit.chunk for p in passages]
    parts = [lead_for(chunks[0], chunks[1:], lowercase), ""]
    for heading, lines in body_lines(passages, lowercase):
        parts.append(f"**{heading}**")
        parts.extend(lines)
        parts.append("")
    return "\n".join(parts).rstrip()


def verified(passages: Sequence[Passage]) -> list[Passage]:
    """Only passages whose quote occurs verbatim in their chunk."""
    good = [p for p in passages if p.quote and p.quote in p.hit.chunk.text]
    if len(good) != len(passages):
        log.warning(
            "dropped %d quote(s) not found verbatim in their chunk", len(passages) - len(good)
        )
    return good


def body_sentences(answer_text: str) -> list[tuple[str, list[int]]]:
    """The quoted lines of an answer with their citation numbers (for checks and evals)."""
    out = []
    for line in answer_text.splitlines():
        if not line.startswith("- "):
            continue
        text = line[2:]
        numbers: list[int] = []
        while text.endswith("]") and "[" in text:
            head, _, tail = text.rpartition(" [")
            if not tail[:-1].isdigit():
                break
            numbers.insert(0, int(tail[:-1]))
            text = head
        out.append((text, numbers))
    return out


def quoted_chunks(answer_text: str, chunks: Iterable[Chunk]) -> list[Chunk]:
    """The chunks an answer's quoted lines come from, read off its text alone.

    An extractive answer quotes its chunks verbatim, so its text says which chunks it
    cited; an answer that quotes nothing verbatim (an LLM's) names none. A sentence
    found in several chunks names each of them.
    """
    quotes = {text for text, _ in body_sentences(answer_text) if len(text) >= _MIN_QUOTE}
    return [c for c in chunks if any(q in c.text for q in quotes)]
