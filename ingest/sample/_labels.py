"""Printed page labels of the sample: none on the cover, roman front matter, arabic body.

The sample has its own roman numerals rather than the parser's, so that a mistake in one cannot
hide the same mistake in the other.
"""

from __future__ import annotations

_NUMERALS = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def lower_roman(value: int) -> str:
    """``value`` in lower-case roman numerals, as front matter prints page numbers."""
    if value < 1:
        raise ValueError(f"roman numerals start at 1, not {value}")
    out: list[str] = []
    for number, letters in _NUMERALS:
        count, value = divmod(value, number)
        out.append(letters * count)
    return "".join(out)


def page_label(index: int, body_start: int) -> str:
    """Printed label of the page at 0-based ``index`` when chapter 1 starts at ``body_start``."""
    if index == 0:
        return ""
    if index < body_start:
        return lower_roman(index)
    return str(index - body_start + 1)
