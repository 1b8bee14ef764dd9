"""One call from a PDF file to its indexed chunks: what the app and the benchmarks do."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from index._guide import GuideIndex, open_index
from index._records import AddReport
from index.settings import IndexConfig
from ingest import IngestConfig, ProgressFn, ingest_pdf


class IndexPdfConfig(IndexConfig, IngestConfig, Protocol):
    """What ``index_pdf`` reads: the ingest and index sections (``assistant.Settings``)."""


def index_pdf(
    path: Path,
    *,
    settings: IndexPdfConfig,
    progress: ProgressFn | None = None,
    into: GuideIndex | None = None,
) -> AddReport:
    """Ingest the PDF at ``path`` and add it, with a copy of the file, to the index.

    ``into`` is an index the caller already holds open (the chat's, whose searches must see
    the new document); otherwise the one ``settings`` names is opened, and only once the
    PDF has parsed, so a file that is refused never touches the index. ``progress`` sees
    the pages read, then the chunks embedded.
    """
    result = ingest_pdf(path, settings=settings, progress=progress)
    library = into if into is not None else open_index(settings=settings)
    return library.add(result, pdf=path, progress=progress)
