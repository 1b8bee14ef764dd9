"""Drawn elements for the layout engine: a call-out quote and a bar chart made of shapes."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import black

from ._kit import Layout


def callout(lay: Layout, text: str) -> int:
    """A pull quote between two accent rules, in large italic type."""
    look = lay.look
    size = look.size * 1.45
    lines = lay.wrap(text, look.italic, size, lay.width - 16)
    height = len(lines) * size * 1.3 + 16
    lay.ensure(height + 8)
    lay.c.setStrokeColor(look.accent)
    lay.c.setLineWidth(2)
    lay.c.line(lay.x, lay.y - 4, lay.x + lay.width, lay.y - 4)
    y = lay.y - 10
    lay.c.setFillColor(look.accent)
    for line in lines:
        y -= size * 1.3
        lay.c.setFont(look.italic, size)
        lay.c.drawString(lay.x + 8, y, line)
    lay.c.setFillColor(black)
    lay.c.line(lay.x, lay.y - height, lay.x + lay.width, lay.y - height)
    lay.c.setStrokeColor(black)
    lay.y -= height + 10
    return lay.index


def figure(lay: Layout, caption: str, bars: Sequence[tuple[str, float]]) -> int:
    """A bar chart drawn with shapes, its data labels loose numbers on the page."""
    look = lay.look
    height = 150.0
    lay.ensure(height + 40)
    top = lay.y - 8
    base = top - height + 20
    peak = max(v for _, v in bars) or 1
    step = (lay.width - 30) / len(bars)
    lay.c.setLineWidth(0.6)
    lay.c.line(lay.x + 20, base, lay.x + lay.width, base)
    lay.c.line(lay.x + 20, base, lay.x + 20, top)
    for i, (label, value) in enumerate(bars):
        bx = lay.x + 28 + i * step
        h = (height - 50) * value / peak
        lay.c.setFillColor(look.accent if i % 2 == 0 else look.shade)
        lay.c.rect(bx, base, step * 0.6, h, fill=1, stroke=1)
        lay.c.setFillColor(black)
        lay.c.setFont(look.body, 7)
        lay.c.drawCentredString(bx + step * 0.3, base + h + 3, f"{value:g}")
        lay.c.drawCentredString(bx + step * 0.3, base - 10, label)
    lay.y = base - 18
    lay.c.setFont(look.bold, look.size * 0.9)
    for line in lay.wrap(caption, look.bold, look.size * 0.9, lay.width):
        lay.c.drawString(lay.x, lay.y, line)
        lay.y -= look.leading
    lay.y -= look.para_gap
    return lay.index
