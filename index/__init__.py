"""Index: embeddings, Chroma (embedded or server), BM25 and hybrid retrieval.

Public surface: ``open_index`` returns a ``GuideIndex`` whose ``search`` returns ``Hit``s;
``list_documents`` says what is indexed without loading Chroma or the model (for a local
index);
``index_pdf`` ingests a PDF and adds it in one call. ``GuideIndex`` composes a
``Library`` (the storage core: manifest, Chroma, stores, write lock) and a ``Retriever``
(the search pipeline over what the library publishes). Also the index's settings section
(``IndexSettings``), what it reads of the application's settings (``IndexConfig``) and
its errors (``index.errors``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from index._listing import list_documents
from index._records import AddReport, DocumentInfo, Hit, IndexStatus
from index._search import RRF_K, expand_query
from index.errors import (
    ChromaUnavailableError,
    DiskFullError,
    EmbeddingModelError,
    EmbeddingModelMismatchError,
    IndexCorruptError,
    IndexNotBuiltError,
    IndexNotWritableError,
    IndexUnavailableError,
)
from index.settings import DEFAULT_EMBED_MODEL, IndexConfig, IndexSettings

if TYPE_CHECKING:
    from index._guide import GuideIndex, open_index
    from index._index_pdf import index_pdf
    from index._library import Library
    from index._rebuild import rebuild_index
    from index._retriever import Retriever

__all__ = [
    "DEFAULT_EMBED_MODEL",
    "RRF_K",
    "AddReport",
    "ChromaUnavailableError",
    "DiskFullError",
    "DocumentInfo",
    "EmbeddingModelError",
    "EmbeddingModelMismatchError",
    "GuideIndex",
    "Hit",
    "IndexConfig",
    "IndexCorruptError",
    "IndexNotBuiltError",
    "IndexNotWritableError",
    "IndexSettings",
    "IndexStatus",
    "IndexUnavailableError",
    "Library",
    "Retriever",
    "expand_query",
    "index_pdf",
    "list_documents",
    "open_index",
    "rebuild_index",
]

# The library pulls in llama-index, Chroma and torch (seconds to import): load it on first
# use, so that the CLI's error edge and the settings (which import this package's errors
# and settings section) answer at once.
_LAZY = {
    "index_pdf": "index._index_pdf",
    "GuideIndex": "index._guide",
    "open_index": "index._guide",
    "Library": "index._library",
    "Retriever": "index._retriever",
    "rebuild_index": "index._rebuild",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'index' has no attribute {name!r}")
