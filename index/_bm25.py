"""BM25 over the published chunks with ``bm25s``: built once per manifest, cached on disk.

Tokenized as llama-index's ``BM25Retriever`` did (English stemmer, English stopwords on
the passages, its word pattern), so the scores are the ones that retriever gave.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from index._storage import cache_lock
from ingest import Chunk

log = logging.getLogger(__name__)

TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_IDS_FILE = "chunk_ids.json"
Admits = Callable[[str], bool]
"""Whether a filter lets a chunk ID through."""


@dataclass(frozen=True)
class Bm25Index:
    """A BM25 engine and the chunk ID of each of its rows."""

    ids: tuple[str, ...]
    engine: bm25s.BM25

    def scores(self, query: str, admits: Admits | None, n: int) -> list[tuple[str, float]]:
        """(chunk ID, BM25 score) of the ``n`` best admitted chunks, best first.

        A chunk the mask leaves out scores 0 and can still fill a place when fewer than
        ``n`` admitted chunks match: callers keep the positive scores.
        """
        mask = None if admits is None else np.array([admits(c) for c in self.ids], dtype=float)
        k = min(n, len(self.ids) if mask is None else int(mask.sum()))
        if k == 0:
            return []
        tokens = bm25s.tokenize(
            query, stemmer=_stemmer(), token_pattern=TOKEN_PATTERN, show_progress=False
        )
        rows, values = self.engine.retrieve(tokens, k=k, weight_mask=mask, show_progress=False)
        return [(self.ids[int(i)], float(s)) for i, s in zip(rows[0], values[0], strict=True)]


def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def built(texts: Mapping[str, str]) -> Bm25Index:
    """A BM25 index of chunk ID -> indexed text, in the mapping's order."""
    corpus = bm25s.tokenize(
        list(texts.values()),
        stopwords="en",
        stemmer=_stemmer(),
        token_pattern=TOKEN_PATTERN,
        show_progress=False,
    )
    engine = bm25s.BM25()
    engine.index(corpus, show_progress=False)
    return Bm25Index(tuple(texts), engine)


def cache_folder(index_dir: Path, collection: str, shas: Sequence[str]) -> Path:
    tag = hashlib.sha256(f"{collection}:{sorted(shas)}".encode()).hexdigest()[:16]
    return index_dir / "bm25" / tag


def load_or_build(folder: Path, chunks: Mapping[str, Chunk], index_dir: Path) -> Bm25Index:
    """The cached index of these chunks, or a new one (saved if the folder allows)."""
    cached = _loaded(folder)
    if cached is not None:
        return cached
    index = built({cid: chunk.embedding_text() for cid, chunk in chunks.items()})
    with cache_lock(index_dir) as allowed:
        if allowed:
            try:
                _persist(index, folder)
            except OSError as exc:  # a full disk: the index still serves from memory
                log.warning("BM25 cache not saved (%s); kept in memory", exc)
    return index


def _loaded(folder: Path) -> Bm25Index | None:
    if not (folder / _IDS_FILE).is_file():
        return None
    try:
        ids = json.loads((folder / _IDS_FILE).read_text(encoding="utf-8"))
        return Bm25Index(tuple(ids), bm25s.BM25.load(str(folder)))
    except (OSError, ValueError) as exc:  # being replaced by a writer: build our own
        log.info("BM25 cache at %s unreadable (%s); rebuilding", folder, exc)
        return None


def _persist(index: Bm25Index, folder: Path) -> None:
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True, exist_ok=True)
    index.engine.save(str(tmp))
    (tmp / _IDS_FILE).write_text(json.dumps(list(index.ids)), encoding="utf-8")
    for old in folder.parent.iterdir():
        if old != tmp:
            shutil.rmtree(old, ignore_errors=True)
    tmp.replace(folder)
