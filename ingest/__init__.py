"""Ingest: a policy PDF becomes chapter-tagged, page-true chunks.

Public surface: ``ingest_pdf`` and ``build_sample_pdf`` plus the records they return, and
the two text rules later stages share: how a chunk's pages are written (``page_span``)
and where its sentences end (``split_sentences``). Also ingest's settings section
(``IngestSettings``, and ``IngestConfig``: what ``ingest_pdf`` reads of the application's
settings) and the root of the project's exception tree (``SmpGuideError``, ``InputError``)
with the errors of reading a PDF.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
from ingest.settings import IngestConfig, IngestSettings

if TYPE_CHECKING:
    from ingest._pipeline import ProgressFn, ingest_pdf
    from ingest.sample import SampleManifest, build_sample_pdf

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

# The PDF reader (pypdf) and the sample's typesetter (reportlab) take a second to import:
# load them on first use, so that commands needing only the records and errors start fast.
_LAZY = {
    "ProgressFn": "ingest._pipeline",
    "ingest_pdf": "ingest._pipeline",
    "SampleManifest": "ingest.sample",
    "build_sample_pdf": "ingest.sample",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")
