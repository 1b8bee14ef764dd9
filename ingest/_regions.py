"""Page regions that are not running text: tables, figure labels, footnotes, drop caps.

Each is found from layout evidence on the page (a caption followed by smaller type or by
columns, lines whose cells share column positions, small type below the last line of body
text, one large letter beside a line's first word) and
marked on its lines, so blocks keep it out of the prose around it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ingest._captions import FIGURE_CAPTION as _FIGURE_CAPTION
from ingest._captions import TABLE_CAPTION as _TABLE_CAPTION
from ingest._captions import captions_apart
from ingest._charts import without_chart_labels
from ingest._pdf import Line, Page
from ingest._tables import ending_columns, notes_block, table_rows, with_aligned_tables

_RULE = re.compile(r"^\s*[_\-–—]{5,}\s*$")
"""A rule drawn with characters, as some generators set above the footnotes."""
_SOURCE = re.compile(r"^\s*(Sources?|Notes?)\s*:", re.IGNORECASE)
_CONTINUED = re.compile(r"^\s*\(?(continued|cont\.)\b", re.IGNORECASE)
"""A table broken over pages says so below its last row ("continued on next page")."""
_CELL_GAP = re.compile(r"\s{2,}|\u2003")
_LIST_MARK = re.compile(r"^(•|–|-|\(?[a-z0-9]{1,3}[.)])\s")
_MIN_ROWS = 2
_CHAR_WIDTH = 0.5
"""Average glyph width as a share of the type size, to place a line's right edge."""
_NOTE_WORDS = 4
_PROSE_WORDS = 8
_OWN_EDGE_LINES = 3
"""Lines of running text that make a page's own left edge (a margin note is narrow)."""
_SMALL = 0.95
"""Type below this share of the body size is a table's, a figure's or a footnote's."""
_FOOTNOTE = 0.9
_FOOTNOTE_ZONE = 0.4
"""Footnotes sit in this lower share of the page."""


def with_regions(pages: Sequence[Page], body: float) -> tuple[Page, ...]:
    """Pages whose table and footnote lines carry their role, figure labels dropped and
    drop caps joined to their word."""
    margins = text_edges(pages, body)
    out = []
    carried: tuple[float, ...] = ()
    table_open = False
    for page in pages:
        lines = _with_drop_caps(list(page.lines), body)
        if table_open:
            lines = _with_continued_table(lines, body)
        lines = _with_tables_and_figures(lines, body, margins[page.index % 2])
        lines = with_aligned_tables(lines, carried, body=body)
        carried = ending_columns(lines)
        table_open = _ends_in_table(lines)
        lines = without_chart_labels(lines, body)
        lines = _with_margin_notes(lines, margins[page.index % 2])
        lines = _with_footnotes(lines, page, body)
        out.append(Page(page.index, page.width, page.height, tuple(lines)))
    return tuple(out)


def text_edges(pages: Sequence[Page], body: float) -> tuple[float, float]:
    """The left edge of body text on even and on odd pages (facing pages differ), from
    lines long enough to be running text rather than table cells."""
    margins = []
    for parity in (0, 1):
        edges = Counter(
            round(ln.x)
            for page in pages
            if page.index % 2 == parity
            for ln in page.lines
            if abs(ln.size - body) < 0.5 and len(ln.text.split()) >= _PROSE_WORDS
        )
        # Indented columns (a table's text column) may outnumber the text's own lines on
        # some pages: the leftmost well-used edge is the text's.
        top = max(edges.values(), default=0)
        common = [x for x, n in edges.items() if n >= 0.25 * top]
        margins.append(float(min(common)) if common else 0.0)
    return margins[0], margins[1]


def _with_margin_notes(lines: list[Line], margin: float) -> list[Line]:
    """Text set wholly left of the text's left edge is a margin note: a label of a few
    words is dropped, a longer note kept apart from the running text as a box. A page
    with no running text at that edge but lines of it further left (a page set wider
    than the rest) has its text edge there."""
    own = Counter(
        round(ln.x) for ln in lines if not ln.role and len(ln.text.split()) >= _PROSE_WORDS
    )
    if not any(abs(x - margin) <= 2 for x in own):
        margin = min([margin, *(x for x, n in own.items() if n >= _OWN_EDGE_LINES)])
    out = []
    for line in lines:
        words = line.text.split()
        right = line.x + len(line.text.strip()) * line.size * _CHAR_WIDTH
        if not words or line.role or right >= margin - 2:
            out.append(line)
        elif len(words) >= _NOTE_WORDS:
            out.append(replace(line, role="box"))
    return out


def _is_small(line: Line, body: float) -> bool:
    return line.size < body * _SMALL


def _with_drop_caps(lines: list[Line], body: float) -> list[Line]:
    """A single large letter set beside the first line of a paragraph joins that line's
    first word ("T" + "he reports" -> "The reports")."""
    out = list(lines)
    for cap in lines:
        letter = cap.text.strip()
        if len(letter) != 1 or not letter.isalpha() or cap.size < 1.8 * body:
            continue
        beside = [
            ln
            for ln in out
            if ln is not cap
            and cap.x < ln.x <= cap.x + 1.2 * cap.size
            and cap.y <= ln.y <= cap.y + cap.size
            and ln.text.strip()[:1].islower()
        ]
        if not beside:
            continue
        first = max(beside, key=lambda ln: ln.y)
        at = out.index(first)
        out[at] = replace(first, text=letter + first.text.lstrip(), x=cap.x)
        out.remove(cap)
    return out


def _with_tables_and_figures(lines: list[Line], body: float, margin: float) -> list[Line]:
    lines = _captions_in_place(captions_apart(lines))
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        table = bool(_TABLE_CAPTION.match(line.text))
        figure = not table and bool(_FIGURE_CAPTION.match(line.text))
        end = _region_end(lines, i, body, margin if table else None) if table or figure else i + 1
        caption = _caption_lines(lines, i, body) if table else 0
        if table and _rows(lines[i + caption : end]) >= _MIN_ROWS:
            out.extend(
                replace(ln, text=_row(ln.text), role="table") for ln in lines[i : i + caption]
            )
            out.extend(table_rows(lines[i + caption : end]))
        elif figure:
            # Chart labels are scattered words and numbers, not sentences: the caption
            # and its source or note lines stay, the labels go.
            caption = _caption_lines(lines, i, body)
            kept = lines[i : i + caption] + notes_block(lines[i + caption : end])
            out.extend(replace(ln, role="figure") for ln in kept)
        else:
            out.extend(lines[i : i + 1])
            end = i + 1
        i = end
    return out


def _captions_in_place(lines: list[Line]) -> list[Line]:
    """A table's number set as a tab at the head of the page but drawn after the lines it
    stands over is read first, where it sits."""
    for k, line in enumerate(lines):
        if k and _TABLE_CAPTION.match(line.text) and not line.role and _drawn_late(lines, k):
            return [line, *lines[:k], *lines[k + 1 :]]
    return lines


def _drawn_late(lines: list[Line], k: int) -> bool:
    """Every line drawn before line ``k`` is below it, and none drawn after it is close
    below: its content came first."""
    line = lines[k]
    before = all(ln.y < line.y - line.size for ln in lines[:k] if ln.text.strip())
    return before and not any(0 < line.y - ln.y < 3 * line.size for ln in lines[k + 1 :])


def _rows(lines: Sequence[Line]) -> int:
    """Lines that are not captions themselves (a list of tables is not a table)."""
    return sum(not _TABLE_CAPTION.match(ln.text) for ln in lines)


def _caption_lines(lines: list[Line], start: int, body: float) -> int:
    """How many lines the caption at ``start`` spans (it is set larger than its content).
    Past three lines only a hanging indent under the caption's number carries it on."""
    n = 1
    while (
        start + n < len(lines)
        and (n < 3 or _hangs(lines[start + 1 : start + n + 1], lines[start]))
        and _continues_caption(lines, start, n, body)
    ):
        n += 1
    return n


def _hangs(wrapped: Sequence[Line], caption: Line) -> bool:
    return all(abs(ln.x - wrapped[0].x) <= 1 and ln.x > caption.x + 1 for ln in wrapped)


def _continues_caption(lines: list[Line], start: int, n: int, body: float) -> bool:
    """The caption's next line: in its type, or (under a number set apart as a label,
    "TABLE 2") a title in display type larger than the text, a little further down."""
    line, above, caption = lines[start + n], lines[start + n - 1], lines[start]
    gap = above.y - line.y
    if _is_small(line, body) or gap <= 0:
        return False
    if abs(line.size - caption.size) < 0.6:
        return gap < 2 * caption.size
    return line.size > body + 0.5 and line.size <= caption.size and gap < 5 * above.size


def _region_end(lines: list[Line], start: int, body: float, margin: float | None) -> int:
    """Index after the last line of the table or figure whose caption is at ``start``: its
    content is the run under the caption of smaller type (or, for a table, of lines set
    off the text's left edge, in columns, or at the x of a column it already has), up to
    a gap or body text. A table drawn column by column climbs back up to its top."""
    first = start + _caption_lines(lines, start, body)
    closed = _closed_end(lines, first, body)
    if closed is not None:
        return closed
    end = first
    while end < len(lines):
        line, above = lines[end], lines[end - 1]
        if line.page != above.page:
            break
        content = lines[first:end]
        in_columns = margin is not None and (abs(line.x - margin) > 3 or _at_column(line, content))
        if not (_is_small(line, body) or in_columns):
            break
        climbs = (
            margin is not None
            and content
            and line.y > above.y
            and line.y <= content[0].y + 1
            and abs(line.x - above.x) > 3
        )
        # A table drawn cell by cell sets the next cell on the row's baseline.
        beside = abs(line.y - above.y) < 0.3 * line.size and line.x > above.x + 3
        if not (climbs or beside or 0 < above.y - line.y < 3.5 * body):
            break
        end += 1
        if margin is not None and _SOURCE.match(line.text):
            break  # a table's source or note line closes it
    if margin is not None:
        end = _without_trailing_prose(lines, first, end, margin)
    return end


def _ends_in_table(lines: Sequence[Line]) -> bool:
    body = [ln for ln in lines if ln.role != "footnote" and ln.text.strip()]
    return bool(body) and body[-1].role == "table"


def _with_continued_table(lines: list[Line], body: float) -> list[Line]:
    """A page after one that ends in a table, opening with small type that runs down to a
    source or note line, carries on that table (its repeated header included)."""
    opening = next((k for k, ln in enumerate(lines) if not ln.role), None)
    if opening is None or not _is_small(lines[opening], body):
        return lines
    end = _closed_end(lines, opening, body)
    if end is None:
        return lines
    return lines[:opening] + table_rows(lines[opening:end]) + lines[end:]


def _closed_end(lines: list[Line], first: int, body: float) -> int | None:
    """Index after the source, note or "continued" lines that close a run of small type
    starting at ``first``: however far a chart's labels or a table's rows sit from their
    caption, everything small between the caption and its source is theirs. None when
    no such line closes the run."""
    last = None
    k = first
    while (
        k < len(lines)
        and lines[k].page == lines[first].page
        and not lines[k].role
        and _is_small(lines[k], body)
    ):
        if _SOURCE.match(lines[k].text) or _CONTINUED.match(lines[k].text):
            last = k
        k += 1
    if last is None:
        return None
    end = last + 1
    # A source or note wraps onto lines of its own size just below it.
    while end < k and 0 < lines[end - 1].y - lines[end].y < 2 * lines[end].size:
        end += 1
    return end


def _column_edges(lines: Sequence[Line]) -> set[int]:
    return {round(x) for ln in lines for x, _ in (ln.cells or ((ln.x, ""),))}


def _at_column(line: Line, content: Sequence[Line]) -> bool:
    """The line starts where a column of a table with two or more columns starts."""
    edges = _column_edges(content)
    return len(edges) >= 2 and any(abs(round(line.x) - e) <= 2 for e in edges)


def _without_trailing_prose(lines: list[Line], first: int, end: int, margin: float) -> int:
    """Lines at the text's left edge below everything the other columns hold are the
    text resuming after the table, not its first column."""
    others = [ln.y for ln in lines[first:end] if abs(ln.x - margin) > 3 or len(ln.cells) > 1]
    if not others:
        return end
    low = min(others)
    while end > first + 1:
        line = lines[end - 1]
        if (
            abs(line.x - margin) > 3
            or line.cells
            or line.y >= low - 0.5 * line.size
            or _SOURCE.match(line.text)
        ):
            break
        end -= 1
    return end


def _row(text: str) -> str:
    """A table row's cells, which the PDF sets apart by wide gaps, joined by " | "."""
    cells = [c.strip() for c in _CELL_GAP.split(text.strip())]
    return " | ".join(c for c in cells if c)


def _with_footnotes(lines: list[Line], page: Page, body: float) -> list[Line]:
    """Small type at the foot of the page, below all body text and set off from it by a
    gap, becomes the page's footnotes, read after everything else on the page."""
    text_lines = [ln for ln in lines if ln.text.strip()]
    if not text_lines:
        return lines
    ordered = sorted(text_lines, key=lambda ln: ln.y)
    notes: list[Line] = []
    for line in ordered:
        small = line.size < body * _FOOTNOTE or _RULE.match(line.text)
        if line.role or not small or line.y > page.height * _FOOTNOTE_ZONE:
            break
        notes.append(line)
    rules = [k for k, ln in enumerate(notes) if _RULE.match(ln.text)]
    if rules:
        notes = notes[: rules[0] + 1]  # the rule is the boundary, whatever the gap
    if not notes or len(notes) == len(ordered):
        return lines
    above = ordered[len(notes)]
    if not rules and (above.y - notes[-1].y < 1.5 * body or not _starts_like_notes(notes)):
        return lines
    keys = {id(ln) for ln in notes}
    kept = [ln for ln in lines if id(ln) not in keys]
    notes_in_order = [ln for ln in lines if id(ln) in keys and not _RULE.match(ln.text)]
    return kept + [replace(ln, role="footnote") for ln in notes_in_order]


def _starts_like_notes(notes: Sequence[Line]) -> bool:
    """The top note opens with its number (or with the space its stripped call left)."""
    top = max(notes, key=lambda ln: ln.y)
    head = top.text[:4]
    return head[:1].isspace() or head.strip()[:1].isdigit() or head.strip()[:1] in "*†‡§"
