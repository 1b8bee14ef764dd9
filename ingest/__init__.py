"""Ingest: a policy PDF becomes chapter-tagged, page-true chunks.

Public surface: ``ingest_pdf`` and ``build_sample_pdf`` plus the records they return, and
the two text rules later stages share: how a chunk's pages are written (``page_span``)
and where its sentences end (``split_sentences``).
"""

from ingest._pipeline import ProgressFn, ingest_pdf
from ingest._records import (
    CHUNK_KINDS,
    Chapter,
    Chunk,
    ChunkKind,
    Document,
    IngestResult,
    OffPage,
    VerbatimReport,
    page_span,
)
from ingest._text import split_sentences
from ingest.sample import SampleManifest, build_sample_pdf
from ingest.settings import Settings

__all__ = [
    "CHUNK_KINDS",
    "Chapter",
    "Chunk",
    "ChunkKind",
    "Document",
    "IngestResult",
    "OffPage",
    "ProgressFn",
    "SampleManifest",
    "Settings",
    "VerbatimReport",
    "build_sample_pdf",
    "ingest_pdf",
    "page_span",
    "split_sentences",
]
