"""Records the index stage hands downstream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ingest import Chunk


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its scores.

    ``score`` is the reciprocal-rank-fusion score, sum of 1/(60 + rank) over the dense
    and BM25 rankings (at most 2/61 = 0.0328); it orders hits but is not a probability.
    ``dense`` is the cosine similarity of query and chunk embeddings (-1..1, higher is
    closer), ``bm25`` the raw BM25 score (0 when the chunk shares no term with the query);
    either is None when that retriever did not return the chunk.
    """

    chunk: Chunk
    score: float
    dense: float | None
    bm25: float | None
    dense_rank: int | None
    bm25_rank: int | None


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
