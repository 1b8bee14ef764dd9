"""What is indexed, read without Chroma or the embedding model.

Every publish writes a copy of the manifest beside the chunk store (``documents.json``,
under the write lock, right after the collection's metadata), so a local index can be
listed by reading one small file: no torch, no Chroma, well under a second. A Chroma
server's manifest lives only on the server, so that case opens the full library.
"""

from __future__ import annotations

from pathlib import Path

from index._manifest import DocumentEntry, Manifest, read_local_copy
from index._records import DocumentInfo, IndexStatus
from index.errors import IndexCorruptError
from index.settings import IndexConfig

LOCAL_COPY = "documents.json"


def list_documents(*, settings: IndexConfig) -> IndexStatus:
    """The indexed documents and the model that embedded them (``GuideIndex.status`` too)."""
    folder = settings.resolved_index_dir()
    manifest = None if settings.chroma_url else _local_copy(folder)
    if manifest is None and (settings.chroma_url or (folder / "chroma").is_dir()):
        # A server, or an index whose copy is missing or damaged: ask Chroma.
        from index._guide import open_index

        return open_index(settings=settings).status()
    return status_of(manifest, where=str(folder), model=settings.index.embed_model)


def _local_copy(folder: Path) -> Manifest | None:
    try:
        return read_local_copy(folder / LOCAL_COPY)
    except (IndexCorruptError, OSError):  # Chroma may still hold it; the library says
        return None


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
