"""The default answerer: grounded, extractive, cited; no LLM.

The answer body only quotes the publication. Each bullet is a verbatim span of one
retrieved chunk followed by its citation marker; the lead line only says where the
guidance speaks to the question. Spans are checked against their chunks before the
answer is returned.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index import Hit
from ingest import Chunk
from ingest._text import split_sentences

log = logging.getLogger(__name__)

EmbedFn = Callable[[list[str]], list[list[float]]]
WHOLE_KINDS = frozenset({"recommendation", "glossary", "acronym"})
_MAX_QUOTE_WORDS = 70


@dataclass(frozen=True)
class Passage:
    hit: Hit
    quote: str


def select_passages(hits: Sequence[Hit], *, max_passages: int, margin: float) -> list[Hit]:
    """The hits worth quoting: the best, plus those nearly as close to the question."""
    scored = [h for h in hits if h.dense is not None]
    if not scored:
        return list(hits[:1])
    best = max(h.dense or 0.0 for h in scored)
    chosen = [h for h in hits if h.dense is not None and h.dense >= best - margin]
    return chosen[:max_passages]


def quote_for(chunk: Chunk, question_vector: list[float], embed: EmbedFn) -> str:
    """The span of the chunk that matters: whole for short units, else its best sentences.

    A quote is one line of the answer: from a chunk stored line by line (a table's rows,
    a cover page's line groups) it is the line closest to the question. Sentences ingest
    could not find verbatim on the page are never quoted while another one can be.
    """
    lines = [ln for ln in chunk.text.split("\n") if ln.strip()]
    if len(lines) > 1:
        lines = _verified(lines, chunk.unverified)
        scores = [_cosine(question_vector, v) for v in embed(lines)]
        return lines[max(range(len(lines)), key=lambda i: scores[i])]
    if not chunk.unverified and (chunk.kind in WHOLE_KINDS or len(chunk.text.split()) <= 45):
        return chunk.text
    sentences = split_sentences(chunk.text)
    if len(sentences) <= 1:
        return chunk.text
    allowed = _verified(sentences, chunk.unverified)
    scores = [
        _cosine(question_vector, v) if s in allowed else -1.0
        for s, v in zip(sentences, embed(sentences), strict=True)
    ]
    best = max(range(len(sentences)), key=lambda i: scores[i])
    start, end = best, best + 1
    # Grow to a neighbour that is nearly as relevant, keeping one contiguous span.
    for neighbour in (best + 1, best - 1):
        if 0 <= neighbour < len(sentences) and scores[neighbour] >= scores[best] - 0.05:
            start, end = min(start, neighbour), max(end, neighbour + 1)
            break
    span = " ".join(sentences[start:end])
    if len(span.split()) > _MAX_QUOTE_WORDS:
        span = sentences[best]
    return span if span in chunk.text else sentences[best]


def _verified(parts: list[str], unverified: Sequence[str]) -> list[str]:
    """The parts holding no unverified sentence, or all of them when none is clean."""
    clean = [p for p in parts if not any(u in p or p in u for u in unverified)]
    return clean or parts


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def lead_line(passages: Sequence[Passage]) -> str:
    """Where the guidance speaks to the question: chapters and sections, no claims."""
    places: dict[str, list[str]] = {}
    for p in passages:
        c = p.hit.chunk
        name = (
            f"chapter {c.chapter_printed or c.chapter} ({c.chapter_title})" if c.chapter is not None else c.chapter_title
        )
        sections = places.setdefault(name, [])
        if c.section not in ("", c.chapter_title, *sections):
            sections.append(c.section)
    parts = [
        f"{name}: {', '.join(sections)}" if sections else name for name, sections in places.items()
    ]
    if len(parts) == 1:
        return f"The guidance speaks to this in {parts[0]}."
    return f"The guidance speaks to this in {'; '.join(parts[:-1])}; and {parts[-1]}."


def _heading(chunk: Chunk) -> str:
    if chunk.chapter is None:
        return chunk.chapter_title
    return f"Chapter {chunk.chapter}: {chunk.chapter_title}"


def in_reading_order(passages: Sequence[Passage]) -> list[Passage]:
    """Passages grouped by chapter (in order of first appearance), so [1], [2]... read in order."""
    order: dict[str, int] = {}
    for p in passages:
        order.setdefault(_heading(p.hit.chunk), len(order))
    return sorted(passages, key=lambda p: order[_heading(p.hit.chunk)])


def body_lines(passages: Sequence[Passage]) -> list[tuple[str, list[str]]]:
    """Quotes grouped by chapter, in order of first appearance: (heading, bullet lines)."""
    groups: dict[str, list[str]] = {}
    for n, p in enumerate(passages, start=1):
        c = p.hit.chunk
        heading = (
            f"Chapter {c.chapter}: {c.chapter_title}" if c.chapter is not None else c.chapter_title
        )
        groups.setdefault(heading, []).append(f"- {p.quote} [{n}]")
    return list(groups.items())


def compose(passages: Sequence[Passage]) -> str:
    parts = [lead_line(passages), ""]
    for heading, lines in body_lines(passages):
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
