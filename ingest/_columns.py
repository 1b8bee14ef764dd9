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

import itertools
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
_MAX_CROSSING = 0.34
"""Share of a column's running lines that may cross its gutter (notes and captions under
full-width charts); on a single-column page nearly all of them do."""
_SMALL = 0.95
_FOOTNOTE = 0.9
_NOTE_START = re.compile(r"^\s*(\d{1,3}|[a-z]{1,2}|[*†‡§])[\s.)]")
_LABEL_WORDS = 3
_RUN_ON_INDENT = 60
"""A caption's or a note's run-on lines may hang this far right of its first line."""
_FIGURE_LABEL_WORDS = 8
"""Under a caption, above its source, longer unpunctuated lines are labels too."""
_FIGURE_CAPTION = re.compile(
    r"^\s*(Figure|Fig\.|Chart|Graph|Map\.?|Infographic)\s+(?:[A-Z]?\d+(?:[.\-–]\d+)*|[IVXLC]+)\b",
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
    for left, right in itertools.pairwise(starts):
        inside = [ln for ln in running if left - 3 <= ln.x < right - 3]
        crossing = [ln for ln in inside if _right_edge(ln) > right + _CROSSING * (right - left)]
        # Running lines of a single-column page run across where a "column" would start.
        if len(inside) < _MIN_LINES or len(crossing) > _MAX_CROSSING * len(inside):
            return ()
    return tuple(starts)


def in_columns(lines: Sequence[Line], starts: Sequence[float], body: float) -> list[list[Line]]:
    """The page's rows in reading order, chart labels left out: each row is the lines of
    one column (or one gutter-crossing line) on one baseline."""
    # Small type is judged against the page's running text, which a document's body size
    # (counted over boxes, captions and charts too) may understate.
    text = max(body, _running_size(lines))
    placed = _with_figures(_without_labels(_placed(lines, starts, text), text), text)
    placed = _with_footnotes(placed, text)
    # Footnotes are read after the page's text, as on single-column pages, so a sentence
    # running from one column into the next is not cut by the first column's notes.
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


def _running_size(lines: Sequence[Line]) -> float:
    sizes = Counter(round(ln.size, 1) for ln in lines if _is_running(ln))
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _reading_key(p: _Placed) -> tuple[int, int, float, float]:
    return (p.band, p.column, -round(p.line.y, 0), p.line.x)


def _with_figures(placed: list[_Placed], body: float) -> list[_Placed]:
    """A figure's caption, notes and source line, with the chart's labels gone, are marked
    as the figure's: they read on their own, never as part of the paragraph around."""
    marked: set[int] = set()
    for caption in placed:
        source = _source_of(caption, placed)
        if source is None:
            continue
        marked.add(id(caption))
        marked |= _run_on(caption, placed)
        marked |= _run_on(source, placed) | {id(source)}
        marked.update(
            id(p)
            for p in placed
            if _in_area(p, caption)
            and (p.column == caption.column or caption.column < 0)
            and source.line.y < p.line.y < caption.line.y
            and _is_small(p.line, body)
        )
    return [
        _Placed(replace(p.line, role="figure"), p.band, p.column) if id(p) in marked else p
        for p in placed
    ]


def _source_of(caption: _Placed, placed: Sequence[_Placed]) -> _Placed | None:
    """The source line closing the figure whose caption this is, if it is one."""
    if not _FIGURE_CAPTION.match(caption.line.text):
        return None
    sources = [
        p
        for p in placed
        if (_in_area(p, caption) or (p.column < 0 and p.band == caption.band + 1))
        and (p.column == caption.column or caption.column < 0 or p.column < 0)
        and p.line.y < caption.line.y
        and _SOURCE.match(p.line.text)
    ]
    return max(sources, key=lambda p: p.line.y) if sources else None


def _with_footnotes(placed: list[_Placed], text: float) -> list[_Placed]:
    """Each column's foot of small type, set off by a gap from the column's text above
    and opening like a note (a number, a letter or a mark), is that column's footnotes."""
    notes: set[int] = set()
    by_column: dict[int, list[_Placed]] = {}
    for p in placed:
        if p.column >= 0:
            by_column.setdefault(p.column, []).append(p)
    for column in by_column.values():
        column.sort(key=lambda p: (-p.band, p.line.y))  # bottom of the page first
        run: list[_Placed] = []
        for p in column:
            if p.line.role or p.line.size >= text * _FOOTNOTE or _SOURCE.match(p.line.text):
                break
            run.append(p)
        if not run or len(run) == len(column):
            continue
        top, above = run[-1].line, column[len(run)].line
        if above.y - top.y >= 1.5 * text and _NOTE_START.match(top.text):
            notes.update(id(p) for p in run)
    return [
        _Placed(replace(p.line, role="footnote"), p.band, p.column) if id(p) in notes else p
        for p in placed
    ]


def _is_running(line: Line) -> bool:
    text = line.text.strip()
    return len(text.split()) >= _MIN_WORDS and len(text) >= 25


def _right_edge(line: Line) -> float:
    return line.x + len(line.text.strip()) * line.size * _CHAR_WIDTH


def _column_of(line: Line, starts: Sequence[float], *, crossing: bool = True) -> int:
    column = 0
    for i, start in enumerate(starts):
        if line.x >= start - 3:
            column = i
    if crossing and column + 1 < len(starts):
        pitch = starts[column + 1] - starts[column]
        if _right_edge(line) > starts[column + 1] + _CROSSING * pitch:
            return -1
    return column


def _placed(lines: Sequence[Line], starts: Sequence[float], body: float) -> list[_Placed]:
    # A chart's row of labels may run across the gutter; it splits no text into bands.
    columns = [
        _column_of(ln, starts, crossing=not _is_label(ln, body, _FIGURE_LABEL_WORDS))
        for ln in lines
    ]
    crossing = sorted((ln.y for ln, c in zip(lines, columns, strict=True) if c < 0), reverse=True)
    out = []
    for line, column in zip(lines, columns, strict=True):
        # A crossing line opens a band: read after everything above it, before the
        # columns below it.
        band = sum(y > line.y + 1 for y in crossing) + (1 if column < 0 else 0)
        out.append(_Placed(line, band, column))
    return out


def _is_small(line: Line, body: float) -> bool:
    return line.size < body * _SMALL


def _is_label(
    line: Line, body: float, words_at_most: int = _LABEL_WORDS, *, any_size: bool = False
) -> bool:
    text = line.text.strip()
    words = text.split()
    numeric = bool(words) and all(_NUMBER.match(w) for w in words)
    return (
        bool(words)
        and (len(words) <= words_at_most or numeric)
        and (_is_small(line, body) or (any_size and line.size < body * 1.1))
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
            and a.x - 15 < p.line.x < a.x + _RUN_ON_INDENT
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
    running: set[int] | None = None
    for caption in placed:
        source = _source_of(caption, placed)
        if source is None:
            continue
        running = _in_running_text(placed) if running is None else running
        runs_on = _run_on(caption, placed)
        out.extend(
            p
            for p in placed
            if (_in_area(p, caption) or (caption.column < 0 and p.band == source.band))
            and source.line.y < p.line.y < caption.line.y
            and _is_label(p.line, body, _FIGURE_LABEL_WORDS, any_size=True)
            and id(p) not in runs_on
            and (_is_small(p.line, body) or id(p) not in running)
        )
    return out


def _in_running_text(placed: Sequence[_Placed]) -> set[int]:
    """Ids of lines stacked at one left edge and size with a running line next to them: a
    paragraph's lines, which a chart beside them must not claim as its labels."""
    by_column: dict[tuple[int, int], list[_Placed]] = {}
    for p in placed:
        by_column.setdefault((p.band, p.column), []).append(p)
    out: set[int] = set()
    for group in by_column.values():
        for a in group:
            for b in group:
                if (
                    a is not b
                    and (_is_running(a.line) or _is_running(b.line))
                    and abs(a.line.size - b.line.size) < 0.5
                    and abs(a.line.x - b.line.x) < 15
                    and 0 < abs(a.line.y - b.line.y) < 1.8 * a.line.size
                ):
                    out.add(id(a))
    return out


def _run_on(caption: _Placed, placed: Sequence[_Placed]) -> set[int]:
    """Ids of the lines a caption runs on over (same size, just below, hanging under it)."""
    out: set[int] = set()
    last = caption.line
    for p in sorted(placed, key=_reading_key):
        line = p.line
        if (
            p.band == caption.band
            and p.column == caption.column
            and abs(line.size - last.size) < 0.5
            and last.x - 2 < line.x < last.x + _RUN_ON_INDENT
            and 0 < last.y - line.y < 1.8 * line.size
        ):
            out.add(id(p))
            last = line
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
