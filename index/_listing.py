"""What is indexed, read without Chroma or the embedding model.

Every publish writes a copy of the manifest beside the chunk store (``documents.json``,
under the write lock, right after the collection's metadata), so a local index can be
listed by reading one small file: no torch, no Chroma, well under a second. A Chroma
server's manifest lives only on the server, so that case opens the storage library.

The copy can fall behind: its write may fail (a full disk, a read-only file) after the
collection's metadata was changed. So each publish first writes a stamp of the manifest
it is about to publish (``published.json``: its generation and digest), and the copy is
read only while it matches the stamp; otherwise Chroma's own manifest is read. A publish
whose stamp cannot be written is not made, so a current copy always matches its stamp.
An index written before stamps existed has none, and its copy is read as it is.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from index._manifest import DocumentEntry, Manifest, read_local_copy, write_local_copy
from index._records import DocumentInfo, IndexStatus
from index.errors import IndexCorruptError
from index.settings import IndexConfig

log = logging.getLogger(__name__)

LOCAL_COPY = "documents.json"
STAMP = "published.json"


def write_stamp(folder: Path, manifest: Manifest) -> None:
    """Before a publish: which manifest the copy must match from now on (OSError)."""
    tmp = folder / f"{STAMP}.tmp"
    tmp.write_text(json.dumps(_stamp_of(manifest)), encoding="utf-8")
    tmp.replace(folder / STAMP)


def write_listing(folder: Path, manifest: Manifest) -> None:
    """After a publish: the copy the listing reads. The publish has happened, so a
    failed write is a warning: the stamp tells the listing the copy is behind."""
    try:
        write_local_copy(folder / LOCAL_COPY, manifest)
    except OSError as exc:
        log.warning(
            "%s not updated (%s): `index list` reads the index itself until the next write",
            folder / LOCAL_COPY,
            exc.strerror or exc,
        )


def _stamp_of(manifest: Manifest) -> dict[str, int | str]:
    return {"generation": manifest.generation, "digest": manifest.digest()}


def list_documents(*, settings: IndexConfig) -> IndexStatus:
    """The indexed documents and the model that embedded them (``GuideIndex.status`` too)."""
    folder = settings.resolved_index_dir()
    manifest = None if settings.chroma_url else current_copy(folder)
    if manifest is None and (settings.chroma_url or (folder / "chroma").is_dir()):
        # A server, or an index whose copy is missing, damaged or behind: ask Chroma
        # (storage only: no embedding model, no search libraries).
        from index._library import Library

        return Library(settings=settings).status()
    return status_of(manifest, where=str(folder), model=settings.index.embed_model)


def current_copy(folder: Path) -> Manifest | None:
    """The copy of the manifest, or None when it is missing, damaged or behind."""
    try:
        copy = read_local_copy(folder / LOCAL_COPY)
        stamp = _read_stamp(folder / STAMP)
    except (IndexCorruptError, OSError, ValueError):  # Chroma may still hold it
        return None
    if copy is None or (stamp is not None and stamp != _stamp_of(copy)):
        return None
    return copy


def _read_stamp(path: Path) -> dict[str, int | str] | None:
    if not path.is_file():
        return None
    stamp = json.loads(path.read_text(encoding="utf-8"))  # ValueError when damaged
    if not isinstance(stamp, dict):
        raise ValueError(f"{path} is not a stamp")
    return stamp


def status_of(manifest: Manifest | None, *, where: str, model: str) -> IndexStatus:
    """An ``IndexStatus`` of a manifest; ``model`` names the model of an empty index."""
    if manifest is None:
        return IndexStatus(where, model, 0, 0, ())
    docs = tuple(document_info(d) for d in manifest.documents.values())
    return IndexStatus(where, manifest.model, manifest.dimension, manifest.generation, docs)


def document_info(entry: DocumentEntry) -> DocumentInfo:
    return DocumentInfo(
        entry.key, entry.id, entry.title, entry.n_pages, entry.chunks, entry.ingested_at
    )
