"""Hybrid retrieval: dense (Chroma) and BM25 rankings fused by reciprocal rank."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from index._records import Hit
from ingest import Chunk

RRF_K = 60
"""The usual reciprocal-rank-fusion constant: damps the weight of the very top ranks."""


@dataclass(frozen=True)
class Filters:
    chapters: tuple[int, ...] | None = None
    kinds: tuple[str, ...] | None = None
    documents: tuple[str, ...] | None = None
    """Content hashes of the documents to search (resolved from names by the caller)."""

    def admits(self, chunk: Chunk, doc_sha: str) -> bool:
        return (
            (self.chapters is None or chunk.chapter in self.chapters)
            and (self.kinds is None or chunk.kind in self.kinds)
            and (self.documents is None or doc_sha in self.documents)
        )

    def any(self) -> bool:
        return any(v is not None for v in (self.chapters, self.kinds, self.documents))


def expand_query(query: str, acronyms: Iterable[tuple[str, str]]) -> str:
    """The query plus the other form of each acronym it uses ('SMP' <-> the expansion)."""
    extra: list[str] = []
    lowered = query.casefold()
    for short, long in acronyms:
        if not short or not long:
            continue
        if (
            re.search(rf"(?<![\w-]){re.escape(short)}s?(?![\w-])", query)
            and long.casefold() not in lowered
        ):
            extra.append(long)
        elif long.casefold() in lowered and not re.search(rf"\b{re.escape(short)}\b", query):
            extra.append(short)
    unique = list(dict.fromkeys(extra))
    return f"{query} ({'; '.join(unique)})" if unique else query


_NAVIGATION = re.compile(r"^(table of )?contents\b|^list of (boxes|figures|tables)", re.IGNORECASE)


def navigational(chunk: Chunk) -> bool:
    """Contents pages and lists of boxes/figures: they echo every topic and answer none."""
    return chunk.kind == "front_matter" and bool(_NAVIGATION.match(chunk.chapter_title))


def glossary_terms(
    query: str, similarities: Sequence[tuple[str, float]], *, threshold: float, limit: int = 2
) -> list[str]:
    """Glossary terms whose definitions the query paraphrases (not already named in it)."""
    ranked = sorted(similarities, key=lambda ts: -ts[1])[:limit]
    lowered = query.casefold()
    return [t for t, sim in ranked if sim >= threshold and t.casefold() not in lowered]


@dataclass(frozen=True)
class Ranking:
    """One retriever's candidates, best first, and its weight in the fusion."""

    name: Literal["dense", "bm25", "late"]
    scored: Sequence[tuple[Chunk, float]]
    weight: float = 1.0

    def of(self, kind: str) -> Ranking:
        return Ranking(self.name, [(c, s) for c, s in self.scored if c.kind == kind], self.weight)


def fuse(
    rankings: Sequence[Ranking], *, k: int, slots: Mapping[str, int] | None = None
) -> list[Hit]:
    """Weighted reciprocal-rank fusion, keeping ``slots[kind]`` of the first five for a kind.

    Practitioners ask for recommendations; on the gold set, reserving places in the top
    five for the best-fused recommendations raised both page hit@5 and rec-ID hit@5.
    The places are reserved in the head a reader sees first, whatever ``k`` is; the rest
    follows in fused order.
    """
    overall = _rrf(rankings)
    head = _with_slots(rankings, overall, min(k, HEAD), slots or {})
    chosen = {h.chunk.id for h in head}
    return head + [h for h in overall if h.chunk.id not in chosen][: k - len(head)]


HEAD = 5
"""Results that reserved places apply to: what a reader sees first and answers quote."""


def _with_slots(
    rankings: Sequence[Ranking], overall: Sequence[Hit], k: int, slots: Mapping[str, int]
) -> list[Hit]:
    fused = {h.chunk.id: h for h in overall}
    top = list(overall[:k])
    for kind, wanted in slots.items():
        have = sum(h.chunk.kind == kind for h in top)
        taken = {t.chunk.id for t in top}
        candidates = [h for h in _rrf([r.of(kind) for r in rankings]) if h.chunk.id not in taken]
        for extra in candidates[: max(0, wanted - have)]:
            others = [i for i, h in enumerate(top) if h.chunk.kind not in slots]
            if len(top) >= k and others:
                top.pop(others[-1])
            # Chosen by rank among its own kind, placed by its overall fused score.
            top.append(fused.get(extra.chunk.id, extra))
    return sorted(top, key=lambda h: -h.score)


def intent_slots(query: str, rec_slots: int) -> dict[str, int]:
    """Places to reserve by kind: recommendations always; resources and boxes when asked for."""
    slots = {"recommendation": rec_slots} if rec_slots else {}
    if _RESOURCE_INTENT.search(query):
        slots["further_resource"] = 1
    if _EXAMPLE_INTENT.search(query):
        slots["box"] = 1
    return slots


_RESOURCE_INTENT = re.compile(
    r"\b(toolkits?|tool kits?|handbooks?|manuals?|reading|e-?learning|online courses?|"
    r"courses? (on|for|about)|modules? (on|for)|resources? (on|for|about)|"
    r"where can i (find|read|learn|get))\b|^\s*(is|are) there (a|an|any) "
    r"(training|course|guide|toolkit|handbook|manual|module|material|publication)",
    re.IGNORECASE,
)
_EXAMPLE_INTENT = re.compile(
    r"\b(example|examples|case stud(y|ies)|illustrat\w*|in practice|has any country|"
    r"which countr(y|ies)|a country that)\b",
    re.IGNORECASE,
)


def _rrf(rankings: Sequence[Ranking]) -> list[Hit]:
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    details: dict[str, dict[str, float | int]] = {}
    for ranking in rankings:
        for rank, (chunk, score) in enumerate(ranking.scored, start=1):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + ranking.weight / (RRF_K + rank)
            chunks[chunk.id] = chunk
            details.setdefault(chunk.id, {}).update(
                {ranking.name: score, f"{ranking.name}_rank": rank}
            )
    ordered = sorted(scores, key=lambda cid: (-scores[cid], chunks[cid].position))
    hits = [Hit(chunk=chunks[cid], score=scores[cid], **details[cid]) for cid in ordered]  # type: ignore[arg-type]
    return without_overlapping_neighbours(hits)


def without_overlapping_neighbours(hits: Sequence[Hit]) -> list[Hit]:
    """Drop a narrative chunk when its neighbour (which shares a sentence) ranks higher."""
    kept: list[Hit] = []
    for hit in hits:
        c = hit.chunk
        if c.kind == "narrative" and any(
            k.chunk.document_id == c.document_id
            and abs(k.chunk.position - c.position) == 1
            and k.chunk.kind == "narrative"
            and k.chunk.section == c.section
            for k in kept
        ):
            continue
        kept.append(hit)
    return kept
