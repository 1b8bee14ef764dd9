"""Page furniture (running headers and footers) and printed page labels.

Furniture is recognised by where it sits (the top or bottom band of the page) and
by repetition across pages, never by drawing order: generators emit headers first,
last, or in between. The numbers found in that furniture give the printed page
labels when the PDF has no ``/PageLabels``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest._columns import column_starts, in_columns
from ingest._marks import entry_labels, with_margin_labels, without_layer_copies
from ingest._pdf import Line, Page
from ingest._regions import text_edges
from ingest._running import alternate_heads

BAND = 0.12
"""Share of the page height, at top and bottom, where running furniture lives."""

_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_TOKEN_STRIP = "\uf07c|·•–—-_,;:()[]{}*"
_CHAR_WIDTH = 0.5
"""Average glyph width as a share of the type size, to place a line's right edge."""
_NARROW_WIDTH = 0.3
_LABEL_WORDS = 3


@dataclass(frozen=True)
class Layout:
    body_size: float
    leading: float
    """Usual distance between two lines of body text: paragraph gaps are larger."""
    page_labels: tuple[str, ...]
    pages: tuple[Page, ...]
    """Pages with furniture removed and lines in reading order."""
    furniture: frozenset[str]
    """Signatures of the removed running lines (for tests and diagnostics)."""


def roman_to_int(token: str) -> int | None:
    token = token.lower()
    if not token or not _ROMAN.match(token):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for i, char in enumerate(token):
        value = values[char]
        total += -value if i + 1 < len(token) and values[token[i + 1]] > value else value
    return total


_GLUED_NUMBER = re.compile(r"^(\d{1,4})(?=[a-z]{3})|(?<=[a-z]{3})(\d{1,4})$", re.IGNORECASE)
"""A page number run into a running title with no space ("Strategy4", "5Coastal"): some
layouts set the two in one text run, and extraction then has no space between them."""


def _unglued(text: str) -> str:
    return " ".join(_GLUED_NUMBER.sub(lambda m: f" {m.group(0)} ", t) for t in text.split())


def signature(text: str) -> str:
    """Text with its page-number-like tokens masked, for spotting repetition."""
    tokens = []
    for token in _unglued(text.lower()).split():
        bare = token.strip(_TOKEN_STRIP)
        tokens.append("#" if bare.isdigit() or roman_to_int(bare) else token)
    return " ".join(tokens)


def body_font_size(pages: Sequence[Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text.strip())
    return sizes.most_common(1)[0][0] if sizes else 10.0


def analyse(pages: Sequence[Page], *, pdf_labels: Sequence[str] | None) -> Layout:
    body = body_font_size(pages)
    banded = [_band_lines(page) for page in pages]
    repeated = _repeated_signatures(banded, body, [p.height for p in pages])
    # A job or document number from the running footer marks one-off band lines too.
    marks = {
        t for sig in repeated for t in sig.split() if len(t) >= 5 and any(c.isdigit() for c in t)
    }
    edges = text_edges(pages, body)
    cleaned: list[Page] = []
    numbers: list[list[str]] = []
    for page, band in zip(pages, banded, strict=True):
        # A reference's margin label ("[2]") at the top of the page is no page number.
        labelled = {id(ln) for ln in entry_labels(page.lines, page).values()} if band else set()
        furniture = [
            ln
            for ln in band
            if id(ln) not in labelled
            and (
                _is_furniture(ln, body, repeated)
                or (ln.size <= body * 1.05 and marks & set(ln.text.lower().split()))
            )
        ]
        keep = [ln for ln in page.lines if ln not in furniture]
        ordered = _reading_order(without_layer_copies(keep), page, body, edges[page.index % 2])
        cleaned.append(Page(page.index, page.width, page.height, tuple(ordered)))
        numbers.append([tok for ln in furniture for tok in _number_tokens(ln.text)])
    printed = infer_labels(numbers)
    labels = printed if pdf_labels is None else checked_labels(pdf_labels, printed)
    return Layout(body, _leading(cleaned, body), labels, tuple(cleaned), frozenset(repeated))


def _leading(pages: Sequence[Page], body: float) -> float:
    gaps: Counter[float] = Counter()
    for page in pages:
        lines = [ln for ln in page.lines if abs(ln.size - body) < 0.5]
        for above, below in itertools.pairwise(lines):
            gap = round(above.y - below.y, 0)
            if 0 < gap < 3 * body:
                gaps[gap] += 1
    return gaps.most_common(1)[0][0] if gaps else body * 1.2


def _band_lines(page: Page) -> list[Line]:
    top, bottom = page.height * (1 - BAND), page.height * BAND
    return [ln for ln in page.lines if ln.y >= top or ln.y <= bottom]


def _repeated_signatures(
    banded: Sequence[Sequence[Line]], body: float, heights: Sequence[float]
) -> set[str]:
    n_pages = len(heights)
    counts: Counter[str] = Counter()
    for band in banded:
        counts.update({signature(ln.text) for ln in band if ln.size <= body * 1.05})
    threshold = max(3, round(0.1 * n_pages)) if n_pages >= 10 else 2
    return (
        {sig for sig, count in counts.items() if count >= threshold}
        | _running_on_consecutive(banded, body)
        | alternate_heads(banded, heights, body, signature)
    )


_RUN = 3


def _running_on_consecutive(banded: Sequence[Sequence[Line]], body: float) -> set[str]:
    """Band lines repeated on consecutive pages: a chapter's or part's running head,
    which a short chapter repeats too few times to count document-wide."""
    runs: dict[str, int] = {}
    found: set[str] = set()
    previous: set[str] = set()
    for band in banded:
        current = {signature(ln.text) for ln in band if ln.size <= body * 1.05}
        runs = {sig: runs.get(sig, 0) + 1 if sig in previous else 1 for sig in current}
        found.update(sig for sig, n in runs.items() if n >= _RUN and len(sig) >= 8)
        previous = current
    return found


def _is_furniture(line: Line, body: float, repeated: set[str]) -> bool:
    if line.size > body * 1.05 and not _only_numbers(line.text):
        return False  # a heading that happens to sit near the top
    return signature(line.text) in repeated or _only_numbers(line.text)


def _only_numbers(text: str) -> bool:
    tokens = [t.strip(_TOKEN_STRIP) for t in text.split()]
    tokens = [t for t in tokens if t]
    return bool(tokens) and all(t.isdigit() or roman_to_int(t) for t in tokens)


def _number_tokens(text: str) -> list[str]:
    out = []
    for token in _unglued(text).split():
        bare = token.strip(_TOKEN_STRIP)
        if (bare.isdigit() and len(bare) <= 4) or roman_to_int(bare):
            out.append(bare.lower())
    return out


def _reading_order(lines: list[Line], page: Page, body: float, edge: float) -> list[Line]:
    """Column by column on pages set in columns; top-to-bottom on single-column pages;
    drawing order where the page has text on its right half but no clear columns."""
    lines = with_margin_labels(lines, page)
    starts = column_starts(lines, page)
    if starts:
        return [ln for row in in_columns(lines, starts, body) for ln in _row_lines(row)]
    if _is_multi_column(lines, page):
        return lines
    ordered = sorted(lines, key=lambda ln: -round(ln.y, 0))
    rows: list[list[Line]] = []
    for line in ordered:
        if rows and abs(rows[-1][0].y - line.y) < 1.0 and not _drop_cap_in(rows[-1] + [line]):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [
        merged
        for row in rows
        for layer in _layers(row)
        for merged in _side_label_apart(layer, edge)
    ]


def _layers(row: list[Line]) -> list[list[Line]]:
    """A row's lines split where one starts inside another: cells of one row never
    overlap, while text printed twice on one spot (a template layer) does."""
    layers: list[list[Line]] = []
    for line in sorted(row, key=lambda ln: ln.x):
        home = next((layer for layer in layers if line.x >= _inner_right(layer[-1])), None)
        if home is None:
            layers.append([line])
        else:
            home.append(line)
    return layers


def _inner_right(line: Line) -> float:
    """A right edge no real line falls short of (narrow glyphs), to test overlap."""
    return line.x + len(line.text.strip()) * line.size * _NARROW_WIDTH


def _side_label_apart(row: list[Line], edge: float) -> list[Line]:
    """A row's cells as one line, except a label set wholly left of the page's text edge
    (a margin note beside the text column), which stays a line of its own."""
    row = sorted(row, key=lambda ln: ln.x)
    if len(row) < 2:
        return row
    label, rest = row[0], row[1:]
    if len(label.text.split()) > _LABEL_WORDS:
        return [_merged(row)]
    label_right = label.x + len(label.text.strip()) * label.size * _CHAR_WIDTH
    if label_right + 2 < edge <= rest[0].x + 1:
        return [label, _merged(rest)]
    return [_merged(row)]


def _row_lines(row: list[Line]) -> list[Line]:
    return sorted(row, key=lambda ln: ln.x) if _drop_cap_in(row) else [_merged(row)]


def _drop_cap_in(row: list[Line]) -> bool:
    """One large letter on a text line's baseline is a drop cap, not a table cell."""
    sizes = sorted(ln.size for ln in row)
    return any(len(ln.text.strip()) == 1 and ln.size >= 1.8 * sizes[0] for ln in row)


def _merged(row: list[Line]) -> Line:
    """Cells drawn separately on one baseline (table rows) read as one line."""
    if len(row) == 1:
        return row[0]
    row = sorted(row, key=lambda ln: ln.x)
    first = row[0]
    text = "  ".join(ln.text.strip() for ln in row)
    return Line(
        text=text,
        x=first.x,
        y=first.y,
        size=max(ln.size for ln in row),
        bold=first.bold,
        page=first.page,
        lead_bold=first.text.strip()
        if first.bold and not all(ln.bold for ln in row)
        else first.lead_bold,
        cells=tuple(c for ln in row for c in (ln.cells or ((ln.x, ln.text.strip()),))),
    )


def _is_multi_column(lines: list[Line], page: Page) -> bool:
    middle = page.width / 2
    right = [ln for ln in lines if ln.x > middle - 0.02 * page.width]
    return len(lines) >= 8 and len(right) >= 0.3 * len(lines)


def infer_labels(numbers: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """Printed labels from the numbers in each page's furniture.

    The body's arabic numbering is a constant offset from the PDF index; the
    front matter's roman numbering is another. The most common offset wins, so a
    job number or a year in a footer cannot pose as a page number.
    """
    n = len(numbers)
    labels = [""] * n
    arabic = _offset_run(numbers, lambda tok: int(tok) if tok.isdigit() else None, range(n))
    for index, value in arabic.items():
        labels[index] = str(value)
    first_body = min(arabic) if arabic else n
    roman = _offset_run(numbers, roman_to_int, range(first_body))
    for index, value in roman.items():
        labels[index] = to_roman(value)
    return tuple(labels)


def _offset_run(numbers: Sequence[Sequence[str]], parse: object, indexes: range) -> dict[int, int]:
    assert callable(parse)
    offsets: Counter[int] = Counter()
    for i in indexes:
        for value in {parse(tok) for tok in numbers[i]} - {None}:
            offsets[i - value] += 1
    if not offsets:
        return {}
    offset, votes = offsets.most_common(1)[0]
    if votes < 2:
        return {}
    matched = [i for i in indexes if any(parse(tok) == i - offset for tok in numbers[i])]
    first, last = matched[0], matched[-1]
    # Pages between two numbered pages (chapter openers, full-page figures) keep the count.
    return {i: i - offset for i in range(first, last + 1) if i - offset >= 1}


def checked_labels(pdf_labels: Sequence[str], printed: Sequence[str]) -> tuple[str, ...]:
    """The PDF's ``/PageLabels`` checked against the numbers printed on the pages.

    A label that decorates the printed number ("A-3", "Abs1:3" on a page printing 3)
    is cited as the printed number. When labels and print disagree on most numbered
    pages, the labels describe something else and the print wins. Pages that print
    no number keep their label ("Front Cover").
    """
    labels = list(pdf_labels)
    numbered = [i for i, label in enumerate(printed) if label and i < len(labels)]
    if not numbered:
        return tuple(labels)
    agree = [i for i in numbered if _label_number(labels[i]) == printed[i].lower()]
    if 2 * len(agree) < len(numbered):
        for i in numbered:
            labels[i] = printed[i]
        return tuple(labels)
    for i in agree:
        if labels[i].lower() != printed[i].lower():
            labels[i] = printed[i]
    return tuple(labels)


def _label_number(label: str) -> str:
    """The page number a label ends with, without any prefix."""
    match = re.search(r"(\d+|\b[ivxlc]+)$", label.strip().lower())
    return match.group(1) if match else ""


def to_roman(value: int) -> str:
    out = []
    for number, letters in (
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def without_running_titles(
    pages: Sequence[Page], titles: Sequence[str], keep: frozenset[tuple[int, float]], body: float
) -> tuple[Page, ...]:
    """Drop band lines that repeat a chapter title (a running header of that chapter)."""
    keys = [k for k in (_alnum(t) for t in titles) if len(k) >= 8]
    out = []
    for page in pages:
        top, bottom = page.height * (1 - BAND), page.height * BAND
        lines = tuple(
            ln
            for ln in page.lines
            if (ln.page, ln.y) in keep
            or not (ln.y >= top or ln.y <= bottom)
            or ln.size > body * 1.05
            or not _repeats_title(_alnum(ln.text), keys)
        )
        out.append(Page(page.index, page.width, page.height, lines))
    return tuple(out)


def _repeats_title(line: str, keys: Sequence[str]) -> bool:
    """A running head is mostly the title (with a number or a short label), whereas a
    footnote or a last line of text at the foot of the page merely mentions it."""
    return any(k in line and 2 * len(k) >= len(line) for k in keys)


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())
