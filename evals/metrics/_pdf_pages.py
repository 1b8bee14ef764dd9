"""Printed-page text of the stored PDFs, for checking that a quote is where it is cited."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal

from pypdf import PdfReader
from pypdf.errors import PyPdfError

log = logging.getLogger(__name__)

LocateFn = Callable[[str], Path | None]
"""Document ID -> stored PDF (``GuideIndex.pdf_path``), None when no copy is stored."""
Mode = Literal["plain", "layout"]

_DIGITS = re.compile(r"\d+")
_MIN_REPEATS = 2


class PdfPages:
    """Page text by (document ID, 0-based page index), extracted once per mode with pypdf.

    ``variants`` gives the joined text of some pages in the forms a faithful quote may
    take: pypdf's plain extraction (drawing order) and its layout extraction (line by
    line across table columns, the order ingest reads tables in), each as is and with
    running headers and footers removed (lines that recur, numbers aside, on two or
    more pages, and the page's printed number), so that a quote running over a page
    break is found in the joined pages.
    """

    def __init__(self, locate: LocateFn) -> None:
        self._locate = locate
        self._readers: dict[str, PdfReader | None] = {}
        self._texts: dict[tuple[str, int, Mode], str] = {}
        self._repeats: dict[tuple[str, Mode], frozenset[str]] = {}

    def has_pdf(self, document_id: str) -> bool:
        return self._reader(document_id) is not None

    def has_pages(self, document_id: str, page_indexes: Sequence[int]) -> bool:
        reader = self._reader(document_id)
        return reader is not None and all(0 <= i < len(reader.pages) for i in page_indexes)

    def variants(self, document_id: str, page_indexes: Sequence[int]) -> Iterator[str]:
        """The pages' text joined in order, in each form, computed lazily (cheapest first)."""
        reader = self._reader(document_id)
        if reader is None or not self.has_pages(document_id, page_indexes):
            return
        for mode in ("plain", "layout"):
            parts = [self._page(document_id, reader, i, mode) for i in page_indexes]
            yield "\n".join(parts)
            drop = self._repeated(document_id, reader, mode)
            labels = _labels(reader)
            yield "\n".join(
                "\n".join(
                    line
                    for line in part.splitlines()
                    if _shape(line) not in drop and line.strip() != labels.get(i, "\0")
                )
                for i, part in zip(page_indexes, parts, strict=True)
            )

    def _page(self, document_id: str, reader: PdfReader, index: int, mode: Mode) -> str:
        key = (document_id, index, mode)
        if key not in self._texts:
            self._texts[key] = reader.pages[index].extract_text(extraction_mode=mode) or ""
        return self._texts[key]

    def _repeated(self, document_id: str, reader: PdfReader, mode: Mode) -> frozenset[str]:
        if (document_id, mode) not in self._repeats:
            counts: Counter[str] = Counter()
            for i in range(len(reader.pages)):
                lines = self._page(document_id, reader, i, mode).splitlines()
                counts.update({_shape(line) for line in lines})
            self._repeats[(document_id, mode)] = frozenset(
                shape for shape, n in counts.items() if n >= _MIN_REPEATS and shape
            )
        return self._repeats[(document_id, mode)]

    def _reader(self, document_id: str) -> PdfReader | None:
        if document_id not in self._readers:
            path = self._locate(document_id) if document_id else None
            reader = None
            if path is not None:
                try:
                    reader = PdfReader(path)
                except (OSError, PyPdfError) as exc:
                    log.warning("cannot read the stored PDF %s: %s", path, exc)
            self._readers[document_id] = reader
        return self._readers[document_id]


def _shape(line: str) -> str:
    """A line with its numbers blanked: running footers differ only by page number."""
    return _DIGITS.sub("#", " ".join(line.split()))


def _labels(reader: PdfReader) -> dict[int, str]:
    try:
        return dict(enumerate(reader.page_labels))
    except (PyPdfError, KeyError, ValueError, TypeError):
        return {}
