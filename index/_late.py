"""Late interaction: each question word meets its best-matching word of a passage.

A passage vector averages all its words, so a question that shares one key idea with a
long passage ("locked to one company" against "tied to one employer") can rank below a
passage that is vaguely about the whole question. Scoring every question token against
the passage's own token vectors (the MaxSim of ColBERT, here with the same embedding
model) rewards that one close match; fused as a third ranking it raised page hit@1 on
every gold set (benchmarks/retrieval.py).

Token vectors are a derived cache beside the chunk store: ``store/<sha>.tokens.npy``
(float16 rows, memory-mapped) and ``store/<sha>.tokens.json`` (chunk IDs, row offsets,
model). A missing or stale pair is recomputed from the stored chunks, so an old index,
a killed ingest or a second machine sharing a Chroma server all heal on first use.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from threadpoolctl import ThreadpoolController

from index._storage import cache_lock
from ingest import Chunk

if TYPE_CHECKING:  # torch and the model load only where vectors are scored or made
    from index._embedder import Embedder

log = logging.getLogger(__name__)

ChunksOf = Callable[[str], Sequence[Chunk]]
"""A document's chunks, by content hash, in stored order."""


class TokenStore:
    """Token vectors of each indexed document, read lazily and shared by every search."""

    def __init__(self, folder: Path, model: str) -> None:
        self._folder = folder
        self._model_name = model
        self._rows: dict[str, tuple[np.ndarray, dict[str, tuple[int, int]]]] = {}

    def save(self, sha: str, ids: Sequence[str], tokens: Sequence[np.ndarray]) -> None:
        """Write one document's token vectors atomically (rows first, then the index)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        offsets = _offsets(tokens)
        rows = np.concatenate(tokens).astype(np.float16) if tokens else np.zeros((0, 1))
        tmp = self._folder / f"{sha}.tokens.tmp.npy"
        np.save(tmp, rows)
        tmp.replace(self._rows_path(sha))
        meta = {"model": self._model_name, "ids": list(ids), "offsets": offsets, "rows": len(rows)}
        tmp_meta = self._folder / f"{sha}.tokens.json.tmp"
        tmp_meta.write_text(json.dumps(meta), encoding="utf-8")
        tmp_meta.replace(self._meta_path(sha))
        self._rows.pop(sha, None)

    def rows(
        self, sha: str, chunks_of: ChunksOf, embedder: Embedder
    ) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
        """(token rows, chunk ID -> row span) of a document, recomputed when missing."""
        found = self._rows.get(sha)
        if found is None:
            loaded = self._load(sha)
            chunks = chunks_of(sha)
            if loaded is None or any(c.id not in loaded[1] for c in chunks):
                loaded = self._recomputed(sha, chunks, embedder)
            found = self._rows[sha] = loaded
        return found

    def _recomputed(
        self, sha: str, chunks: Sequence[Chunk], embedder: Embedder
    ) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
        log.info("computing token vectors for %s (%d chunks)", sha[:12], len(chunks))
        _, tokens = embedder.passages([c.embedding_text() for c in chunks])
        ids = [c.id for c in chunks]
        # Saved only when no writer holds the folder; a read-only or full folder still
        # answers, from memory.
        with cache_lock(self._folder.parent) as allowed:
            if allowed:
                try:
                    self.save(sha, ids, tokens)
                except OSError as exc:
                    log.warning("token vectors for %s kept in memory only: %s", sha[:12], exc)
        loaded = self._load(sha) if allowed else None
        if loaded is not None:
            return loaded
        return np.concatenate(tokens), _spans(ids, _offsets(tokens))

    def forget(self) -> None:
        self._rows.clear()

    def _load(self, sha: str) -> tuple[np.ndarray, dict[str, tuple[int, int]]] | None:
        try:
            meta = json.loads(self._meta_path(sha).read_text(encoding="utf-8"))
            rows = np.load(self._rows_path(sha), mmap_mode="r")
        except (OSError, ValueError):
            return None
        offsets = meta.get("offsets", [])
        if (
            meta.get("model") != self._model_name
            or rows.shape[0] != meta.get("rows")
            or not offsets
        ):
            return None
        return rows, _spans(meta["ids"], offsets)

    def _rows_path(self, sha: str) -> Path:
        return self._folder / f"{sha}.tokens.npy"

    def _meta_path(self, sha: str) -> Path:
        return self._folder / f"{sha}.tokens.json"


def _offsets(tokens: Sequence[np.ndarray]) -> list[int]:
    return [int(x) for x in np.cumsum([0, *(len(t) for t in tokens)])]


def _spans(ids: Sequence[str], offsets: Sequence[int]) -> dict[str, tuple[int, int]]:
    return {cid: (int(a), int(b)) for cid, (a, b) in zip(ids, pairwise(offsets), strict=False)}


def maxsim(query: np.ndarray, passages: Sequence[np.ndarray], *, on_torch: bool) -> list[float]:
    """Per passage: mean over question tokens of the best cosine with a passage token."""
    scores = [0.0] * len(passages)
    present = [i for i, p in enumerate(passages) if len(p)]
    if len(query) == 0 or not present:
        return scores
    sims = similarities(query, np.concatenate([passages[i] for i in present]), on_torch=on_torch)
    starts = np.cumsum([0, *(len(passages[i]) for i in present[:-1])])
    best = np.maximum.reduceat(sims, starts, axis=1).mean(axis=0)
    for i, value in zip(present, best, strict=True):
        scores[i] = float(value)
    return scores


def token_support(
    query: np.ndarray, passages: Sequence[np.ndarray], *, on_torch: bool
) -> list[float]:
    """Per question token: its best cosine with any token of any of the passages."""
    present = [p for p in passages if len(p)]
    if len(query) == 0 or not present:
        return [0.0] * len(query)
    sims = similarities(query, np.concatenate(present), on_torch=on_torch)
    return [float(v) for v in sims.max(axis=1)]


def similarities(query: np.ndarray, rows: np.ndarray, *, on_torch: bool) -> np.ndarray:
    """Cosines of each query row with each (float16 or float32) row: ``query @ rows.T``.

    Computed in the runtime that encodes the questions (``Embedder.on_torch``): a thread
    pool spins for a while after its work, and a product in the other runtime slowed the
    next encoding 1.5-3x. On torch, the model's own pool, which also widens float16
    faster; otherwise numpy with its BLAS on one thread (a product this size needs no
    more), so that a process answering with the ONNX export never imports torch.
    """
    left = np.ascontiguousarray(query, dtype=np.float32)
    if not on_torch:
        with _blas_controller().limit(limits=1, user_api="blas"):
            product: np.ndarray = left @ rows.astype(np.float32).T
        return product
    import torch

    widened = torch.from_numpy(np.ascontiguousarray(rows)).float()
    result: np.ndarray = (torch.from_numpy(left) @ widened.T).numpy()
    return result


@functools.cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()  # finds the BLAS libraries loaded: once per process


def passage_rows(
    candidates: Sequence[tuple[Chunk, str]],
    store: TokenStore,
    chunks_of: ChunksOf,
    embedder: Embedder,
) -> list[np.ndarray]:
    """The token vectors of each candidate (chunk, document hash)."""
    passages = []
    for chunk, sha in candidates:
        rows, spans = store.rows(sha, chunks_of, embedder)
        start, end = spans[chunk.id]
        passages.append(rows[start:end])
    return passages


def late_ranking(
    query: np.ndarray,
    candidates: Sequence[tuple[Chunk, str]],
    store: TokenStore,
    chunks_of: ChunksOf,
    embedder: Embedder,
) -> list[tuple[Chunk, float]]:
    """Candidates (chunk, document hash) ordered by their MaxSim with the question."""
    rows = passage_rows(candidates, store, chunks_of, embedder)
    scores = maxsim(query, rows, on_torch=embedder.on_torch)
    scored = [(chunk, score) for (chunk, _), score in zip(candidates, scores, strict=True)]
    return sorted(scored, key=lambda cs: (-cs[1], cs[0].position))
