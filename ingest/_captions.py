"""Captions: the numbered labels of tables and figures, and where the page sets them."""

from __future__ import annotations

import re
from dataclasses import replace

from ingest._pdf import Line

TABLE_CAPTION = re.compile(
    r"^\s*(Table|Exhibit)\s+(?:[A-Z]?[.\-–]?\d+(?:[.\-–]\d+)*|[IVXLC]+)"
    r"(?:\s*[.:\u2003]|\s*$|\s{2,}|\s*\(?(?:continued|cont\.))",
    re.IGNORECASE,
)
"""A caption's number ends the line or is set off by punctuation or a wide space; in a
sentence ("Table 1.1 features ...") a word follows it."""
FIGURE_CAPTION = re.compile(
    r"^\s*(Figure|Fig\.|Chart|Graph|Map|Infographic)\s+(?:[A-Z]?\d+(?:[.\-–]\d+)*|[IVXLC]+)\b",
    re.IGNORECASE,
)


def captions_apart(lines: list[Line]) -> list[Line]:
    """A caption the PDF runs into one line with a chart label set to its left (an axis
    title on the caption's baseline) starts a line of its own."""
    out: list[Line] = []
    moved: list[Line] = []
    for line in lines:
        at = next(
            (
                k
                for k, (_, text) in enumerate(line.cells)
                if k and (TABLE_CAPTION.match(text) or FIGURE_CAPTION.match(text))
            ),
            None,
        )
        if at is None or line.role:
            out.append(line)
            continue
        before, after = line.cells[:at], line.cells[at:]
        out.extend(_cells_line(line, before) + _cells_line(line, after))
        moved.append(out[-1])
    for caption in moved:
        # Read in columns, the caption's wrapped lines went to the column it starts in.
        wrapped = _wrapped_caption(caption, out)
        out = [ln for ln in out if all(ln is not w for w in wrapped)]
        at = next(k for k, ln in enumerate(out) if ln is caption)
        out[at + 1 : at + 1] = wrapped
    return out


def _wrapped_caption(caption: Line, lines: list[Line]) -> list[Line]:
    """The lines just under ``caption`` in its type, from its left edge to a hanging
    indent."""
    chain = [caption]
    for line in sorted(lines, key=lambda ln: -ln.y):
        last = chain[-1]
        if (
            line is not caption
            and not line.role
            and line.page == caption.page
            and abs(line.size - caption.size) < 0.6
            and 0 < last.y - line.y < 2 * caption.size
            and caption.x - 2 <= line.x <= caption.x + 6 * caption.size
        ):
            chain.append(line)
    return chain[1:]


def _cells_line(line: Line, cells: tuple[tuple[float, str], ...]) -> list[Line]:
    text = "  ".join(t for _, t in cells)
    return [replace(line, text=text, x=cells[0][0], cells=cells if len(cells) > 1 else ())]
