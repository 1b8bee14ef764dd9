"""Text drawn apart from the line it belongs to, or drawn twice: a reference's label set
in the right margin, and a template layer's copy of the page under the final artwork."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from ingest._pdf import Line, Page

_LONG_LINE = 8
"""Words from which a line repeated within a line or two of itself is a layer copy."""


def without_layer_copies(lines: list[Line]) -> list[Line]:
    """Lines less the second copy of a text printed again within its own type size of
    the first (a template layer under the final artwork): no reader sees it twice.
    A template set with its own leading drifts from the artwork by a line or so; a long
    line of prose is never printed twice that close, so its copy goes too, and so does a
    short line drawn right after such a copy (the rest of the template's paragraph)."""
    kept: list[Line] = []
    seen: dict[str, list[Line]] = {}
    in_copy = False
    for line in lines:
        key = line.text.strip()
        twins = seen.setdefault(key, [])
        far = in_copy or len(key.split()) >= _LONG_LINE
        reach = line.size * (2 if far else 1)
        in_copy = bool(key) and any(
            abs(t.x - line.x) < reach and abs(t.y - line.y) < reach for t in twins
        )
        if in_copy:
            continue
        twins.append(line)
        kept.append(line)
    return kept


_MARGIN_LABEL = re.compile(r"^\s*[\[(]\d{1,3}[\])]\s*$")
_LABEL_ZONE = 0.75
"""Share of the page width right of which an entry's label sits in the margin."""
_LABEL_REACH = 8
"""How many of its own type sizes a label may sit above the last line of its entry."""


def with_margin_labels(drawn: list[Line], page: Page) -> list[Line]:
    """Lines in drawing order with each right-margin entry label ("[3]" beside a
    reference) joined to the end of the entry it stands beside, where the text layer
    draws it: on a line of its own it would sort above the entry's first line (it sits a
    little higher) and, in the margin, pass for a second column."""
    ends = entry_labels(drawn, page)
    if not ends:
        return drawn
    moved = {id(label) for label in ends.values()}
    return [
        replace(ln, text=f"{ln.text.rstrip()} {ends[id(ln)].text.strip()}")
        if id(ln) in ends
        else ln
        for ln in drawn
        if id(ln) not in moved
    ]


def entry_labels(drawn: Sequence[Line], page: Page) -> dict[int, Line]:
    """Right-margin labels by the id of the line drawn just before each: the last line
    of the entry, a little below the label."""
    return {
        id(before): line
        for before, line in itertools.pairwise(drawn)
        if _is_margin_label(line, drawn, page) and 0 < line.y - before.y <= _LABEL_REACH * line.size
    }


def _is_margin_label(line: Line, drawn: Sequence[Line], page: Page) -> bool:
    """A bracketed number alone in the right margin, on no other line's baseline."""
    return (
        line.x >= page.width * _LABEL_ZONE
        and bool(_MARGIN_LABEL.match(line.text))
        and not any(other is not line and abs(other.y - line.y) < 1.0 for other in drawn)
    )
