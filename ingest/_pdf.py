"""Reading each page of an opened PDF (``_open``) as positioned, styled lines.

pypdf's ``visitor_text`` reports the text it emits together with its matrices and
font, so concatenating the visited pieces gives exactly ``extract_text()``'s
output (with pypdf's own word spacing) while each line keeps its position, size
and weight: what header/footer removal and heading detection need.
"""

from __future__ import annotations

import logging
import math
import signal
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import pypdf

from ingest._open import stream_limits

log = logging.getLogger(__name__)

LineRole = Literal["", "table", "footnote", "figure", "box"]


@dataclass(frozen=True)
class Line:
    """One extracted line with the layout facts of its dominant text run."""

    text: str
    x: float
    y: float
    size: float
    bold: bool
    page: int
    lead_bold: str = ""
    """The line's leading bold run (a run-in term or label), if any."""
    role: LineRole = ""
    """What the page layout makes of the line: "" (running text), "table",
    "footnote", "figure" (a figure's caption, notes and source) or "box" (a margin note)."""
    cells: tuple[tuple[float, str], ...] = ()
    """(x, text) of each run the line sets apart by a gap wider than a word space, when
    there are two or more: a table row's cells."""


@dataclass(frozen=True)
class Page:
    index: int
    width: float
    height: float
    lines: tuple[Line, ...]


@dataclass
class _Piece:
    text: str
    x: float
    y: float
    size: float
    bold: bool
    rotated: bool


class PageTimeoutError(Exception):
    """One page took longer than the per-page limit."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    # SIGALRM only works in the main thread; elsewhere the page runs unbounded.
    try:
        previous = signal.signal(signal.SIGALRM, _raise_timeout)
    except ValueError:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raise_timeout(_signum: int, _frame: Any) -> None:
    raise PageTimeoutError


def read_page(reader: pypdf.PdfReader, index: int, *, seconds: float) -> Page:
    """The page's lines in pypdf's order; raises on a page pypdf cannot parse."""
    pieces: list[_Piece] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, font_size: float) -> None:
        if text:
            pieces.append(_piece(text, cm, tm, font, font_size))

    with (
        _time_limit(seconds),
        warnings.catch_warnings(),
        stream_limits(),
    ):
        warnings.simplefilter("ignore")
        page = reader.pages[index]
        page.extract_text(visitor_text=visit)
        box = page.mediabox
        width, height = float(box.width), float(box.height)
    return Page(index=index, width=width, height=height, lines=tuple(_lines(pieces, index)))


def _piece(text: str, cm: Any, tm: Any, font: Any, font_size: float) -> _Piece:
    a, b, c, d, e, f = (float(v) for v in tm)
    ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
    # Combined text-space -> device-space matrix (tm x cm).
    m0, m1 = a * ca + b * cc, a * cb + b * cd
    m2, m3 = c * ca + d * cc, c * cb + d * cd
    x, y = e * ca + f * cc + ce, e * cb + f * cd + cf
    size = float(font_size) * math.hypot(m2, m3)
    name = str(font.get("/BaseFont", "")) if font is not None else ""
    bold = any(tag in name for tag in ("Bold", "Black", "Heavy", "Semibold", ",B"))
    return _Piece(text, x, y, size, bold, rotated=abs(m1) > abs(m0) + 1e-6)


def _lines(pieces: list[_Piece], page: int) -> Iterator[Line]:
    for run in _rejoined(_runs(pieces)):
        line = _line(run, page)
        if line is not None:
            yield line


def _runs(pieces: list[_Piece]) -> Iterator[list[_Piece]]:
    """The pieces of each line pypdf's extraction ends with a newline."""
    current: list[_Piece] = []
    for piece in pieces:
        parts = piece.text.split("\n")
        for i, part in enumerate(parts):
            if part:
                current.append(
                    _Piece(part, piece.x, piece.y, piece.size, piece.bold, piece.rotated)
                )
            if i < len(parts) - 1:
                yield current
                current = []
    yield current


def _rejoined(runs: Iterator[list[_Piece]]) -> Iterator[list[_Piece]]:
    """Lines with a raised note call joined again: the rise makes pypdf start a new line
    for the call and another for the rest of its baseline, and sorting those by height
    would read the call, and the text after it, before the line it belongs to."""
    held: list[_Piece] = []
    for run in runs:
        visible = [p for p in run if p.text.strip()]
        if held and visible and _belongs_after(held, visible):
            held = held + run
            continue
        if held:
            yield held
        held = run
    if held:
        yield held


def _belongs_after(line: list[_Piece], run: list[_Piece]) -> bool:
    """Whether ``run`` (visible pieces) is a note call raised after ``line``, or the rest of
    the baseline that such a call interrupted."""
    visible = [p for p in line if p.text.strip()]
    if not visible:
        return False
    last, first = visible[-1], run[0]
    if len(run) == 1 and _is_call(first, last):
        return first.x >= last.x and 0 < first.y - last.y < 0.6 * last.size
    if len(visible) < 2 or not _is_call(last, visible[-2]):
        return False
    body = visible[-2]
    same_baseline = abs(first.y - body.y) < 0.1 * body.size
    return same_baseline and 0 <= first.x - last.x < 1.5 * body.size


def _is_call(piece: _Piece, body: _Piece) -> bool:
    token = piece.text.strip()
    return 0 < len(token) <= 3 and token.isdigit() and piece.size <= 0.85 * body.size


def _line(pieces: list[_Piece], page: int) -> Line | None:
    visible = [p for p in pieces if p.text.strip()]
    if not visible:
        return None
    body = max(visible, key=lambda p: len(p.text.strip()))
    pieces = [
        p
        for i, p in enumerate(pieces)
        if not _is_footnote_marker(p, body, pieces[i - 1] if i else None)
    ]
    visible = [p for p in pieces if p.text.strip()]
    text = "".join(p.text for p in pieces)
    weight = sum(len(p.text.strip()) for p in visible)
    if sum(len(p.text.strip()) for p in visible if p.rotated) * 2 > weight:
        return None  # rotated margin notes are page furniture, not body text
    dominant = max(visible, key=lambda p: len(p.text.strip()))
    bold = sum(len(p.text.strip()) for p in visible if p.bold) * 2 > weight
    first = visible[0]
    lead = ""
    for piece in pieces:
        if piece.text.strip() and not piece.bold:
            break
        lead += piece.text
    return Line(
        text=text,
        x=first.x,
        y=first.y,
        size=round(dominant.size, 1),
        bold=bold,
        page=page,
        lead_bold=lead.strip() if lead.strip() != text.strip() else "",
        cells=_cells(visible),
    )


_CELL_CHAR = 0.6
"""A generous glyph width as a share of the type size: a gap is only counted as a cell
boundary when the text before it could not plausibly reach that far."""
_MARK = frozenset("•·▪■–-*")


def _cells(visible: list[_Piece]) -> tuple[tuple[float, str], ...]:
    """Runs of the line separated by more than a word space; () for a single run."""
    cells: list[tuple[float, str]] = []
    end = -math.inf
    for piece in visible:
        width = len(piece.text.strip()) * piece.size * _CELL_CHAR
        if piece.x > end + piece.size and not (cells and cells[-1][1].strip() in _MARK):
            cells.append((piece.x, piece.text))
        else:
            glued = piece.x <= end + 0.15 * piece.size or cells[-1][1][-1:].isspace()
            cells[-1] = (cells[-1][0], cells[-1][1] + ("" if glued else " ") + piece.text)
        end = max(end, piece.x + width)
    return tuple((x, " ".join(t.split())) for x, t in cells) if len(cells) > 1 else ()


def _is_footnote_marker(piece: _Piece, body: _Piece, before: _Piece | None) -> bool:
    """A small number right after a word: a footnote call, not part of the text.

    Some generators raise it (a higher y); others only shrink it, with the rise hidden
    in the text state, so a small number glued to the end of a word also counts.
    """
    token = piece.text.strip()
    if piece is body or not (0 < len(token) <= 3 and token.isdigit()):
        return False
    if piece.size > 0.85 * body.size:
        return False
    raised = piece.y > body.y + 0.15 * body.size
    glued = before is not None and before.text[-1:].isalpha() and piece.text[:1].isdigit()
    return raised or glued


def read_page_or_none(reader: pypdf.PdfReader, index: int, *, seconds: float) -> Page | None:
    """The page, or None (logged) when pypdf cannot parse it or it takes too long."""
    try:
        return read_page(reader, index, seconds=seconds)
    except PageTimeoutError:
        log.warning("page %d took over %.0f s and was skipped", index + 1, seconds)
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on a broken page
        log.warning("page %d could not be parsed (%s) and was skipped", index + 1, exc)
    return None
