"""Tables for the layout engine: ruled grids and aligned tables, split across pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import black

from ._kit import Layout


@dataclass(frozen=True)
class Placed:
    first_page: int
    row_pages: tuple[int, ...]  # the page index each body row landed on


def table(
    lay: Layout,
    label: str,
    caption: str,
    rows: Sequence[Sequence[str]],
    *,
    ruled: bool,
    widths: Sequence[float] | None = None,
) -> Placed:
    """Caption, a header row, body rows; a row that does not fit moves on under
    '<label> (continued)'."""
    look = lay.look
    header, body = rows[0], rows[1:]
    fractions = widths or [1 / len(header)] * len(header)
    size = look.size * 0.88
    lead = look.leading * 0.88
    pad = 4.0

    def cells(row: Sequence[str], font: str) -> list[list[str]]:
        return [
            lay.wrap(text, font, size, lay.width * f - 2 * pad)
            for text, f in zip(row, fractions, strict=True)
        ]

    def row_height(wrapped: list[list[str]]) -> float:
        return max(len(c) for c in wrapped) * lead + 2 * pad

    def draw_row(wrapped: list[list[str]], font: str, shaded: bool) -> None:
        height = row_height(wrapped)
        x = lay.x
        if shaded:
            lay.c.setFillColor(look.shade)
            lay.c.rect(lay.x, lay.y - height, lay.width, height, fill=1, stroke=0)
            lay.c.setFillColor(black)
        for lines, f in zip(wrapped, fractions, strict=True):
            w = lay.width * f
            if ruled:
                lay.c.setLineWidth(0.5)
                lay.c.rect(x, lay.y - height, w, height, fill=0, stroke=1)
            y = lay.y - pad
            for line in lines:
                y -= lead * 0.95
                lay.c.setFont(font, size)
                lay.c.drawString(x + pad, y + 1, line)
            x += w
        lay.y -= height

    def draw_caption(text: str) -> None:
        lay.c.setFont(look.heading, look.size)
        lay.c.setFillColor(look.accent)
        for line in lay.wrap(text, look.heading, look.size, lay.width):
            lay.y -= look.leading
            lay.c.drawString(lay.x, lay.y, line)
        lay.c.setFillColor(black)
        lay.y -= 4

    head = cells(header, look.bold)
    first = cells(body[0], look.body)
    lay.ensure(look.leading * 2 + row_height(head) + row_height(first))
    lay.y -= 6
    draw_caption(caption)
    draw_row(head, look.bold, shaded=ruled)
    start = lay.index
    pages: list[int] = []
    for row in body:
        wrapped = cells(row, look.body)
        if lay.y - row_height(wrapped) < lay.bottom:
            lay.next_column()
            draw_caption(f"{label} (continued)")
            draw_row(head, look.bold, shaded=ruled)
        draw_row(wrapped, look.body, shaded=False)
        pages.append(lay.index)
    lay.y -= look.leading
    return Placed(start, tuple(pages))


def two_column_pairs(
    lay: Layout, pairs: Sequence[tuple[str, str]], *, key_width: float = 58
) -> None:
    """An acronym list set in two columns of (short form, expansion) pairs."""
    look = lay.look
    half = (len(pairs) + 1) // 2
    left, right = pairs[:half], pairs[half:]
    col_w = lay.width / 2
    for n in range(half):
        rows = [left[n]] + ([right[n]] if n < len(right) else [])
        wrapped = [lay.wrap(exp, look.body, look.size, col_w - key_width - 8) for _, exp in rows]
        height = max(len(w) for w in wrapped) * look.leading
        lay.ensure(height)
        for k, ((short, _), lines) in enumerate(zip(rows, wrapped, strict=True)):
            x = lay.x + k * col_w
            y = lay.y
            lay.c.setFont(look.bold, look.size)
            lay.c.drawString(x, y - look.leading, short)
            for line in lines:
                y -= look.leading
                lay.c.setFont(look.body, look.size)
                lay.c.drawString(x + key_width, y, line)
        lay.y -= height + 2
