"""The sample's document template: page frames, running headers and footers, page marks."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from ingest.sample._labels import page_label
from ingest.sample._model import SampleText
from ingest.sample._styles import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_H, PAGE_W, TEXT_W


def _frame(x: float, width: float, name: str) -> Frame:
    height = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
    return Frame(
        x,
        MARGIN_BOTTOM,
        width,
        height,
        id=name,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


class SampleDoc(BaseDocTemplate):  # type: ignore[misc]
    """Records the page of each tracked flowable and draws running headers and footers."""

    def __init__(self, target: io.BytesIO, text: SampleText, *, outline: bool) -> None:
        super().__init__(
            target,
            pagesize=A5,
            invariant=1,
            title=text.pdf_title,
            author=text.pdf_author,
            subject=text.pdf_subject,
            creator=text.pdf_author,
            keywords=text.pdf_keywords,
        )
        self.marks: dict[str, int] = {}
        self.body_start = 10**6
        self.twocol_pages = 0
        self._footer = text.footer_marker
        self._year = text.pdf_year
        self._outline = outline
        self._header: str | None = None
        self._headerless_index = -1
        full = _frame(MARGIN_X, TEXT_W, "full")
        col_w = (TEXT_W - 8 * mm) / 2
        cols = [_frame(MARGIN_X + i * (col_w + 8 * mm), col_w, f"col{i}") for i in range(2)]
        self.addPageTemplates(
            [
                PageTemplate("cover", [full]),
                PageTemplate("page", [full], onPageEnd=self._decorate),
                PageTemplate("twocol", cols, onPage=self._count_twocol, onPageEnd=self._decorate),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        key: str | None = getattr(flowable, "smp_key", None)
        if key is None or key in self.marks:
            return
        index = self.page - 1
        self.marks[key] = index
        if key.startswith("chapter:") or key == "back":
            self._header = flowable.smp_header
            self._headerless_index = index
        if key == "chapter:1":
            self.body_start = index
        if self._outline:
            self._bookmark(key, index, flowable.smp_outline)

    def _bookmark(self, key: str, index: int, entries: Sequence[tuple[str, int]]) -> None:
        canv = self.canv
        if key == "cover":
            canv.addPageLabel(0)  # the cover prints no number: an empty label
            canv.addPageLabel(1, "ROMAN_LOWER", 1)
        if key == "chapter:1":
            canv.addPageLabel(index, "ARABIC", 1)
        for title, level in entries:
            name = "_GoBack" if title == "_GoBack" else key
            canv.bookmarkPage(name)
            canv.addOutlineEntry(title, name, level=level, closed=level == 0)

    def beforeDocument(self) -> None:
        # Invariant mode stamps every PDF 2000-01-01, which readers take as the year of
        # publication: date the sample as the publication it stands in for.
        year = self._year
        self.canv.setDateFormatter(
            lambda *_parts: f"D:{year:04d}0101000000+00'00'",
        )

    def _count_twocol(self, _canv: Canvas, _doc: BaseDocTemplate) -> None:
        self.twocol_pages += 1

    def _decorate(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        index = self.page - 1
        canv.saveState()
        canv.setFont("Helvetica", 7.5)
        canv.drawString(MARGIN_X, 10 * mm, self._footer)
        canv.drawRightString(PAGE_W - MARGIN_X, 10 * mm, page_label(index, self.body_start))
        if self._header is not None and index != self._headerless_index:
            size = min(7.5, TEXT_W / stringWidth(self._header, "Helvetica", 1))
            canv.setFont("Helvetica", size)
            canv.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 12 * mm, self._header)
            canv.setLineWidth(0.3)
            canv.line(MARGIN_X, PAGE_H - 13.5 * mm, PAGE_W - MARGIN_X, PAGE_H - 13.5 * mm)
        canv.restoreState()
