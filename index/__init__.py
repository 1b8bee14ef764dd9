"""Index: embeddings, Chroma (embedded or server), BM25 and hybrid retrieval.

Public surface: ``open_index`` returns a ``GuideIndex`` whose ``search`` returns ``Hit``s;
it composes a ``Library`` (the storage core: manifest, Chroma, stores, write lock) and a
``Retriever`` (the search pipeline over what the library publishes).
"""

from index._guide import GuideIndex, open_index
from index._library import Library
from index._rebuild import rebuild_index
from index._records import AddReport, DocumentInfo, Hit, IndexStatus
from index._retriever import Retriever
from index._search import RRF_K, expand_query

__all__ = [
    "RRF_K",
    "AddReport",
    "DocumentInfo",
    "GuideIndex",
    "Hit",
    "IndexStatus",
    "Library",
    "Retriever",
    "expand_query",
    "open_index",
    "rebuild_index",
]
