"""Index: embeddings, Chroma (embedded or server), BM25 and hybrid retrieval.

Public surface: ``open_index`` returns a ``GuideIndex`` whose ``search`` returns ``Hit``s;
``index_pdf`` ingests a PDF and adds it in one call.
"""

from index._index_pdf import index_pdf
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
    "index_pdf",
    "open_index",
    "rebuild_index",
]
