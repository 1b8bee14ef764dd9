"""Charts' labels: the scattered words and numbers a chart or diagram sets on the page.

They are not sentences and belong to no paragraph, so they are dropped; the chart's
caption and source stay (see ``_regions``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from ingest._pdf import Line
from ingest._tables import NOTE_LINE

_NUMBER = re.compile(r"^[(\[]?[-–+]?[$€£]?\d[\d.,]*%?[)\]]?$")
_LIST_MARK = re.compile(r"^(•|–|-|\(?[a-z0-9]{1,3}[.)])\s")
_LABEL_RUN = 4
_CHART_LABEL_WORDS = 6
_DISPLAY = 1.5
"""Points above the text's size where display type (a chart's title) begins."""


def _is_label(line: Line, body: float) -> bool:
    """Short and not a sentence: the kind of text a chart or diagram scatters."""
    text = line.text.strip()
    words = text.split()
    return (
        (0 < len(words) <= 4 or _is_numeric(text))
        and line.size <= body * 1.1
        and not text.endswith((".", ":", ";", "?", "!"))
        and not _LIST_MARK.match(text)
        and not line.role
    )


def _is_numeric(text: str) -> bool:
    tokens = text.split()
    return bool(tokens) and all(_NUMBER.match(t) for t in tokens)


def without_chart_labels(lines: list[Line], body: float) -> list[Line]:
    """Runs of short labels that jump back up the page (drawn around a chart) or are
    only numbers (axis ticks, data labels) are a figure's, not the text's."""
    drop: set[int] = set()
    i = 0
    while i < len(lines):
        end = i
        while end < len(lines) and _is_label(lines[end], body):
            end += 1
        run = lines[i:end]
        if len(run) >= _LABEL_RUN:
            rises = sum(b.y > a.y + 2 for a, b in itertools.pairwise(run))
            numeric = sum(_is_numeric(ln.text) for ln in run)
            if rises >= 2 or numeric * 2 >= len(run):
                drop.update(range(i, end))
        i = max(end, i + 1)
    drop.update(_labels_over_sources(lines, body))
    return _with_source_lines([ln for k, ln in enumerate(lines) if k not in drop], body)


def _with_source_lines(lines: list[Line], body: float) -> list[Line]:
    """A source line in its own small type under a chart without a caption is read on
    its own, with the lines it wraps onto: the text that follows is not its."""
    out = list(lines)
    for k, line in enumerate(lines):
        if line.role or not NOTE_LINE.match(line.text) or line.size > body - 0.5:
            continue
        out[k] = replace(line, role="figure")
        for j in range(k + 1, len(lines)):
            below, last = lines[j], lines[j - 1]
            if below.role or abs(below.size - line.size) >= 0.3 or abs(below.x - line.x) > 2:
                break
            if not 0 < last.y - below.y < 2 * below.size:
                break
            out[j] = replace(below, role="figure")
    return out


def _labels_over_sources(lines: list[Line], body: float) -> set[int]:
    """A chart without a caption still ends in its source line: the short phrases set in
    other than the text's type just before it are the chart's labels."""
    drop: set[int] = set()
    for k, line in enumerate(lines):
        if line.role or not NOTE_LINE.match(line.text):
            continue
        j = k - 1
        while j >= 0 and _chart_label(lines[j], line, body):
            j -= 1
        if k - 1 - j >= 2:
            drop.update(range(j + 1, k))
    return drop


def _chart_label(line: Line, source: Line, body: float) -> bool:
    text = line.text.strip()
    return (
        not line.role
        and line.page == source.page
        and abs(line.size - body) >= 0.5
        and line.size < body + _DISPLAY
        and 0 < len(text.split()) <= _CHART_LABEL_WORDS
        and not text.endswith((".", ":", ";", "!"))
        and not _LIST_MARK.match(text)
    )
