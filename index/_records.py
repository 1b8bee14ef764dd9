"""Records the index stage hands downstream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ingest import Chunk


@dataclass(frozen=True, kw_only=True)
class Hit:
    """A retrieved chunk with its scores.

    ``score`` is the weighted reciprocal-rank-fusion score, the sum of weight/(60 + rank)
    over the rankings that returned the chunk (dense and BM25 weigh 1, late interaction
    ``index.late_weight``; at most 4/61 = 0.066 with the defaults); it orders hits but is
    not a probability. ``dense`` is the cosine similarity of query and chunk embeddings
    (-1..1, higher is closer), ``bm25`` the raw BM25 score (0 when the chunk shares no
    term with the query), ``late`` the late-interaction score: the mean over the
    question's content words of their best cosine with a word of the chunk (-1..1).
    A score is None when its ranking did not return the chunk; ``*_rank`` is 1-based.
    """

    chunk: Chunk
    score: float
    dense: float | None = None
    bm25: float | None = None
    late: float | None = None
    dense_rank: int | None = None
    bm25_rank: int | None = None
    late_rank: int | None = None


@dataclass(frozen=True)
class AddReport:
    document: str
    status: Literal["added", "replaced", "unchanged"]
    chunks: int
    embedded: int
    seconds: float


@dataclass(frozen=True)
class DocumentInfo:
    key: str
    id: str
    title: str
    n_pages: int
    chunks: int
    ingested_at: str


@dataclass(frozen=True)
class IndexStatus:
    location: str
    model: str
    dimension: int
    generation: int
    documents: tuple[DocumentInfo, ...]
