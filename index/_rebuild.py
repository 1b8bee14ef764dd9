"""``index rebuild``: re-embed every document from the stored chunks into a fresh collection."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from index._chroma import chroma_errors, connect, existing_collection
from index._library import Library, ProgressFn
from index._listing import LOCAL_COPY, current_copy
from index._manifest import Manifest, read_local_copy
from index._records import AddReport
from index._storage import not_writable, stored_chunks, writable, write_lock
from index.errors import IndexNotBuiltError
from index.settings import IndexConfig
from ingest import SmpGuideError

log = logging.getLogger(__name__)


def rebuild_index(*, settings: IndexConfig, progress: ProgressFn | None = None) -> list[AddReport]:
    """Re-embed every document from the local chunk store into a fresh collection.

    Works when the Chroma data is damaged or was built with another model: it needs
    only ``documents.json`` and ``store/`` in the index folder.
    """
    folder = settings.resolved_index_dir()
    saved = _documents(settings, folder)
    if saved is None or not saved.documents:
        raise IndexNotBuiltError(
            f"nothing to rebuild at {folder}: no stored chunks; run `smp-guide ingest PDF`."
        )
    if not writable(folder):
        raise not_writable(folder, "read-only file system")
    with write_lock(folder):
        stored = [
            (entry, stored_chunks(folder, entry.content_sha256))
            for entry in saved.documents.values()
        ]
        if settings.chroma_url:
            client = connect(chroma_url=settings.chroma_url, path=folder / "chroma")
            with chroma_errors(settings.chroma_url):
                if existing_collection(client, settings.index.collection, settings.chroma_url):
                    client.delete_collection(settings.index.collection)
        else:
            _discard_local_chroma(folder / "chroma")
        shutil.rmtree(folder / "bm25", ignore_errors=True)
        library = Library(settings=settings)
        return [library.add_stored(entry, chunks, progress=progress) for entry, chunks in stored]


def _documents(settings: IndexConfig, folder: Path) -> Manifest | None:
    """What to rebuild: the listing while it matches its stamp; if it is behind (its write
    failed after a publish), Chroma's own manifest while it can still be read; else the
    listing as it is, with a warning."""
    current = current_copy(folder)
    if current is not None:
        return current
    try:
        live = Library(settings=settings).current().manifest
    except SmpGuideError as exc:  # damaged or unreachable: the listing is all there is
        log.warning("rebuilding from %s, which may be behind the index (%s)", LOCAL_COPY, exc)
        return read_local_copy(folder / LOCAL_COPY)
    return live


def _discard_local_chroma(path: Path) -> None:
    # Chroma keeps one shared system per path in a process: clear it before deleting files.
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    shutil.rmtree(path, ignore_errors=True)
