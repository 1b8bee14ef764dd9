"""Reading order on pages set in columns, from where lines sit rather than drawing order.

A page is in columns when running lines start at two or more left edges far apart and
the lines of each column stop before the next column starts. Lines wide enough to cross
a gutter (a title over both columns, a note under a full-width chart) split the page into
horizontal bands; each band is read column by column, left first, top to bottom.

Charts drawn across columns scatter short labels (axis ticks, legends, data values) that
are no sentence of the text: under a figure caption, down to its "Source:" line, such
labels are dropped, and so are short small-type labels that no running line leads into.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest._pdf import Line, Page

_CHAR_WIDTH = 0.45
"""Average glyph width as a share of the type size (a generous guess of a line's end)."""
_MIN_WORDS = 5
_MIN_LINES = 3
_MIN_SPACING = 0.25
"""Column starts lie at least this share of the page width apart."""
_CROSSING = 0.25
"""A line reaching this share of a column's pitch past the next column's start crosses
the gutter."""
_SMALL = 0.95
_LABEL_WORDS = 3
_FIGURE_LABEL_WORDS = 8
"""Under a caption, above its source, longer unpunctuated lines are labels too."""
_FIGURE_CAPTION = re.compile(
    r"^\s*(Figure|Fig\.|Chart|Graph|Map|Infographic)\s+(?:[A-Z]?\d+(?:[.\-–]\d+)*|[IVXLC]+)\b",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^\s*(Sources?|Notes?)\s*:", re.IGNORECASE)
_NUMBER = re.compile(r"^[(\[]?[-–+]?[$€£]?\d[\d.,]*%?[)\]]?%?$")
_SENTENCE_END = (".", ":", ";", "?", "!")


@dataclass(frozen=True)
class _Placed:
    line: Line
    band: int
    column: int
    """-1 for a line crossing a gutter, read before the band's columns."""


def column_starts(lines: Sequence[Line], page: Page) -> tuple[float, ...]:
    """Left edges of the page's text columns; fewer than two when it is not in columns."""
    running = [ln for ln in lines if _is_running(ln)]
    edges = Counter(round(ln.x / 3) * 3 for ln in running)
    candidates = sorted(x for x, n in edges.items() if n >= _MIN_LINES)
    starts: list[float] = []
    for x in candidates:
        if not starts or x - starts[-1] >= _MIN_SPACING * page.width:
            starts.append(float(x))
    if len(starts) < 2:
        return ()
    for left, right in zip(starts, starts[1:], strict=False):
        inside = [ln for ln in running if left - 3 <= ln.x < right - 3]
        crossing = [ln for ln in inside if _right_edge(ln) > right + _CROSSING * (right - left)]
        # Running lines of a single-column page run across where a "column" would start.
        if len(inside) < _MIN_LINES or len(crossing) > 0.1 * len(inside):
            return ()
    return tuple(starts)


def in_columns(lines: Sequence[Line], starts: Sequence[float], body: float) -> list[list[Line]]:
    """The page's rows in reading order, chart labels left out: each row is the lines of
    one column (or one gutter-crossing line) on one baseline."""
    placed = _with_figures(_without_labels(_placed(lines, starts), body), body)
    placed.sort(key=_reading_key)
    rows: list[list[Line]] = []
    previous: _Placed | None = None
    for p in placed:
        same_row = (
            previous is not None
            and (previous.band, previous.column) == (p.band, p.column)
            and abs(previous.line.y - p.line.y) < 1.0
        )
        if same_row:
            rows[-1].append(p.line)
        else:
            rows.append([p.line])
        previous = p
    return rows


def _reading_key(p: _Placed) -> tuple[int, int, float, float]:
    return (p.band, p.column, -round(p.line.y, 0), p.line.x)


def _with_figures(placed: list[_Placed], body: float) -> list[_Placed]:
    """A figure's caption, notes and source line, with the chart's labels gone, are marked
    as the figure's: they read on their own, never as part of the paragraph around."""
    marked: set[int] = set()
    for caption in placed:
        if caption.column < 0 or not _FIGURE_CAPTION.match(caption.line.text):
            continue
        column = sorted(
            (p for p in placed if (p.band, p.column) == (caption.band, caption.column)),
            key=_reading_key,
        )
        below = column[column.index(caption) :]
        end = 1
        while end < len(below) and _follows(below[end - 1].line, below[end].line):
            end += 1  # the caption runs on over more lines
        while end < len(below) and not _SOURCE.match(below[end].line.text):
            if not _is_small(below[end].line, body):
                break  # running text before any source: the caption's extent is unknown
            end += 1
        if end == len(below) or not _SOURCE.match(below[end].line.text):
            continue
        end += 1
        while end < len(below) and _follows(below[end - 1].line, below[end].line):
            end += 1  # the source runs on over more lines
        marked.update(id(p) for p in below[:end])
    return [
        _Placed(replace(p.line, role="figure"), p.band, p.column) if id(p) in marked else p
        for p in placed
    ]


def _follows(above: Line, line: Line) -> bool:
    return abs(above.size - line.size) < 0.5 and 0 < above.y - line.y < 1.8 * line.size


def _is_running(line: Line) -> bool:
    text = line.text.strip()
    return len(text.split()) >= _MIN_WORDS and len(text) >= 25


def _right_edge(line: Line) -> float:
    return line.x + len(line.text.strip()) * line.size * _CHAR_WIDTH


def _column_of(line: Line, starts: Sequence[float]) -> int:
    column = 0
    for i, start in enumerate(starts):
        if line.x >= start - 3:
            column = i
    if column + 1 < len(starts):
        pitch = starts[column + 1] - starts[column]
        if _right_edge(line) > starts[column + 1] + _CROSSING * pitch:
            return -1
    return column


def _placed(lines: Sequence[Line], starts: Sequence[float]) -> list[_Placed]:
    columns = [_column_of(ln, starts) for ln in lines]
    crossing = sorted((ln.y for ln, c in zip(lines, columns, strict=True) if c < 0), reverse=True)
    out = []
    for line, column in zip(lines, columns, strict=True):
        # A crossing line opens a band: it is read after everything above it.
        band = sum(y > line.y + 1 for y in crossing)
        out.append(_Placed(line, band, column))
    return out


def _is_small(line: Line, body: float) -> bool:
    return line.size < body * _SMALL


def _is_label(line: Line, body: float, words_at_most: int = _LABEL_WORDS) -> bool:
    text = line.text.strip()
    words = text.split()
    numeric = bool(words) and all(_NUMBER.match(w) for w in words)
    return (
        bool(words)
        and (len(words) <= words_at_most or numeric)
        and _is_small(line, body)
        and not text.endswith(_SENTENCE_END)
        and not _FIGURE_CAPTION.match(text)
        and not _SOURCE.match(text)
    )


def _without_labels(placed: list[_Placed], body: float) -> list[_Placed]:
    drop = {id(p) for p in _figure_labels(placed, body)}
    drop |= {id(p) for p in _stray_labels(placed, body)}
    return [p for p in placed if id(p) not in drop]


def _stray_labels(placed: Sequence[_Placed], body: float) -> list[_Placed]:
    """Short small-type lines that no running line leads into: a line just below a line
    of its size at its left edge ends a paragraph or a note, and is kept."""
    out = []
    ordered = sorted(placed, key=_reading_key)
    text_above: dict[tuple[int, int], list[Line]] = {}
    for p in ordered:
        seen = text_above.setdefault((p.band, p.column), [])
        led = any(
            abs(a.size - p.line.size) < 0.5
            and abs(a.x - p.line.x) < 15
            and 0 < a.y - p.line.y < 1.8 * p.line.size
            for a in seen[-3:]
        )
        if _is_label(p.line, body) and not led:
            out.append(p)
        else:
            seen.append(p.line)
    return out


def _in_area(p: _Placed, caption: _Placed) -> bool:
    """Whether ``p`` shares the caption's band and sits in or right of its column."""
    return p.band == caption.band and (caption.column < 0 or p.column >= caption.column)


def _figure_labels(placed: Sequence[_Placed], body: float) -> list[_Placed]:
    """Short labels between a figure caption and its source line, in the caption's
    column or in columns to its right (a chart may run across the gutter)."""
    out: list[_Placed] = []
    for caption in placed:
        if not _FIGURE_CAPTION.match(caption.line.text):
            continue
        sources = [
            p.line.y
            for p in placed
            if _in_area(p, caption)
            and (p.column == caption.column or caption.column < 0)
            and p.line.y < caption.line.y
            and _SOURCE.match(p.line.text)
        ]
        if not sources:
            continue
        bottom = max(sources)
        out.extend(
            p
            for p in placed
            if _in_area(p, caption)
            and bottom < p.line.y < caption.line.y
            and _is_label(p.line, body, _FIGURE_LABEL_WORDS)
        )
    return out


def column_ends(page: Page) -> tuple[dict[int, int], dict[int, int]]:
    """Indexes of the lines that end and that open each column of running text, mapped
    to the column's number; empty on a page that is not in columns."""
    lines = list(page.lines)
    starts = column_starts(lines, page)
    if not starts:
        return {}, {}
    lasts: dict[int, int] = {}
    firsts: dict[int, int] = {}
    for column in range(len(starts)):
        own = [k for k, ln in enumerate(lines) if _column_of(ln, starts) == column]
        sizes = Counter(round(lines[k].size, 1) for k in own if _is_running(lines[k]))
        if not sizes:
            continue
        size = sizes.most_common(1)[0][0]
        text = [k for k in own if round(lines[k].size, 1) == size]
        lasts[min(text, key=lambda k: lines[k].y)] = column
        firsts[max(text, key=lambda k: lines[k].y)] = column
    return lasts, firsts
