"""A small canvas layout engine: columns, wrapped text, footnotes, boxes, tables, figures.

It draws straight onto a reportlab canvas so the generator knows exactly which page
every element lands on; that knowledge becomes the expected-structure JSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import reportlab
from reportlab.lib.colors import Color, black
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

CALL = re.compile(r"\{(\d+)\}")  # a resolved footnote/endnote call glued to a word


def register_vera() -> None:
    """Embedded TrueType fonts, so some documents extract differently from base-14 ones."""
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file in (
        ("Vera", "Vera.ttf"),
        ("Vera-Bold", "VeraBd.ttf"),
        ("Vera-Italic", "VeraIt.ttf"),
    ):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))


@dataclass(frozen=True)
class Look:
    """The designed style of one document."""

    body: str = "Times-Roman"
    bold: str = "Times-Bold"
    italic: str = "Times-Italic"
    heading: str = "Helvetica-Bold"
    size: float = 10.5
    leading: float = 13.5
    heading_sizes: tuple[float, float, float] = (20, 13, 11)
    columns: int = 1
    gutter: float = 18
    margins: tuple[float, float, float, float] = (72, 72, 72, 72)  # left, right, top, bottom
    page: tuple[float, float] = (595.28, 841.89)
    accent: Color = field(default_factory=lambda: Color(0.1, 0.3, 0.55))
    shade: Color = field(default_factory=lambda: Color(0.9, 0.93, 0.97))
    para_gap: float = 5
    first_indent: float = 0


@dataclass(frozen=True)
class PageInfo:
    index: int
    folio: str | None  # as printed; None when the page prints no number
    kind: str  # cover, front, body, divider
    running: str  # the running title for this page (chapter or document)


Furniture = Callable[[Canvas, PageInfo, Look], None]


@dataclass
class Note:
    number: int
    text: str


class Layout:
    """Flows content page by page, column by column, and remembers where it went."""

    def __init__(self, canvas: Canvas, look: Look, furniture: Furniture) -> None:
        self.c = canvas
        self.look = look
        self.furniture = furniture
        self.index = -1
        self.folio: str | None = None
        self.kind = "cover"
        self.running = ""
        self.counter = 0
        self.roman = False
        self.col = 0
        self.y = 0.0
        self.bottom = 0.0
        self.notes: list[Note] = []
        self.folios: dict[int, str | None] = {}
        self.printed: dict[int, str | None] = {}
        self.placed_notes: list[tuple[Note, int]] = []  # each footnote and the page it went on
        self.columns = look.columns

    # pages and columns -------------------------------------------------------
    @property
    def top(self) -> float:
        return self.look.page[1] - self.look.margins[2]

    @property
    def width(self) -> float:
        left, right, _, _ = self.look.margins
        return (
            self.look.page[0] - left - right - (self.columns - 1) * self.look.gutter
        ) / self.columns

    @property
    def x(self) -> float:
        return self.look.margins[0] + self.col * (self.width + self.look.gutter)

    def start_page(self, kind: str, *, numbered: bool = True, columns: int | None = None) -> None:
        if self.index >= 0:
            self.finish_page()
            self.c.showPage()
        self.index += 1
        self.kind = kind
        self.columns = columns or (self.look.columns if kind == "body" else 1)
        if numbered:
            self.counter += 1
        label = (to_roman(self.counter) if self.roman else str(self.counter)) if numbered else None
        self.folio = None if kind in ("cover", "divider") else label
        self.folios[self.index] = label  # the implied number, printed or not
        self.printed[self.index] = self.folio
        self.col, self.y, self.bottom = 0, self.top, self.look.margins[3]
        self.notes = []

    def restart_numbering(self, *, roman: bool) -> None:
        self.roman, self.counter = roman, 0

    def finish_page(self) -> None:
        if self.notes:
            self.draw_notes()
        self.furniture(self.c, PageInfo(self.index, self.folio, self.kind, self.running), self.look)

    def next_column(self) -> None:
        if self.col + 1 < self.columns:
            self.col += 1
            self.y = self.top
        else:
            self.start_page("body")

    def ensure(self, height: float) -> None:
        if self.y - height < self.bottom and self.y < self.top - 1:
            self.next_column()

    def gap(self, height: float) -> None:
        self.y -= height

    # text ----------------------------------------------------------------------
    def wrap(self, text: str, font: str, size: float, width: float) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if current and measure(trial, font, size) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return lines

    def draw_line(self, text: str, x: float, y: float, font: str, size: float) -> None:
        """Text with superscript calls: '{3}' after a word prints a raised small 3."""
        cursor = x
        for i, piece in enumerate(CALL.split(text)):
            if not piece:
                continue
            if i % 2:
                self.c.setFont(font, size * 0.6)
                self.c.drawString(cursor, y + size * 0.4, piece)
                cursor += measure(piece, font, size * 0.6)
            else:
                self.c.setFont(font, size)
                self.c.drawString(cursor, y, piece)
                cursor += measure(piece, font, size)

    def paragraph(
        self,
        text: str,
        *,
        font: str | None = None,
        size: float | None = None,
        indent: float = 0,
        hang: str = "",
        notes: Sequence[Note] = (),
        drop_cap: bool = False,
    ) -> tuple[int, str]:
        """Flow one paragraph; returns the page it starts on and the words of its first line."""
        look = self.look
        font, size = font or look.body, size or look.size
        leading = look.leading * size / look.size
        cap_width, cap_lines = 0.0, 0
        if drop_cap:
            cap, text = text[0], text[1:]
            cap_size = leading * 3
            cap_width = measure(cap, look.heading, cap_size) + 4
            cap_lines = 3
            self.ensure(leading * 4)
            self.c.setFont(look.heading, cap_size)
            self.c.setFillColor(look.accent)
            self.c.drawString(self.x + indent, self.y - cap_size * 0.72, cap)
            self.c.setFillColor(black)
        hang_width = measure(hang + " ", look.bold, size) if hang else 0.0
        pending = {n.number: n for n in notes}
        body_width = self.width - indent - hang_width
        lines = self.wrap(text, font, size, body_width - cap_width)
        if cap_lines:
            rest = " ".join(lines[cap_lines:])
            lines = lines[:cap_lines] + self.wrap(rest, font, size, body_width)
        start: tuple[int, str] | None = None
        for n, line in enumerate(lines):
            calls = [pending.pop(int(k)) for k in CALL.findall(line) if int(k) in pending]
            reserve = sum(self.note_height(note) for note in calls)
            if self.y - leading < self.bottom + reserve and self.y < self.top - 1:
                self.next_column()
            self.bottom += reserve
            self.notes.extend(calls)
            self.placed_notes.extend((note, self.index) for note in calls)
            self.y -= leading
            x = self.x + indent + hang_width + (cap_width if n < cap_lines else 0)
            if n == 0 and hang and not CALL.search(line):
                # number and text in one text object, so '23. The ...' extracts as one line
                runs = [(0.0, look.bold, size, hang), (hang_width, font, size, line)]
                one_text_object(self.c, self.x + indent, self.y, runs)
            elif n == 0 and hang:
                self.c.setFont(look.bold, size)
                self.c.drawString(self.x + indent, self.y, hang)
                self.draw_line(line, x, self.y, font, size)
            else:
                self.draw_line(line, x, self.y, font, size)
            if start is None:
                start = (self.index, line)
        self.y -= look.para_gap
        assert start is not None, "empty paragraph"
        return start

    def heading(self, text: str, level: int, *, colour: Color | None = None) -> int:
        size = self.look.heading_sizes[level - 1]
        lines = self.wrap(text, self.look.heading, size, self.width)
        self.ensure(len(lines) * size * 1.25 + size * 0.6 + self.look.leading * 3)
        self.y -= size * 0.6 if self.y < self.top - 1 else 0
        self.c.setFillColor(colour or (self.look.accent if level < 3 else black))
        for line in lines:
            self.y -= size * 1.2
            self.c.setFont(self.look.heading, size)
            self.c.drawString(self.x, self.y, line)
        self.c.setFillColor(black)
        self.y -= size * 0.45
        return self.index

    def spaced_heading(self, text: str, size: float) -> int:
        """A letter-spaced heading, each glyph placed on its own as tracked display type is."""
        self.ensure(size * 2 + self.look.leading * 3)
        self.y -= size * 1.6
        font, track = self.look.heading, size * 0.5
        runs, at = [], 0.0
        for glyph in text.upper():
            runs.append((at, font, size, glyph))
            at += measure(glyph, font, size) + track
        self.c.setFillColor(self.look.accent)
        one_text_object(self.c, self.x, self.y, runs)
        self.c.setFillColor(black)
        self.y -= size * 0.8
        return self.index

    # footnotes -----------------------------------------------------------------
    def note_size(self) -> float:
        return self.look.size * 0.75

    def note_height(self, note: Note) -> float:
        size = self.note_size()
        lines = self.wrap(f"{note.number} {note.text}", self.look.body, size, self.width - 10)
        return len(lines) * size * 1.2 + (12 if not self.notes else 2)

    def draw_notes(self) -> None:
        size = self.note_size()
        left = self.look.margins[0]
        width = self.look.page[0] - left - self.look.margins[1]
        y = self.look.margins[3] + sum(self.note_height(n) for n in self.notes) - 4
        self.c.setLineWidth(0.5)
        self.c.line(left, y + 4, left + 110, y + 4)
        for note in self.notes:
            lines = self.wrap(note.text, self.look.body, size, width - 10)
            for n, line in enumerate(lines):
                y -= size * 1.2
                if n == 0:
                    self.c.setFont(self.look.body, size * 0.65)
                    self.c.drawString(left, y + size * 0.35, str(note.number))
                self.c.setFont(self.look.body, size)
                self.c.drawString(left + 10, y, line)
            y -= 2

    # framed elements -------------------------------------------------------------
    def box(self, title: str, paragraphs: Sequence[str]) -> int:
        """A framed, shaded side box; it never splits across pages."""
        look, pad = self.look, 8
        inner = self.width - 2 * pad
        size = look.size * 0.92
        lead = look.leading * 0.92
        title_lines = self.wrap(title, look.heading, size + 1, inner)
        bodies = [self.wrap(p, look.body, size, inner) for p in paragraphs]
        height = 2 * pad + len(title_lines) * lead * 1.1 + sum(len(b) * lead + 4 for b in bodies)
        self.ensure(height + 10)
        self.y -= 6
        self.c.setFillColor(look.shade)
        self.c.setStrokeColor(look.accent)
        self.c.setLineWidth(1)
        self.c.rect(self.x, self.y - height, self.width, height, fill=1, stroke=1)
        self.c.setFillColor(look.accent)
        y = self.y - pad
        for line in title_lines:
            y -= lead * 1.1
            self.c.setFont(look.heading, size + 1)
            self.c.drawString(self.x + pad, y, line)
        self.c.setFillColor(black)
        for body in bodies:
            for line in body:
                y -= lead
                self.c.setFont(look.body, size)
                self.c.drawString(self.x + pad, y, line)
            y -= 4
        self.y -= height + 10
        return self.index

    def dotted_entry(
        self, text: str, page: str, *, indent: float = 0, font: str | None = None, dots: bool = True
    ) -> None:
        """A contents line; the leader dots share the title's font so the line extracts as one."""
        font = font or self.look.body
        size = self.look.size
        self.ensure(self.look.leading)
        self.y -= self.look.leading * 1.15
        self.c.setFont(font, size)
        if dots:
            room = self.width - indent - measure(f"{text}  {page}", font, size)
            text = f"{text} {'.' * max(2, int(room / measure('.', font, size)) - 2)}"
        one_text_object(
            self.c,
            self.x + indent,
            self.y,
            [
                (0, font, size, text),
                (self.width - indent - measure(page, font, size), font, size, page),
            ],
        )


def one_text_object(
    c: Canvas, x: float, y: float, runs: Sequence[tuple[float, str, float, str]]
) -> None:
    """Runs (offset from x, font, size, text) in a single text object, so they extract as one
    line."""
    obj = c.beginText(x, y)
    at = 0.0
    for offset, font, size, text in runs:
        obj.moveCursor(offset - at, 0)
        at = offset
        obj.setFont(font, size)
        obj.textOut(text)
    c.drawText(obj)


def measure(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def to_roman(n: int) -> str:
    out = ""
    for value, glyph in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + glyph, n - value
    return out
