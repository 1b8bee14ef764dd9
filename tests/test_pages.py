"""The page view's highlight on a generated PDF whose quoted sentence runs over a page break.

The PDF is drawn with reportlab under tmp_path; the highlights are read back as the boxes
``rendered_page`` draws and as the pixels it changed, then compared with where reportlab
set each line.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from assistant._pages import SCALE, Box, rendered_page

FONT, SIZE, LEFT, LEADING = "Helvetica", 11, 72, 18
# The sentence as ingest stores it: the line-end hyphen of "co-hort" is gone.
QUOTE = (
    "Employers and training providers agree on the curriculum before the first cohort "
    "starts, so that graduates meet the standards of the destination country and are "
    "hired at once."
)
# Where the sentence is printed: the last two lines of page 1, the first two of page 2.
PAGE_ONE_END = [
    "Employers and training providers agree on the curriculum",
    "before the first co-",
]
PAGE_TWO_START = [
    "hort starts, so that graduates meet the standards of the",
    "destination country and are hired at once.",
]
# Filler around it, with words of the quote that must not be marked.
FILLER = [
    "The destination country and its employers sign the agreement.",
    "Employers and training providers meet twice a year to review it.",
    "Graduates receive a certificate that both countries recognise.",
]


def _baselines(count: int, *, first: float = 760) -> list[float]:
    return [first - LEADING * i for i in range(count)]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, list[float]]]:
    """The two-page PDF and, per page, the baselines of the quote's lines (PDF points)."""
    path = tmp_path_factory.mktemp("pages") / "break.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont(FONT, SIZE)
    page_one = [*(FILLER * 8), *PAGE_ONE_END]
    for line, y in zip(page_one, _baselines(len(page_one)), strict=True):
        pdf.drawString(LEFT, y, line)
    pdf.drawString(LEFT, 40, "Page 1")  # a footer between the two halves in reading order
    pdf.showPage()
    pdf.setFont(FONT, SIZE)
    pdf.drawString(LEFT, 800, "Sample running header")
    page_two = [*PAGE_TWO_START, *(FILLER * 4)]
    for line, y in zip(page_two, _baselines(len(page_two)), strict=True):
        pdf.drawString(LEFT, y, line)
    pdf.drawString(LEFT, 40, "Page 2")
    pdf.showPage()
    pdf.save()
    lines = {0: _baselines(len(page_one))[-2:], 1: _baselines(len(page_two))[:2]}
    return path, lines


def _width(text: str) -> float:
    return float(stringWidth(text, FONT, SIZE))


def _spans(boxes: tuple[Box, ...]) -> list[tuple[float, float]]:
    return sorted((b.top, b.bottom) for b in boxes)


@pytest.mark.parametrize(("page", "printed"), [(0, PAGE_ONE_END), (1, PAGE_TWO_START)])
def test_a_quote_over_a_page_break_is_marked_on_both_pages(
    pdf: tuple[Path, dict[int, list[float]]], page: int, printed: list[str]
) -> None:
    path, lines = pdf
    image = rendered_page(path, page, QUOTE)
    height = A4[1]
    boxes = _spans(image.boxes)
    assert len(boxes) == len(printed), f"page {page + 1}: one box per line of the quote {boxes}"
    for (top, bottom), baseline in zip(boxes, sorted(lines[page], reverse=True), strict=True):
        y = (height - baseline) * SCALE  # the baseline, in pixels from the top
        assert top < y <= bottom + 2 and bottom - top < LEADING * SCALE, (top, bottom, y)
    for box, text in zip(sorted(image.boxes, key=lambda b: b.top), printed, strict=True):
        width = _width(text)
        assert abs(box.left - LEFT * SCALE) <= 4, f"the line is marked from its start: {box}"
        assert abs(box.right - (LEFT + width) * SCALE) <= 6, f"...to its end: {box}, {text!r}"
    plain = Image.open(io.BytesIO(rendered_page(path, page, "").png)).convert("RGB")
    marked = Image.open(io.BytesIO(image.png)).convert("RGB")
    changed = ImageChops.difference(marked, plain).getbbox()
    assert changed is not None, f"nothing is highlighted on page {page + 1}"
    assert changed[1] >= boxes[0][0] - 1 and changed[3] <= boxes[-1][1] + 1, (
        f"only the quote's lines change, not the filler that shares its words: {changed}"
    )


def test_the_next_page_alone_marks_nothing_of_a_quote_it_does_not_hold(
    pdf: tuple[Path, dict[int, list[float]]],
) -> None:
    path, _ = pdf
    other = "Partners review the agreement every year and publish what they learned from it."
    assert rendered_page(path, 1, other).boxes == ()
    assert len(rendered_page(path, 1, FILLER[0]).boxes) == 1, "a one-line quote, once"
    whole = " ".join(FILLER)  # three lines of page 2
    assert len(rendered_page(path, 1, whole).boxes) == len(FILLER), "every line of a quote"
