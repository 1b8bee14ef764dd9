"""Deterministic sample PDF with the shape of the SMP publication, plus its ground truth.

The real publication is not redistributable, so tests and the demo use this generated stand-in.
It deliberately carries the parts that make report PDFs hard to parse: roman then arabic page
labels, running headers and footers, a heading that wraps, line-end hyphenation, bullets, boxed
examples, a table, a figure, footnotes, one two-column page and a junk bookmark.

Page positions are learnt from ReportLab's ``afterFlowable`` hook: tracked flowables carry an
``smp_key``; the first build records the page of each key, and the second build prints those
numbers in the contents and lists (their layout does not depend on the numbers printed).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ingest import _sample_text as txt
from ingest._layout import to_roman

PAGE_W, PAGE_H = A5
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 22 * mm
TEXT_W = PAGE_W - 2 * MARGIN_X
# Real reports set headings in a condensed face; horizontal scaling stands in for one so that
# chapter 9's first heading line fits the A5 measure at a clearly larger size than sections.
HEADING_SIZE = 16.0
HEADING_SCALE = 0.66
_LABEL_W = 26.0

_BODY = ParagraphStyle(
    "body", fontName="Helvetica", fontSize=10, leading=15.5, alignment=TA_JUSTIFY, spaceAfter=8
)
_SECTION = ParagraphStyle(
    "section",
    fontName="Helvetica-Bold",
    fontSize=12,
    leading=15,
    spaceBefore=10,
    spaceAfter=6,
    keepWithNext=1,
)
_FRONT = ParagraphStyle("front", fontName="Helvetica-Bold", fontSize=16, leading=20, spaceAfter=12)
_REC = ParagraphStyle(
    "rec", parent=_BODY, leftIndent=16, bulletIndent=2, bulletFontName="Helvetica"
)
_SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=7.5, leading=9.5, spaceAfter=2)
_BOX_TITLE = ParagraphStyle(
    "boxtitle", fontName="Helvetica-Bold", fontSize=9.5, leading=12, spaceAfter=4
)
_BOX_BODY = ParagraphStyle("boxbody", parent=_BODY, fontSize=9, leading=12, spaceAfter=3)
_CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=8.5, leading=10.5)
_CELL_HEAD = ParagraphStyle("cellhead", parent=_CELL, fontName="Helvetica-Bold")
_CAPTION = ParagraphStyle(
    "caption", fontName="Helvetica-Bold", fontSize=9, leading=12, spaceBefore=4, spaceAfter=6
)
_TERM = ParagraphStyle("term", fontName="Helvetica-Bold", fontSize=10, leading=13, keepWithNext=1)
_DEFINITION = ParagraphStyle("definition", parent=_BODY, leftIndent=12, spaceAfter=7)
_COVER_TITLE = ParagraphStyle(
    "covertitle", fontName="Helvetica-Bold", fontSize=20, leading=25, spaceAfter=18
)
_COVER_MARK = ParagraphStyle(
    "covermark",
    fontName="Helvetica-Bold",
    fontSize=13,
    leading=17,
    textColor=colors.HexColor("#A00000"),
    spaceAfter=14,
)

_HYPHEN_BREAK = re.compile(r"(\w+)-<br/>(\w+)")


@dataclass(frozen=True)
class SampleChapter:
    number: int
    title: str
    start_index: int
    start_label: str


@dataclass(frozen=True)
class SampleSection:
    chapter: int
    title: str
    start_index: int
    start_label: str


@dataclass(frozen=True)
class SampleRecommendation:
    rec_id: str
    chapter: int
    text: str
    page_index: int
    page_label: str


@dataclass(frozen=True)
class SampleBox:
    number: int
    title: str
    chapter: int
    page_index: int
    page_label: str


@dataclass(frozen=True)
class SampleManifest:
    """Ground truth about one generated sample PDF (0-based page indexes, printed labels)."""

    n_pages: int
    chapters: tuple[SampleChapter, ...]
    sections: tuple[SampleSection, ...]
    recommendations: tuple[SampleRecommendation, ...]
    boxes: tuple[SampleBox, ...]
    acronyms: tuple[tuple[str, str], ...]
    glossary: tuple[tuple[str, str], ...]
    hyphenations: tuple[tuple[str, str], ...]
    header_footer_strings: tuple[str, ...]
    back_matter_index: int


@dataclass
class _Registry:
    """What the body story contains, in reading order, so front lists and the manifest agree."""

    sections: list[tuple[str, int, str]] = field(default_factory=list)
    recs: list[tuple[str, int, str]] = field(default_factory=list)
    boxes: list[tuple[str, int, str]] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)


def chapter_title(chapter: txt.Chapter) -> str:
    return " ".join(chapter.title_lines)


def _header_text(chapter: txt.Chapter) -> str:
    return f"Chapter {chapter.number} | {chapter_title(chapter)}"


def page_label(index: int, body_start: int) -> str:
    """Printed label of a page: none on the cover, roman front matter, arabic from chapter 1."""
    if index == 0:
        return ""
    if index < body_start:
        return to_roman(index)
    return str(index - body_start + 1)


def _tracked(flowable: Flowable, key: str, *outline: tuple[str, int]) -> Flowable:
    flowable.smp_key = key
    flowable.smp_outline = outline
    return flowable


class _ChapterHeading(Flowable):  # type: ignore[misc]
    """Large condensed bold heading; explicit lines are kept, long ones wrap."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__()
        self._forced = tuple(lines)
        self._lines: list[str] = []
        self._leading = HEADING_SIZE * 1.2

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self._lines = []
        for forced in self._forced:
            self._lines.extend(
                _split(forced, "Helvetica-Bold", HEADING_SIZE, avail_w / HEADING_SCALE)
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


class _LeaderEntry(Flowable):  # type: ignore[misc]
    """A contents line: wrapped title, dot leaders, printed page label at the right margin."""

    def __init__(self, lines: Sequence[str], label: str, *, bold: bool, indent: float) -> None:
        super().__init__()
        self._forced = tuple(lines)
        self._label = label
        self._font = "Helvetica-Bold" if bold else "Helvetica"
        self._indent = indent
        self._lines: list[str] = []
        self._width = TEXT_W

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self._width = avail_w
        room = avail_w - self._indent - _LABEL_W - 8
        self._lines = [
            part for line in self._forced for part in _split(line, self._font, 9.5, room)
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
        text.textOut(" ." * int((self._width - _LABEL_W - start) / dot))
        label = f" {self._label}"
        text.moveCursor(self._width - stringWidth(label, "Helvetica", 9.5) - text.getX(), 0)
        text.textOut(label)
        self.canv.drawText(text)


def _split(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


class _SampleDoc(BaseDocTemplate):  # type: ignore[misc]
    """Records the page of each tracked flowable and draws running headers and footers."""

    def __init__(self, target: io.BytesIO, *, outline: bool) -> None:
        super().__init__(
            target,
            pagesize=A5,
            invariant=1,
            title=txt.PDF_TITLE,
            author=txt.PDF_AUTHOR,
            subject=txt.PDF_SUBJECT,
            creator=txt.PDF_AUTHOR,
            keywords="sample, test, skills mobility partnerships",
        )
        self.marks: dict[str, int] = {}
        self.body_start = 10**6
        self.twocol_pages = 0
        self._outline = outline
        self._header: str | None = None
        self._headerless_index = -1
        full = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            TEXT_W,
            PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
            id="full",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        col_w = (TEXT_W - 8 * mm) / 2
        cols = [
            Frame(
                MARGIN_X + i * (col_w + 8 * mm),
                MARGIN_BOTTOM,
                col_w,
                PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
                id=f"col{i}",
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            for i in range(2)
        ]
        self.addPageTemplates(
            [
                PageTemplate("cover", [full]),
                PageTemplate("page", [full], onPageEnd=self._decorate),
                PageTemplate("twocol", cols, onPage=self._count_twocol, onPageEnd=self._decorate),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        key: str | None = getattr(flowable, "smp_key", None)
        if key is None or key in self.marks:
            return
        index = self.page - 1
        self.marks[key] = index
        if key.startswith("chapter:") or key == "back":
            self._header = flowable.smp_header
            self._headerless_index = index
        if key == "chapter:1":
            self.body_start = index
        if self._outline:
            self._bookmark(key, index, flowable.smp_outline)

    def _bookmark(self, key: str, index: int, entries: Sequence[tuple[str, int]]) -> None:
        canv = self.canv
        if key == "cover":
            canv.addPageLabel(0)  # the cover prints no number: an empty label
            canv.addPageLabel(1, "ROMAN_LOWER", 1)
        if key == "chapter:1":
            canv.addPageLabel(index, "ARABIC", 1)
        for title, level in entries:
            name = "_GoBack" if title == "_GoBack" else key
            canv.bookmarkPage(name)
            canv.addOutlineEntry(title, name, level=level, closed=level == 0)

    def _count_twocol(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        self.twocol_pages += 1

    def _decorate(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        index = self.page - 1
        canv.saveState()
        canv.setFont("Helvetica", 7.5)
        canv.drawString(MARGIN_X, 10 * mm, txt.FOOTER_MARKER)
        canv.drawRightString(PAGE_W - MARGIN_X, 10 * mm, page_label(index, self.body_start))
        if self._header is not None and index != self._headerless_index:
            size = min(7.5, TEXT_W / stringWidth(self._header, "Helvetica", 1))
            canv.setFont("Helvetica", size)
            canv.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 12 * mm, self._header)
            canv.setLineWidth(0.3)
            canv.line(MARGIN_X, PAGE_H - 13.5 * mm, PAGE_W - MARGIN_X, PAGE_H - 13.5 * mm)
        canv.restoreState()


def _para(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(text, style)


def _box(box: txt.Box, number: int, chapter: int, reg: _Registry) -> Flowable:
    title = f"Box {number}: {box.country}: {box.title}"
    key = f"box:{number}"
    reg.boxes.append((key, chapter, title))
    cell = [_para(escape(title), _BOX_TITLE), *(_para(p, _BOX_BODY) for p in box.paras)]
    table = Table([[cell]], colWidths=[TEXT_W])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#4A6A8A")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#E8EEF4")),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    table.spaceBefore, table.spaceAfter = 6, 8
    return _tracked(table, key)


def _table(spec: txt.TableSpec, number: int, reg: _Registry) -> Flowable:
    caption = f"Table {number}: {spec.title}"
    key = f"table:{number}"
    reg.tables.append((key, caption))
    rows = [[_para(escape(c), _CELL_HEAD) for c in spec.header]]
    rows += [[_para(escape(c), _CELL) for c in row] for row in spec.rows]
    table = Table(rows, colWidths=[TEXT_W * f for f in spec.widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D5DEE8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return KeepTogether([_tracked(_para(escape(caption), _CAPTION), key), table, Spacer(1, 8)])


def _figure(spec: txt.FigureSpec, number: int, reg: _Registry) -> Flowable:
    caption = f"Figure {number}: {spec.title}"
    key = f"figure:{number}"
    reg.figures.append((key, caption))
    n = len(spec.steps)
    gap = 12.0
    box_w = (TEXT_W - gap * (n - 1)) / n
    drawing = Drawing(TEXT_W, 60)
    for i, step in enumerate(spec.steps):
        x = i * (box_w + gap)
        drawing.add(
            Rect(
                x,
                10,
                box_w,
                40,
                rx=4,
                ry=4,
                fillColor=colors.HexColor("#E8EEF4"),
                strokeColor=colors.HexColor("#4A6A8A"),
            )
        )
        for j, line in enumerate(step.split("\n")):
            drawing.add(
                String(
                    x + box_w / 2,
                    33 - 9 * j,
                    line,
                    fontName="Helvetica",
                    fontSize=6.5,
                    textAnchor="middle",
                )
            )
        if i < n - 1:
            tip = x + box_w + gap - 1
            drawing.add(Line(x + box_w + 1, 30, tip - 3, 30, strokeWidth=0.8))
            drawing.add(
                Polygon(
                    [tip, 30, tip - 4, 32.5, tip - 4, 27.5], fillColor=colors.black, strokeWidth=0
                )
            )
    return KeepTogether([drawing, _tracked(_para(escape(caption), _CAPTION), key)])


@dataclass
class _Counters:
    boxes: int = 0
    figures: int = 0
    tables: int = 0
    recs: int = 0


def _recs(block: txt.Recs, chapter: int, count: _Counters, reg: _Registry) -> list[Flowable]:
    out: list[Flowable] = []
    for i, item in enumerate(block.items, start=1):
        count.recs += 1
        rec_id = f"R{chapter}.{count.recs}"
        reg.recs.append((rec_id, chapter, item))
        bullet = f"{i}." if block.numbered else "\u2022"
        para = _tracked(Paragraph(escape(item), _REC, bulletText=bullet), f"rec:{rec_id}")
        # Kept whole so that a recommendation's text never straddles a running footer.
        out.append(KeepTogether([para]))
    return out


def _block(block: txt.Block, chapter: int, count: _Counters, reg: _Registry) -> list[Flowable]:
    if isinstance(block, txt.Para):
        return [_para(block.text)]
    if isinstance(block, txt.Recs):
        return _recs(block, chapter, count, reg)
    if isinstance(block, txt.Box):
        count.boxes += 1
        return [_box(block, count.boxes, chapter, reg)]
    if isinstance(block, txt.Resources):
        return [Paragraph(escape(item), _REC, bulletText="\u2013") for item in block.items]
    if isinstance(block, txt.Footnotes):
        notes = [_para(f"<super>{n}</super> {escape(t)}", _SMALL) for n, t in block.items]
        return [
            HRFlowable(width="30%", thickness=0.4, hAlign="LEFT", spaceBefore=6, spaceAfter=3),
            *notes,
        ]
    if isinstance(block, txt.TableSpec):
        count.tables += 1
        return [_table(block, count.tables, reg)]
    count.figures += 1
    return [_figure(block, count.figures, reg)]


def _chapter(chapter: txt.Chapter, count: _Counters, reg: _Registry) -> list[Flowable]:
    n = chapter.number
    lines = (f"{n}. {chapter.title_lines[0]}", *chapter.title_lines[1:])
    heading = _tracked(
        _ChapterHeading(lines), f"chapter:{n}", (f"{n}. {chapter_title(chapter)}", 0)
    )
    heading.smp_header = _header_text(chapter)
    count.recs = 0
    # Chapter openers start lower on the page, as in most printed reports.
    story: list[Flowable] = [PageBreak(), Spacer(1, 28 * mm), heading]
    for block in chapter.intro:
        story += _block(block, n, count, reg)
    for i, section in enumerate(chapter.sections):
        key = f"section:{n}:{i}"
        reg.sections.append((key, n, section.title))
        outline = [(section.title, 1)]
        if (n, section.title) == txt.GOBACK_AFTER:
            outline.append(("_GoBack", 0))
        if section.two_column:
            story += [NextPageTemplate("twocol"), PageBreak(), NextPageTemplate("page")]
        story.append(_tracked(_para(escape(section.title), _SECTION), key, *outline))
        for block in section.blocks:
            story += _block(block, n, count, reg)
        if section.two_column:
            story.append(PageBreak())
    return story


def _body(reg: _Registry) -> list[Flowable]:
    count = _Counters()
    story: list[Flowable] = []
    for chapter in txt.CHAPTERS:
        story += _chapter(chapter, count, reg)
    back = _tracked(_para(escape(txt.BACK_TITLE), _FRONT), "back", (txt.BACK_TITLE, 0))
    back.smp_header = txt.BACK_HEADER
    story += [PageBreak(), back]
    for block in txt.BACK_BLOCKS:
        story += _block(block, 0, count, reg)
    return story


def _front_heading(name: str) -> Flowable:
    return _tracked(_para(name, _FRONT), f"front:{name}", (name, 0))


def _contents(reg: _Registry, labels: Mapping[str, str]) -> list[Flowable]:
    def entry(lines: Sequence[str], key: str, bold: bool = False, indent: float = 0) -> Flowable:
        return _LeaderEntry(lines, labels.get(key, "00"), bold=bold, indent=indent)

    story = [_front_heading("Contents")]
    story += [entry([name], f"front:{name}") for name in txt.FRONT_PARTS]
    for chapter in txt.CHAPTERS:
        n = chapter.number
        lines = (f"{n}. {chapter.title_lines[0]}", *chapter.title_lines[1:])
        story.append(Spacer(1, 3))
        story.append(entry(lines, f"chapter:{n}", bold=True))
        story += [entry([title], key, indent=14) for key, c, title in reg.sections if c == n]
    story += [Spacer(1, 3), entry([txt.BACK_TITLE], "back", bold=True)]
    return story


def _front(reg: _Registry, labels: Mapping[str, str]) -> list[Flowable]:
    cover = _tracked(_para(escape(txt.PDF_TITLE), _COVER_TITLE), "cover")
    story: list[Flowable] = [Spacer(1, 30 * mm), cover, _para(txt.COVER_MARK, _COVER_MARK)]
    story += [_para(p) for p in txt.COVER_NOTES]
    story += [NextPageTemplate("page"), PageBreak(), *_contents(reg, labels)]
    listed = {
        "List of boxes": [(k, t) for k, _c, t in reg.boxes],
        "List of figures": reg.figures,
        "List of tables": reg.tables,
    }
    for name, items in listed.items():
        story += [PageBreak(), _front_heading(name)]
        story += [_LeaderEntry([t], labels.get(k, "00"), bold=False, indent=0) for k, t in items]
    acronyms = Table([[a, e] for a, e in txt.ACRONYMS], colWidths=[28 * mm, TEXT_W - 28 * mm])
    acronyms.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9.5),
                ("FONT", (1, 0), (1, -1), "Helvetica", 9.5),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    story += [
        PageBreak(),
        _front_heading("Acronyms"),
        acronyms,
        PageBreak(),
        _front_heading("Glossary of terms"),
    ]
    for term, definition in txt.GLOSSARY:
        story += [_para(escape(term), _TERM), _para(escape(definition), _DEFINITION)]
    return story


def _render(outline: bool, labels: Mapping[str, str]) -> tuple[bytes, _SampleDoc, _Registry]:
    reg = _Registry()
    body = _body(reg)
    story = _front(reg, labels) + body
    buffer = io.BytesIO()
    doc = _SampleDoc(buffer, outline=outline)
    doc.build(story)
    return buffer.getvalue(), doc, reg


def _markup() -> list[str]:
    blocks = [
        b for c in txt.CHAPTERS for b in (*c.intro, *(b for s in c.sections for b in s.blocks))
    ]
    paras = [b.text for b in blocks if isinstance(b, txt.Para)]
    return paras + [p for b in blocks if isinstance(b, txt.Box) for p in b.paras]


def _hyphenations() -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for text in _markup():
        for head, tail in _HYPHEN_BREAK.findall(text):
            joined = f"{head}-{tail}"
            compound = joined.lower() in txt.COMPOUNDS
            pairs.append((f"{head}-\n{tail}", joined if compound else head + tail))
    return tuple(pairs)


def _manifest(doc: _SampleDoc, reg: _Registry, n_pages: int) -> SampleManifest:
    def at(key: str) -> tuple[int, str]:
        index = doc.marks[key]
        return index, page_label(index, doc.body_start)

    chapters = tuple(
        SampleChapter(c.number, chapter_title(c), *at(f"chapter:{c.number}")) for c in txt.CHAPTERS
    )
    sections = tuple(SampleSection(c, t, *at(k)) for k, c, t in reg.sections)
    recs = tuple(SampleRecommendation(r, c, t, *at(f"rec:{r}")) for r, c, t in reg.recs)
    boxes = tuple(SampleBox(i, t, c, *at(k)) for i, (k, c, t) in enumerate(reg.boxes, start=1))
    headers = tuple(_header_text(c) for c in txt.CHAPTERS)
    return SampleManifest(
        n_pages=n_pages,
        chapters=chapters,
        sections=sections,
        recommendations=recs,
        boxes=boxes,
        acronyms=txt.ACRONYMS,
        glossary=txt.GLOSSARY,
        hyphenations=_hyphenations(),
        header_footer_strings=(txt.FOOTER_MARKER, *headers, txt.BACK_HEADER),
        back_matter_index=doc.marks["back"],
    )


def build_sample_pdf(out: Path, *, outline: bool = True) -> SampleManifest:
    """Write the sample PDF to ``out`` and return its ground truth.

    Same code, same bytes: ReportLab runs in invariant mode with fixed metadata.
    """
    labels: dict[str, str] = {}
    for _attempt in range(3):
        data, doc, reg = _render(outline, labels)
        new = {k: page_label(i, doc.body_start) for k, i in doc.marks.items()}
        if new == labels:
            break
        labels = new
    else:
        raise RuntimeError("sample PDF page numbers did not settle after three builds")
    if doc.twocol_pages != 1:
        raise RuntimeError(f"expected one two-column page, laid out {doc.twocol_pages}")
    out.write_bytes(data)
    return _manifest(doc, reg, doc.page)
