"""Exact dense scoring over the published vectors, the same in every process.

Chroma's HNSW search is approximate: asked for the best 90 of a few thousand vectors,
separate processes on the same unchanged index returned slightly different candidate
sets (a chunk at dense rank 74 in one process was 73 in another), which moved the
fused scores in the fourth significant digit. The published vectors (a few MB) are read
from Chroma once per manifest and every question is scored against all of them: exact,
identical across processes, and faster than a query round trip at this size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from index._late import similarities

Vectors = tuple[list[str], np.ndarray]
"""(chunk IDs, their embeddings), e.g. one document version's as Chroma returns them."""


@dataclass(frozen=True)
class DenseVectors:
    """Unit vectors of the published chunks, one row per chunk ID."""

    ids: tuple[str, ...]
    matrix: np.ndarray

    @classmethod
    def empty(cls) -> DenseVectors:
        return cls((), np.zeros((0, 1), dtype=np.float32))

    @classmethod
    def of(cls, parts: Sequence[Vectors]) -> DenseVectors:
        """Joined from (chunk IDs, their embeddings) pairs, e.g. one per document."""
        ids = tuple(cid for part_ids, _ in parts for cid in part_ids)
        rows = [np.asarray(vectors, dtype=np.float32) for ids_, vectors in parts if len(ids_)]
        if not rows:
            return cls.empty()
        matrix = np.concatenate(rows)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return cls(ids, matrix / np.where(norms == 0, 1.0, norms))

    def top(
        self,
        query: Sequence[float],
        admits: Callable[[str], bool] | None,
        n: int,
        *,
        on_torch: bool,
    ) -> list[tuple[str, float]]:
        """(chunk ID, cosine similarity) of the ``n`` best admitted chunks, ties by chunk ID."""
        if not self.ids:
            return []
        vector = np.asarray(query, dtype=np.float32)[None, :]
        sims = similarities(vector, self.matrix, on_torch=on_torch)[0]
        if admits is None:
            rows = np.arange(len(self.ids))
        else:
            keep = np.fromiter((admits(cid) for cid in self.ids), dtype=bool, count=len(self.ids))
            rows = np.flatnonzero(keep)
        if rows.size == 0:
            return []
        # Every row scoring at least the n-th best, so ties at the cut are decided by ID,
        # exactly as a full sort would; sorting only these keeps a large library fast.
        part = sims[rows]
        cut = part.size - min(n, part.size)
        chosen = rows[part >= np.partition(part, cut)[cut]]
        scored = [(self.ids[i], float(sims[i])) for i in chosen]
        scored.sort(key=lambda cs: (-cs[1], cs[0]))
        return scored[:n]
