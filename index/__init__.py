"""Index: embeddings, Chroma (embedded or server), BM25 and hybrid retrieval.

Public surface: ``open_index`` returns a ``GuideIndex`` whose ``search`` returns ``Hit``s.
"""

from index._library import GuideIndex, open_index
from index._rebuild import rebuild_index
from index._records import AddReport, DocumentInfo, Hit, IndexStatus
from index._search import RRF_K, expand_query

__all__ = [
    "RRF_K",
    "AddReport",
    "DocumentInfo",
    "GuideIndex",
    "Hit",
    "IndexStatus",
    "expand_query",
    "open_index",
    "rebuild_index",
]
