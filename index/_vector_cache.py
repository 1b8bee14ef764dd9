"""Vectors derived from the manifest (the glossary's), cached in the index folder.

Embedding every glossary definition took seconds at each process start (a cold ``ask``
paid it once per question). The vectors depend only on the texts and the model, so they
are saved under a hash of both and read back as the same float32 rows: answers do not
change. The cache is written only when the folder's lock is free and the folder writable;
otherwise the vectors stay in memory, as before.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from index._storage import cache_lock

log = logging.getLogger(__name__)


def cached_rows(
    index_dir: Path, kind: str, key: Sequence[str], compute: Callable[[], np.ndarray]
) -> np.ndarray:
    """The rows ``compute`` returns for ``key`` (texts and model), read back when cached."""
    tag = hashlib.sha256("\x00".join(key).encode()).hexdigest()[:24]
    path = index_dir / kind / f"{tag}.npy"
    try:
        return np.asarray(np.load(path, allow_pickle=False), dtype=np.float32)
    except (OSError, ValueError):  # none yet, or being replaced: compute our own
        pass
    rows = np.asarray(compute(), dtype=np.float32)
    with cache_lock(index_dir) as allowed:
        if allowed:
            try:
                _saved(path, rows)
            except OSError as exc:  # a full disk: the rows still serve from memory
                log.warning("%s cache not saved (%s); kept in memory", kind, exc)
    return rows


def _saved(path: Path, rows: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.npy")
    np.save(tmp, rows, allow_pickle=False)
    for old in path.parent.glob("*.npy"):  # one library state at a time
        if old not in (tmp, path):
            old.unlink(missing_ok=True)
    tmp.replace(path)
