"""The two drawn flowables the sample needs beyond ReportLab's own, and flowable tracking.

Tracked flowables carry an ``smp_key`` (and outline entries); the document records the page on
which each key lands, which is how the contents and the manifest learn page numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable
from typing_extensions import override

from ingest.sample._styles import HEADING_SCALE, HEADING_SIZE, LABEL_W, TEXT_W


def tracked(flowable: Flowable, key: str, *outline: tuple[str, int]) -> Flowable:
    flowable.smp_key = key
    flowable.smp_outline = outline
    return flowable


def split_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` (a long word overflows)."""
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


class ChapterHeading(Flowable):  # type: ignore[misc]
    """Large condensed bold heading; explicit lines are kept, long ones wrap."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__()
        self._forced = tuple(lines)
        self._lines: list[str] = []
        self._leading = HEADING_SIZE * 1.2

    @override
    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self._lines = []
        for forced in self._forced:
            self._lines.extend(
                split_lines(forced, "Helvetica-Bold", HEADING_SIZE, avail_w / HEADING_SCALE)
            )
        return avail_w, len(self._lines) * self._leading + 18

    def draw(self) -> None:
        text = self.canv.beginText()
        text.setFont("Helvetica-Bold", HEADING_SIZE, self._leading)
        text.setHorizScale(HEADING_SCALE * 100)
        text.setTextOrigin(0, len(self._lines) * self._leading - HEADING_SIZE + 18)
        for line in self._lines:
            text.textLine(line)
        self.canv.drawText(text)


class LeaderEntry(Flowable):  # type: ignore[misc]
    """A contents line: wrapped title, dot leaders, printed page label at the right margin."""

    def __init__(self, lines: Sequence[str], label: str, *, bold: bool, indent: float) -> None:
        super().__init__()
        self._forced = tuple(lines)
        self._label = label
        self._font = "Helvetica-Bold" if bold else "Helvetica"
        self._indent = indent
        self._lines: list[str] = []
        self._width = TEXT_W

    @override
    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self._width = avail_w
        room = avail_w - self._indent - LABEL_W - 8
        self._lines = [
            part for line in self._forced for part in split_lines(line, self._font, 9.5, room)
        ]
        return avail_w, len(self._lines) * 12 + 4

    def draw(self) -> None:
        # One text object per entry, as word processors write them, so that extractors see
        # title, leaders and page number on one line.
        text = self.canv.beginText(self._indent, len(self._lines) * 12 - 8)
        text.setFont(self._font, 9.5, 12)
        for line in self._lines[:-1]:
            text.textLine(line)
        text.textOut(self._lines[-1])
        start = self._indent + stringWidth(self._lines[-1], self._font, 9.5)
        dot = stringWidth(" .", "Helvetica", 9.5)
        text.setFont("Helvetica", 9.5)
        text.textOut(" ." * int((self._width - LABEL_W - start) / dot))
        label = f" {self._label}"
        text.moveCursor(self._width - stringWidth(label, "Helvetica", 9.5) - text.getX(), 0)
        text.textOut(label)
        self.canv.drawText(text)
