"""Ingest: a policy PDF becomes chapter-tagged, page-true chunks.

Public surface: ``ingest_pdf`` and ``build_sample_pdf`` plus the records they return, and
the two text rules later stages share: how a chunk's pages are written (``page_span``)
and where its sentences end (``split_sentences``). Also ingest's settings section
(``IngestSettings``, and ``IngestConfig``: what ``ingest_pdf`` reads of the application's
settings) and the root of the project's exception tree (``SmpGuideError``, ``InputError``)
with the errors of reading a PDF.
"""

from ingest._pipeline import ProgressFn, ingest_pdf
from ingest._records import (
    CHUNK_KINDS,
    Chapter,
    Chunk,
    ChunkKind,
    Document,
    GlossaryEntry,
    IngestResult,
    OffPage,
    VerbatimReport,
    page_span,
)
from ingest._text import split_sentences
from ingest.errors import (
    CorruptPdfError,
    EmptyPdfError,
    EncryptedPdfError,
    InputError,
    NotAPdfError,
    NoTextLayerError,
    PdfTooLargeError,
    SmpGuideError,
)
from ingest.sample import SampleManifest, build_sample_pdf
from ingest.settings import IngestConfig, IngestSettings

__all__ = [
    "CHUNK_KINDS",
    "Chapter",
    "Chunk",
    "ChunkKind",
    "CorruptPdfError",
    "Document",
    "EmptyPdfError",
    "EncryptedPdfError",
    "GlossaryEntry",
    "IngestConfig",
    "IngestResult",
    "IngestSettings",
    "InputError",
    "NoTextLayerError",
    "NotAPdfError",
    "OffPage",
    "PdfTooLargeError",
    "ProgressFn",
    "SampleManifest",
    "SmpGuideError",
    "VerbatimReport",
    "build_sample_pdf",
    "ingest_pdf",
    "page_span",
    "split_sentences",
]
