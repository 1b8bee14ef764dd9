"""A table's lines rebuilt as rows of cells.

PDFs draw tables in whatever order their generator likes: row by row, or one column
after another, a wrapped cell as several lines. What stays true is the geometry: a
column is a band of x positions, a row a band of y positions opened by a new cell in
the first column. Each rebuilt row is one line whose cells are joined by " | ".
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from ingest._cells import baseline_groups
from ingest._pdf import Line

_COLUMN_GAP = 2.0
"""x positions closer than this many type sizes belong to one column (a bullet and its
hanging indent, right-aligned numbers of different widths)."""
_NOTE = re.compile(r"^\s*(Sources?|Notes?)\s*:", re.IGNORECASE)
NOTE_LINE = _NOTE
"""A source or note line, set under a table or chart."""
_LIST_MARK = re.compile(r"^(•|▪|■|–|-|\*|\(?[a-z0-9]{1,3}[.)])\s")
_ROW_GAP = 1.25
"""A gap wider than this many line spacings (inside a wrapped cell) separates rows."""
_BASELINE = 0.3
"""Pieces within this share of the type size in y sit on one baseline."""


@dataclass(frozen=True)
class _Fragment:
    x: float
    y: float
    text: str
    line: Line


def table_rows(lines: Sequence[Line]) -> list[Line]:
    """One line per row of the table whose content (no caption) is ``lines``."""
    kept = {id(ln) for ln in notes_block(lines)}
    notes = [ln for ln in lines if id(ln) in kept]
    frags = _fragments([ln for ln in lines if id(ln) not in kept])
    if len(frags) < 2:
        return [replace(ln, role="table") for ln in lines]
    size = statistics.median(f.line.size for f in frags)
    columns = _columns([f.x for f in frags], size)
    rows = _rows(frags, columns, size)
    # Source and note lines run across the table's width: they follow its rows.
    return [_row_line(row, columns) for row in rows] + [replace(ln, role="table") for ln in notes]


def _cells_drawn_whole(lines: Sequence[Line]) -> bool:
    """Whether each wrapped cell of the table whose lines are ``lines``, in drawing order,
    was drawn in one run: its lines one after another, so the cell re-joined is text the
    page holds."""
    kept = {id(ln) for ln in notes_block(lines)}
    content = [ln for ln in lines if id(ln) not in kept]
    frags = _fragments(content)
    if len(frags) < 2:
        return True
    order = {id(ln): k for k, ln in enumerate(content)}
    size = statistics.median(f.line.size for f in frags)
    columns = _columns([f.x for f in frags], size)
    for row in _rows(frags, columns, size):
        cells: dict[int, list[_Fragment]] = {}
        for frag in sorted(row, key=lambda f: (-f.y, f.x)):
            cells.setdefault(_column(frag.x, columns), []).append(frag)
        for cell in cells.values():
            if any(order[id(b.line)] != order[id(a.line)] + 1 for a, b in itertools.pairwise(cell)):
                return False
    return True


def notes_block(lines: Sequence[Line]) -> list[Line]:
    """The source and note lines under a table or figure, with the lines that continue
    them and the legend set above them: plain lines on a note line's left edge, from the
    bottom of the region up to where that edge stops."""
    edges = [ln.x for ln in lines if _NOTE.match(ln.text)]
    if not edges:
        return []
    block: list[Line] = []
    for line in sorted(lines, key=lambda ln: ln.y):
        if line.cells or not any(abs(line.x - e) <= _SAME_X for e in edges):
            break
        block.append(line)
    kept = {id(ln) for ln in block}
    for note in (ln for ln in lines if _NOTE.match(ln.text)):
        kept.update(id(ln) for ln in _wrapped_under(note, lines))
    return [ln for ln in lines if id(ln) in kept]


def _wrapped_under(first: Line, lines: Sequence[Line]) -> list[Line]:
    """``first`` and the lines that wrap it: same edge and size, each just below the last."""
    chain = [first]
    for line in sorted(lines, key=lambda ln: -ln.y):
        last = chain[-1]
        if (
            not line.cells
            and abs(line.x - first.x) <= _SAME_X
            and abs(line.size - first.size) < 0.3
            and 0 < last.y - line.y < 2 * line.size
        ):
            chain.append(line)
    return chain


def _fragments(lines: Sequence[Line]) -> list[_Fragment]:
    out: list[_Fragment] = []
    for line in lines:
        cells = line.cells or ((line.x, line.text),)
        out.extend(_Fragment(x, line.y, " ".join(t.split()), line) for x, t in cells if t.strip())
    return out


def _columns(xs: Sequence[float], size: float) -> list[float]:
    """The left edge of each column: x positions chained by small steps form one."""
    starts: list[float] = []
    last = None
    for x in sorted(xs):
        if last is None or x - last > _COLUMN_GAP * size:
            starts.append(x)
        last = x
    return starts


def _column(x: float, columns: Sequence[float]) -> int:
    return max(i for i, start in enumerate(columns) if start <= x + 0.01) if x >= columns[0] else 0


def _rows(frags: list[_Fragment], columns: Sequence[float], size: float) -> list[list[_Fragment]]:
    ordered = sorted(frags, key=lambda f: (-f.y, f.x))
    baselines = _baselines([f.y for f in ordered], size)
    gaps = [a - b for a, b in itertools.pairwise(baselines)]
    # The line spacing inside a wrapped cell: the smallest gap, ignoring pieces set a
    # little off the baseline.
    spacing = min((g for g in gaps if g >= 0.8 * size), default=size)
    firsts = sorted({f.y for f in frags if _column(f.x, columns) == 0}, reverse=True)
    first_gaps = [a - b for a, b in itertools.pairwise(firsts)]
    if all(g <= _ROW_GAP * spacing for g in first_gaps):
        # One-line cells at an even spacing: each first-column line opens a row, and
        # the lines above the first column are the header's.
        top = firsts[0] if firsts else -1e9
        starts = [b for b in baselines if b > top + _BASELINE * size] + firsts
    else:
        # A first-column line starting in lower case continues the cell above it.
        continued = {f.y for f in frags if _column(f.x, columns) == 0 and f.text[:1].islower()}
        # A line opening with a list mark or in lower case carries on a cell above it.
        carried = {
            _baseline_of(f.y, baselines, size)
            for f in frags
            if _LIST_MARK.match(f.text) or f.text[:1].islower()
        }
        starts = _banded_starts(baselines, gaps, firsts, spacing, size, continued, carried)
    starts.sort(reverse=True)
    rows: list[list[_Fragment]] = [[] for _ in starts]
    for frag in ordered:
        at = max((k for k, y in enumerate(starts) if frag.y <= y + _BASELINE * size), default=0)
        rows[at].append(frag)
    return [row for row in rows if row]


def _banded_starts(
    baselines: Sequence[float],
    gaps: Sequence[float],
    firsts: Sequence[float],
    spacing: float,
    size: float,
    continued: set[float],
    carried: set[float],
) -> list[float]:
    """Rows are bands of lines set off by wider gaps across all columns (a cell may be
    centred in its row); a band without a first-column cell (a bullet's gap inside a
    cell, whose first line is in ``carried``) belongs to the row above."""
    bands: list[list[float]] = [[baselines[0]]]
    for y, gap in zip(baselines[1:], gaps, strict=True):
        if gap > _ROW_GAP * spacing:
            bands.append([])
        bands[-1].append(y)
    starts: list[float] = []
    for band in bands:
        lead = [y for y in firsts if band[-1] - _BASELINE * size <= y <= band[0] + _BASELINE * size]
        if lead and len(lead) == len(band) and not continued.intersection(lead[1:]):
            starts.extend(band)  # every line opens with its own label: one-line rows
        elif lead or not starts or band[0] not in carried:
            starts.append(band[0])
    return starts


def _baseline_of(y: float, baselines: Sequence[float], size: float) -> float:
    return next((b for b in baselines if abs(b - y) <= _BASELINE * size + 0.01), y)


def _baselines(ys: Sequence[float], size: float) -> list[float]:
    out: list[float] = []
    for y in ys:  # already top to bottom
        if not out or out[-1] - y > _BASELINE * size:
            out.append(y)
    return out


def _row_line(row: list[_Fragment], columns: Sequence[float]) -> Line:
    cells: dict[int, list[str]] = {}
    for frag in sorted(row, key=lambda f: (-f.y, f.x)):
        cells.setdefault(_column(frag.x, columns), []).append(frag.text)
    text = " | ".join(" ".join(cells[k]) for k in sorted(cells))
    first = max(row, key=lambda f: (f.y, -f.x))
    return replace(
        first.line,
        text=text,
        x=min(f.x for f in row),
        y=first.y,
        bold=all(f.line.bold for f in row),
        role="table",
        cells=tuple((columns[k], " ".join(cells[k])) for k in sorted(cells)),
    )


_ALIGNED_ROWS = 3
"""Lines whose cells start at the same x positions that make a table without a caption."""
_SAME_X = 2.0


def with_aligned_tables(
    lines: list[Line], carried: Sequence[float] = (), *, body: float = 0.0
) -> list[Line]:
    """Runs of lines whose cells start at the same two or more x positions are a table
    even without a caption; the lines of a wrapped cell between them belong to it.
    ``carried`` are the columns of a table that ended the previous page: a page opening
    with rows in those columns continues it. Two columns of wrapped prose in smaller
    type than the ``body`` text are a comparison table. A table drawn cell by cell is
    read row by row; lines outside any table keep their order."""
    plain = baseline_groups(lines, cellwise=False)
    cellwise = baseline_groups(lines, cellwise=True)
    if len(cellwise) == len(plain):
        return [ln for _, made in _runs(plain, carried, body) for ln in made]
    order = {id(ln): k for k, ln in enumerate(lines)}
    tables: dict[int, tuple[int, list[Line]]] = {}
    for source, made in _runs(cellwise, carried, body):
        if made is source:
            continue
        if not _cells_drawn_whole(sorted(source, key=lambda ln: order[id(ln)])):
            # Rows read across lines drawn apart (a list set column after column): not
            # a table drawn cell by cell.
            return [ln for _, made in _runs(plain, carried, body) for ln in made]
        tables.update({id(ln): (id(source[0]), made) for ln in source})
    out: list[Line] = []
    done: set[int] = set()
    for line in lines:
        key, made = tables.get(id(line), (0, []))
        if not made:
            out.append(line)
        elif key not in done:
            done.add(key)
            out.extend(made)
    return out


def _runs(
    groups: list[list[Line]], carried: Sequence[float], body: float
) -> Iterator[tuple[list[Line], list[Line]]]:
    """The lines of each stretch of ``groups`` and what they become: the same list
    object where they stay as they are, table rows where they are a table."""
    joined = [_joined(g) for g in groups]
    opening = next((k for k, ln in enumerate(joined) if not ln.role), -1)
    i = 0
    while i < len(joined):
        end = _aligned_end(joined, i)
        run = joined[i:end]
        source = [ln for g in groups[i:end] for ln in g]
        continues = i == opening and _shared(joined[i], carried) >= 2
        aligned = sum(len(ln.cells) >= 2 for ln in run) >= _ALIGNED_ROWS
        edge = min((x for x, _ in joined[i].cells), default=joined[i].x)
        beside = [g[0] for g, ln in zip(groups[i:end], run, strict=True) if _left_of(ln, edge)]
        if continues or (aligned and _tabular(run)):
            yield source, table_rows([ln for ln in source if ln not in beside]) + beside
            i = end
        elif aligned and _prose_columns(run, body, joined[i - 1] if i else None):
            yield source, _line_rows([ln for ln in run if ln not in beside]) + beside
            i = end
        else:
            yield groups[i], groups[i]
            i += 1


def _shared(line: Line, edges: Sequence[float]) -> int:
    return sum(any(abs(x - e) <= _SAME_X for e in edges) for x, _ in line.cells)


def ending_columns(lines: Sequence[Line]) -> tuple[float, ...]:
    """The columns of the table the page ends with (footnotes aside), if it ends with one."""
    body = [ln for ln in lines if ln.role != "footnote"]
    if not body or body[-1].role != "table":
        return ()
    return tuple(x for x, _ in body[-1].cells)


def _joined(group: list[Line]) -> Line:
    if len(group) == 1:
        return group[0]
    cells = tuple(c for ln in group for c in (ln.cells or ((ln.x, ln.text.strip()),)))
    return replace(
        group[0],
        text="  ".join(ln.text.strip() for ln in group),
        bold=all(ln.bold for ln in group),
        cells=cells,
    )


def _tabular(run: Sequence[Line]) -> bool:
    """Three or more columns, or two under a bold header row: two columns of plain rows
    are as often a list of terms and their definitions or of references."""
    rows = [ln for ln in run if len(ln.cells) >= 2]
    if sum(len(ln.cells) >= 3 for ln in rows) * 2 >= len(rows):
        return True
    return rows[0] is run[0] and run[0].bold and not any(ln.bold for ln in rows[1:])


_PROSE_CELL = 3
"""Words in a cell of running prose, more than a term or a reference number has."""


def _prose_columns(run: Sequence[Line], body: float, above: Line | None) -> bool:
    """Side-by-side columns of wrapped prose set smaller than the text: a comparison
    table (the body's own columns are set in body type)."""
    rows = [ln for ln in run if len(ln.cells) >= 2]
    prose = sum(all(len(t.split()) >= _PROSE_CELL for _, t in ln.cells) for ln in rows)
    small = all(ln.size < 0.95 * body for ln in run)
    # A table heads its columns (a bold or larger first row, or a bold line right above);
    # two flows of small print side by side (an imprint page's copyright and licence)
    # have no header.
    first = run[0]
    headed = first.bold or any(first.size > ln.size + 0.5 for ln in run[1:])
    headed = headed or (above is not None and above.bold)
    return small and headed and prose * 3 >= 2 * len(rows)


def _line_rows(run: Sequence[Line]) -> list[Line]:
    """Each line a row of its cells: the page sets the columns' lines side by side, so a
    wrapped cell read whole would not be text the page holds in one run."""
    return [
        replace(
            ln,
            text=" | ".join(t for _, t in ln.cells) if ln.cells else ln.text.strip(),
            role="table",
        )
        for ln in run
    ]


def _aligned_end(lines: list[Line], start: int) -> int:
    first = lines[start]
    if first.role or len(first.cells) < 2:
        return start + 1
    edges = [x for x, _ in first.cells]
    end, last_row = start + 1, start + 1
    above = first
    while end < len(lines):
        line = lines[end]
        if line.page == first.page and _left_of(line, edges[0]):
            end += 1  # a margin note set beside the rows
            continue
        if line.role or line.page != first.page or not 0 < above.y - line.y < 3 * line.size:
            break
        starts = [x for x, _ in line.cells] if line.cells else [line.x]
        shared = sum(any(abs(x - e) <= _SAME_X for e in edges) for x in starts)
        if len(line.cells) >= 2 and shared >= 2:
            last_row = end + 1
        elif not (shared == 1 and len(starts) == 1):
            break  # only a wrapped cell's line may sit between rows
        above = line
        end += 1
    # The last row's wrapped lines: close below it and short of the next column.
    while last_row < len(lines) and _wrapped_tail(lines[last_row], lines[last_row - 1], edges):
        last_row += 1
    return last_row


def _left_of(line: Line, edge: float) -> bool:
    """Set wholly left of ``edge`` (a margin note beside a table's first column)."""
    right = line.x + len(line.text.strip()) * line.size * 0.5
    return not line.cells and not line.role and right < edge - _SAME_X


def _wrapped_tail(line: Line, above: Line, edges: Sequence[float]) -> bool:
    if line.role or line.cells or line.page != above.page:
        return False
    if not 0 < above.y - line.y <= 1.5 * line.size:
        return False
    column = [e for e in edges if abs(line.x - e) <= _SAME_X]
    later = [e for e in edges if e > line.x + _SAME_X]
    right = line.x + len(line.text.strip()) * line.size * 0.5
    return bool(column) and (not later or right < min(later))
