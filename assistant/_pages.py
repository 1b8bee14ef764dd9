"""A cited page as an image, with the quoted passage highlighted where it is printed.

The quote is found in the page's own text layer (pdfium's characters and their boxes),
compared letters and digits only: a stored quote has its ligatures, line-end hyphens
and spacing cleaned by ingest, the page has them as printed. A quote that was stitched
across columns or pages is found piece by piece (its sentences, then runs of words), so
the part printed on this page is still marked.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from assistant.errors import PageUnavailableError

SCALE = 2.0  # 144 dpi: small type stays readable
HIGHLIGHT = (255, 214, 0, 110)  # translucent yellow over the printed words
MIN_PIECE = 12  # letters: shorter pieces of a quote would match anywhere
_SENTENCE = re.compile(r"(?<=[.;:!?])\s+")


@dataclass(frozen=True)
class Box:
    """A rectangle on the rendered image, in pixels from its top left corner."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class PageImage:
    """A rendered page: its PNG, its size in pixels, and the boxes of the quote on it."""

    png: bytes
    width: int
    height: int
    boxes: tuple[Box, ...]

    def highlight_top(self) -> float | None:
        """Where the first highlight starts, as a share of the page's height."""
        return min(b.top for b in self.boxes) / self.height if self.boxes else None


def highlighted_page(pdf_path: Path, page_index: int, quote: str, *, scale: float = SCALE) -> bytes:
    """The PNG of page ``page_index`` (0-based) with ``quote`` highlighted where it is found.

    An empty quote, or one not on the page, gives the page as it is.
    Raises PageUnavailableError when the document has no such page or cannot be opened.
    """
    return rendered_page(pdf_path, page_index, quote, scale=scale).png


def rendered_page(
    pdf_path: Path, page_index: int, quote: str, *, scale: float = SCALE
) -> PageImage:
    """``highlighted_page`` with where the highlights are (the page view scrolls to them)."""
    try:
        pdf = pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError as exc:
        raise PageUnavailableError(f"{pdf_path.name} cannot be rendered: {exc}") from exc
    try:
        if not 0 <= page_index < len(pdf):
            raise PageUnavailableError(
                f"the document has pages 1-{len(pdf)}; there is no page {page_index + 1}."
            )
        page = pdf[page_index]
        image = page.render(scale=scale).to_pil().convert("RGBA")
        boxes = quote_boxes(page, quote, scale=scale)
    finally:
        pdf.close()
    png = _png(_with_highlights(image, boxes))
    return PageImage(png, image.width, image.height, tuple(boxes))


def quote_boxes(page: pdfium.PdfPage, quote: str, *, scale: float = SCALE) -> list[Box]:
    """One box per printed line of the quote on ``page``, in pixels of a ``scale`` render."""
    text_page = page.get_textpage()
    letters, indexes = _letters(text_page)
    _, height = page.get_size()
    left_edge, bottom_edge, _, _ = page.get_cropbox()
    found: set[int] = set()
    for piece in _pieces(quote):
        start = letters.find(piece)
        if start >= 0:
            found.update(indexes[start : start + len(piece)])
            if len(piece) == len(_folded(quote)):
                break  # the whole quote: its pieces add nothing
    lines: dict[int, list[tuple[float, float, float, float]]] = {}
    for index in sorted(found):
        left, bottom, right, top = text_page.get_charbox(index)
        lines.setdefault(round(bottom), []).append((left, bottom, right, top))
    top_edge = bottom_edge + height
    return [
        Box(
            (min(b[0] for b in row) - left_edge) * scale - 2,
            (top_edge - max(b[3] for b in row)) * scale - 2,
            (max(b[2] for b in row) - left_edge) * scale + 2,
            (top_edge - min(b[1] for b in row)) * scale + 2,
        )
        for row in lines.values()
    ]


def _letters(text_page: pdfium.PdfTextPage) -> tuple[str, list[int]]:
    """The page's letters and digits, lower-cased, and the character index of each."""
    letters: list[str] = []
    indexes: list[int] = []
    for index in range(text_page.count_chars()):
        char = text_page.get_text_range(index, 1)
        for part in _folded(char):
            letters.append(part)
            indexes.append(index)
    return "".join(letters), indexes


def _folded(text: str) -> str:
    """Letters and digits only, lower-cased, ligatures spelled out (\ufb01 -> fi)."""
    return "".join(c for c in _normal(text) if c.isalnum())


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _pieces(quote: str) -> Iterator[str]:
    """The quote whole; if it is not on the page, its sentences, then runs of eight words."""
    whole = _folded(quote)
    if len(whole) < MIN_PIECE:
        return
    yield whole
    for sentence in _SENTENCE.split(quote):
        words = sentence.split()
        runs = [" ".join(words[i : i + 8]) for i in range(0, len(words), 8)]
        for run in [sentence, *runs]:
            folded = _folded(run)
            if len(folded) >= MIN_PIECE:
                yield folded


def _with_highlights(image: Image.Image, boxes: list[Box]) -> Image.Image:
    if not boxes:
        return image
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for box in boxes:
        draw.rectangle((box.left, box.top, box.right, box.bottom), fill=HIGHLIGHT)
    return Image.alpha_composite(image, layer)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()
