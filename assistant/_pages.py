"""A cited page as an image, with the quoted passage highlighted where it is printed.

The quote is found in the page's own text layer (pdfium's characters and their boxes),
compared letters and digits only: a stored quote has its ligatures, line-end hyphens
and spacing cleaned by ingest, the page has them as printed. A quote that runs over a
page break is marked on both pages: on the first, the longest start of the quote printed
there; on the next, the continuation (what the previous page does not hold). A quote
stitched across columns is found piece by piece (its sentences, then runs of words), so
the part printed on this page is still marked.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterator
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
        previous = pdf[page_index - 1] if page_index else None
        boxes = quote_boxes(page, quote, scale=scale, previous=previous)
    finally:
        pdf.close()
    png = _png(_with_highlights(image, boxes))
    return PageImage(png, image.width, image.height, tuple(boxes))


def quote_boxes(
    page: pdfium.PdfPage,
    quote: str,
    *,
    scale: float = SCALE,
    previous: pdfium.PdfPage | None = None,
) -> list[Box]:
    """One box per printed line of the quote on ``page``, in pixels of a ``scale`` render.

    ``previous``: the page before, read only when the whole quote is not on this page
    (it may have begun there and run over the page break).
    """
    text_page = page.get_textpage()
    letters, indexes = _letters(text_page)
    _, height = page.get_size()
    left_edge, bottom_edge, _, _ = page.get_cropbox()
    found: set[int] = set()

    def carried() -> int:
        return 0 if previous is None else _carried(previous, quote)

    for start, length in _spans(letters, quote, carried=carried):
        found.update(indexes[start : start + length])
    lines: dict[int, list[tuple[float, float, float, float]]] = {}
    for index in sorted(found):  # the font's box, not the glyph's: one per printed line,
        left, bottom, right, top = text_page.get_charbox(index, loose=True)  # p and g too
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


def _spans(letters: str, quote: str, *, carried: Callable[[], int]) -> Iterator[tuple[int, int]]:
    """Where the quote's parts are in a page's ``letters``, as (start, length).

    The whole quote ends the search, and so does the whole continuation of a quote begun
    on the previous page (its ``carried()`` letters left out). Otherwise: the longest start
    of the quote (a quote that runs on to the next page), then its sentences and runs of
    words.
    """
    whole = _folded(quote)
    if len(whole) < MIN_PIECE:
        return
    if (start := letters.find(whole)) >= 0:
        yield start, len(whole)
        return
    held = carried()
    rest = whole[held:] if 0 < held < len(whole) else ""
    if rest and (span := _longest_start(letters, rest)) is not None:
        yield span
        if span[1] == len(rest):
            return  # the quote's end is here, its beginning on the previous page
    if (span := _longest_start(letters, whole)) is not None:
        yield span
    for piece in _pieces(quote):
        if (start := letters.find(piece)) >= 0:
            yield start, len(piece)


def _longest_start(letters: str, text: str) -> tuple[int, int] | None:
    """(start, length) of the longest beginning of ``text`` found in ``letters``, if it
    has at least MIN_PIECE letters. A beginning found implies every shorter one is, so a
    binary search on the length finds it."""
    if len(text) < MIN_PIECE or text[:MIN_PIECE] not in letters:
        return None
    low, high = MIN_PIECE, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text[:middle] in letters:
            low = middle
        else:
            high = middle - 1
    return letters.find(text[:low]), low


def _carried(previous: pdfium.PdfPage, quote: str) -> int:
    """How many letters of the quote's beginning the previous page holds (0 if too few to
    tell): the rest of the quote is what to look for on the page after it."""
    letters, _ = _letters(previous.get_textpage())
    span = _longest_start(letters, _folded(quote))
    return 0 if span is None else span[1]


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
    """The quote's sentences, then runs of eight words (a quote stitched across columns)."""
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
