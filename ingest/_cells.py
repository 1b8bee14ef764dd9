"""Lines on one baseline gathered into the cells of one row.

Generators draw a table row by row, each row left to right, or cell by cell: every cell
its own text operation, a wrapped cell line after line before the next cell starts
back up on the row's baseline. Either way a row is the lines that share a baseline and
follow one another left to right; in the cell-by-cell drawing only the lines of the
wrapped cells before it (lower down, further left) come between.
"""

from __future__ import annotations

from ingest._pdf import Line

_BASELINE = 0.3
"""Pieces within this share of the type size in y sit on one baseline."""
_WRAP_LINES = 4
"""Lines a wrapped cell runs below its row's baseline (and, three columns of them at
most, drawn before the row's next cell); a column of running prose climbs back up much
further."""


def baseline_groups(lines: list[Line], *, cellwise: bool) -> list[list[Line]]:
    """Lines on one baseline, left to right, in the order their rows start. Without
    ``cellwise`` only consecutive lines group (the page keeps its drawing order); with it
    a line also joins a row drawn just before whose wrapped cells came between."""
    groups: list[list[Line]] = []
    for line in lines:
        row = _row_for(line, groups) if cellwise else _last_row(line, groups)
        if row is None:
            groups.append([line])
        else:
            row.append(line)
    return groups


def _last_row(line: Line, groups: list[list[Line]]) -> list[Line] | None:
    return groups[-1] if groups and _extends(groups[-1], line) else None


def _row_for(line: Line, groups: list[list[Line]]) -> list[Line] | None:
    """The row ``line`` continues: the last one, or one drawn a few lines back when every
    line drawn since is a wrapped line under one of that row's cells, left of ``line``."""
    between: list[Line] = []
    for row in reversed(groups):
        if _extends(row, line):
            return row if all(_wraps_under(ln, line, row) for ln in between) else None
        between.extend(row)
        if len(between) > _WRAP_LINES * 3:
            return None
    return None


def _extends(row: list[Line], line: Line) -> bool:
    last = row[-1]
    return (
        not line.role
        and not last.role
        and line.page == last.page
        and abs(line.y - last.y) < _BASELINE * line.size
        and line.x > last.x
    )


def _wraps_under(wrapped: Line, line: Line, row: list[Line]) -> bool:
    """``wrapped`` is a wrapped line of a cell of ``row``, which ``line`` continues: a few
    lines below the row, under one of its cells, in its type, left of ``line``."""
    drop = line.y - wrapped.y
    return (
        not wrapped.role
        and wrapped.page == line.page
        and 0.8 * line.size < drop <= _WRAP_LINES * 1.5 * line.size
        and wrapped.x < line.x
        and abs(wrapped.size - line.size) < 0.5
        and any(_under(wrapped, cell) for cell in row)
    )


def _under(wrapped: Line, cell: Line) -> bool:
    """The two lines overlap across (a cell's lines may be centred)."""
    return wrapped.x < _right(cell) and cell.x < _right(wrapped)


def _right(line: Line) -> float:
    return line.x + len(line.text.strip()) * line.size * 0.5
