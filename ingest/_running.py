"""Running heads set on facing pages: one line on left-hand pages, another on right-hand.

A short chapter repeats its own running head on every other page only, too few times to
count document-wide and never on consecutive pages. What marks it is the place: the same
line at the same height in the top band of pages two apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ingest._pdf import Line

_SAME_Y = 1.0
_MIN_CHARS = 8
"""Shorter lines (a page number, "Notes") repeat for other reasons."""


def alternate_heads(
    banded: Sequence[Sequence[Line]],
    heights: Sequence[float],
    body: float,
    signature: Callable[[str], str],
) -> set[str]:
    """Signatures of lines in body type or smaller, in the top half of the band, at one
    height on two pages two apart."""
    found: set[str] = set()
    for k in range(2, len(banded)):
        here = _heads(banded[k], heights[k], body, signature)
        there = _heads(banded[k - 2], heights[k - 2], body, signature)
        found.update(sig for sig, y in here.items() if abs(there.get(sig, -1e9) - y) <= _SAME_Y)
    return found


def _heads(
    band: Sequence[Line], height: float, body: float, signature: Callable[[str], str]
) -> dict[str, float]:
    return {
        signature(ln.text): ln.y
        for ln in band
        if ln.y > height / 2 and ln.size <= body * 1.05 and len(ln.text.strip()) >= _MIN_CHARS
    }
