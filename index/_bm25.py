"""BM25 over the published chunks: built once per manifest, cached on disk when possible."""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import bm25s
import numpy as np
from llama_index.core.schema import BaseNode
from llama_index.retrievers.bm25 import BM25Retriever

from index._nodes import to_node
from index._search import Filters
from index._storage import cache_lock
from ingest import Chunk

log = logging.getLogger(__name__)


def cache_folder(index_dir: Path, collection: str, shas: Sequence[str]) -> Path:
    tag = hashlib.sha256(f"{collection}:{sorted(shas)}".encode()).hexdigest()[:16]
    return index_dir / "bm25" / tag


def load_or_build(
    folder: Path, chunks: Mapping[str, Chunk], doc_sha: Mapping[str, str], index_dir: Path
) -> BM25Retriever:
    """The cached retriever of these chunks, or a new one (saved if the folder allows)."""
    if (folder / "retriever.json").is_file():
        try:
            return BM25Retriever.from_persist_dir(str(folder), show_progress=False)
        except (OSError, ValueError) as exc:  # being replaced by a writer: build our own
            log.info("BM25 cache at %s unreadable (%s); rebuilding", folder, exc)
    nodes: list[BaseNode] = [to_node(c, doc_key="", doc_sha=doc_sha[c.id]) for c in chunks.values()]
    # Only its engine is queried (scores), so top-k here is a formality.
    retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=len(nodes))
    with cache_lock(index_dir) as allowed:
        if allowed:
            try:
                _persist(retriever, folder)
            except OSError as exc:  # a full disk: the retriever still serves from memory
                log.warning("BM25 cache not saved (%s); kept in memory", exc)
    return retriever


def _persist(retriever: BM25Retriever, folder: Path) -> None:
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True, exist_ok=True)
    retriever.persist(str(tmp), show_progress=False)
    for old in folder.parent.iterdir():
        if old != tmp:
            shutil.rmtree(old, ignore_errors=True)
    tmp.replace(folder)


def scores(
    retriever: BM25Retriever, query: str, admits: Callable[[str], bool] | None, n: int
) -> list[tuple[str, float]]:
    """(chunk ID, BM25 score) of the best admitted chunks, asked of the BM25 engine itself.

    The retriever's filters are fixed when it is built, and its ``retrieve`` builds a
    node per hit; its engine takes a per-query weight mask (what it does internally
    with filters) and returns bare scores.
    """
    ids = [str(entry["node_id"]) for entry in retriever.corpus]
    mask = None if admits is None else np.array([admits(cid) for cid in ids], dtype=float)
    k = min(n, len(ids) if mask is None else int(mask.sum()))
    if k == 0:
        return []
    tokens = bm25s.tokenize(
        query,
        stemmer=retriever.stemmer,
        token_pattern=retriever.token_pattern,
        show_progress=False,
    )
    indexes, values = retriever.bm25.retrieve(tokens, k=k, weight_mask=mask, show_progress=False)
    # A BM25 engine loaded with its corpus returns the corpus entries, not positions.
    return [
        (str(i["node_id"]) if isinstance(i, dict) else ids[int(i)], float(sc))
        for i, sc in zip(indexes[0], values[0], strict=True)
    ]


def admitted(
    filters: Filters, chunks: Mapping[str, Chunk], doc_sha: Mapping[str, str]
) -> Callable[[str], bool] | None:
    if not filters.any():
        return None
    return lambda cid: cid in chunks and filters.admits(chunks[cid], doc_sha.get(cid, ""))
