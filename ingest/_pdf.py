"""Opening PDFs safely and reading each page as positioned, styled lines.

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
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pypdf
from pypdf.errors import (
    DependencyError,
    FileNotDecryptedError,
    PdfReadError,
    PdfStreamError,
    PyPdfError,
)

from ingest.errors import (
    CorruptPdfError,
    EmptyPdfError,
    EncryptedPdfError,
    NotAPdfError,
    PdfTooLargeError,
)

log = logging.getLogger(__name__)

_STREAM_LIMIT = 16_000_000
"""Bytes one stream may decompress to. pypdf's own limit is 75 MB, and it keeps decoded
streams cached while the reader lives, so a few "zip bomb" pages could hold gigabytes;
the largest content stream of the real reports tried is about 1.2 MB."""


def _stream_limits() -> AbstractContextManager[pypdf.Configuration]:
    """pypdf's decompression limits lowered to ``_STREAM_LIMIT`` (for this context only)."""
    return pypdf.apply_configuration(
        zlib_maximum_output_length=_STREAM_LIMIT,
        lzw_maximum_output_length=_STREAM_LIMIT,
        run_length_maximum_output_length=_STREAM_LIMIT,
        brotli_maximum_output_length=_STREAM_LIMIT,
        array_based_stream_maximum_output_length=_STREAM_LIMIT,
    )


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


def open_pdf(path: Path, *, password: str | None, max_mb: int, max_pages: int) -> pypdf.PdfReader:
    """A reader for a readable, decrypted PDF within the size limits, or a specific error."""
    if not path.is_file():
        raise NotAPdfError(f"{path.name}: no such file; give the path of a PDF.")
    size_mb = path.stat().st_size / 1_048_576
    if size_mb > max_mb:
        raise PdfTooLargeError(
            f"{path.name}: {size_mb:.0f} MB is over the {max_mb} MB limit; "
            "raise SMP_GUIDE_INGEST__MAX_FILE_MB if this is intended."
        )
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise NotAPdfError(f"{path.name}: not a PDF file (no %PDF header); give a PDF document.")
    reader = _reader(path)
    if reader.is_encrypted:
        _decrypt(reader, path, password)
        _check_cipher(reader, path)
    n_pages = _page_count(reader, path)
    if n_pages == 0:
        raise EmptyPdfError(f"{path.name}: the PDF has no pages.")
    if n_pages > max_pages:
        raise PdfTooLargeError(
            f"{path.name}: {n_pages} pages is over the {max_pages}-page limit; "
            "raise SMP_GUIDE_INGEST__MAX_PAGES if this is intended."
        )
    return reader


PARSE_ERRORS: tuple[type[BaseException], ...] = (
    PyPdfError,  # includes LimitReachedError (page tree too deep or large), not a PdfReadError
    PdfReadError,
    PdfStreamError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    RecursionError,
    IndexError,
)
"""What pypdf raises on a damaged file: turned into CorruptPdfError at the edges of this module."""


def _reader(path: Path) -> pypdf.PdfReader:
    try:
        with warnings.catch_warnings(), _stream_limits():
            warnings.simplefilter("ignore")
            return pypdf.PdfReader(path, strict=False)
    except DependencyError as exc:  # an AES-256 file tries the empty password at once
        raise _no_crypto(path) from exc
    except (*PARSE_ERRORS, OSError, AssertionError) as exc:
        raise CorruptPdfError(
            f"{path.name}: the PDF is damaged or truncated and cannot be read ({exc}); "
            "re-download or re-export it."
        ) from exc


def _decrypt(reader: pypdf.PdfReader, path: Path, password: str | None) -> None:
    try:
        result = reader.decrypt(password or "")
    except DependencyError as exc:
        raise _no_crypto(path) from exc
    except (FileNotDecryptedError, PyPdfError, NotImplementedError) as exc:
        raise EncryptedPdfError(
            f"{path.name}: the PDF is encrypted in a way that cannot be opened ({exc}); "
            "remove the protection (e.g. qpdf --decrypt) and ingest the result."
        ) from exc
    if result != pypdf.PasswordType.NOT_DECRYPTED:
        return
    if password:
        raise EncryptedPdfError(
            f"{path.name}: the PDF is encrypted and the password given is wrong; "
            "pass the right one with --password."
        )
    raise EncryptedPdfError(
        f"{path.name}: the PDF is encrypted; pass its password with --password "
        "(or SMP_GUIDE_INGEST__PASSWORD)."
    )


_PROBE_PAGES = 5


def _check_cipher(reader: pypdf.PdfReader, path: Path) -> None:
    """Decrypt one content stream now: without ``cryptography`` an AES-128 file opens with
    the right password (the key check needs only RC4 and MD5) and then every page fails."""
    for index in range(min(_PROBE_PAGES, _page_count(reader, path))):
        try:
            with warnings.catch_warnings(), _stream_limits():
                warnings.simplefilter("ignore")
                contents = reader.pages[index].get_contents()
        except DependencyError as exc:
            raise _no_crypto(path) from exc
        except PARSE_ERRORS:
            continue  # a damaged page is the page reader's business, not the cipher's
        if contents is not None:
            return


def _no_crypto(path: Path) -> EncryptedPdfError:
    return EncryptedPdfError(
        f"{path.name}: the PDF is AES-encrypted and reading it needs the cryptography "
        "package, which is not installed; run pip install 'pypdf[crypto]' and try again."
    )


def _page_count(reader: pypdf.PdfReader, path: Path) -> int:
    try:
        return len(reader.pages)
    except PARSE_ERRORS as exc:
        raise CorruptPdfError(
            f"{path.name}: the PDF's page tree is damaged ({exc}); re-download or re-export it."
        ) from exc


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


def _raise_timeout(signum: int, frame: Any) -> None:
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
        _stream_limits(),
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
