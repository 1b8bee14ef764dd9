"""The sample's story: front matter, chapters and back matter as ReportLab flowables.

Building the body fills a ``Registry`` with what it contains in reading order, so that the
front lists and the manifest name the same sections, recommendations, boxes, figures and tables.
Front lists print the page labels learnt from the previous build (``"00"`` on the first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ingest.sample import _styles as st
from ingest.sample._flowables import ChapterHeading, LeaderEntry, tracked
from ingest.sample._model import (
    Block,
    Box,
    Chapter,
    FigureSpec,
    Footnotes,
    Para,
    Recs,
    Resources,
    SampleText,
    TableSpec,
)

_BLUE = colors.HexColor("#4A6A8A")
_PALE = colors.HexColor("#E8EEF4")


@dataclass
class Registry:
    """What the body story contains, in reading order, so front lists and the manifest agree."""

    sections: list[tuple[str, int, str]] = field(default_factory=list)
    recs: list[tuple[str, int, str]] = field(default_factory=list)
    boxes: list[tuple[str, int, str]] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Counters:
    boxes: int = 0
    figures: int = 0
    tables: int = 0
    recs: int = 0


def header_text(chapter: Chapter) -> str:
    """The running header printed on a chapter's pages after its first."""
    return f"Chapter {chapter.number} | {chapter.title()}"


def _heading_lines(chapter: Chapter) -> tuple[str, ...]:
    return (f"{chapter.number}. {chapter.title_lines[0]}", *chapter.title_lines[1:])


def _para(text: str, style: ParagraphStyle = st.BODY) -> Paragraph:
    return Paragraph(text, style)


def _box(box: Box, number: int, chapter: int, reg: Registry) -> Flowable:
    title = f"Box {number}: {box.country}: {box.title}"
    key = f"box:{number}"
    reg.boxes.append((key, chapter, title))
    cell = [_para(escape(title), st.BOX_TITLE), *(_para(p, st.BOX_BODY) for p in box.paras)]
    table = Table([[cell]], colWidths=[st.TEXT_W])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, _BLUE),
                ("BACKGROUND", (0, 0), (-1, -1), _PALE),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    table.spaceBefore, table.spaceAfter = 6, 8
    return tracked(table, key)


def _table(spec: TableSpec, number: int, reg: Registry) -> Flowable:
    caption = f"Table {number}: {spec.title}"
    key = f"table:{number}"
    reg.tables.append((key, caption))
    rows = [[_para(escape(c), st.CELL_HEAD) for c in spec.header]]
    rows += [[_para(escape(c), st.CELL) for c in row] for row in spec.rows]
    table = Table(rows, colWidths=[st.TEXT_W * f for f in spec.widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D5DEE8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    caption_para = tracked(_para(escape(caption), st.CAPTION), key)
    return KeepTogether([caption_para, table, Spacer(1, 8)])


def _figure(spec: FigureSpec, number: int, reg: Registry) -> Flowable:
    caption = f"Figure {number}: {spec.title}"
    key = f"figure:{number}"
    reg.figures.append((key, caption))
    n = len(spec.steps)
    gap = 12.0
    box_w = (st.TEXT_W - gap * (n - 1)) / n
    drawing = Drawing(st.TEXT_W, 60)
    for i, step in enumerate(spec.steps):
        x = i * (box_w + gap)
        drawing.add(Rect(x, 10, box_w, 40, rx=4, ry=4, fillColor=_PALE, strokeColor=_BLUE))
        for j, line in enumerate(step.split("\n")):
            centre, baseline = x + box_w / 2, 33 - 9 * j
            drawing.add(
                String(
                    centre, baseline, line, fontName="Helvetica", fontSize=6.5, textAnchor="middle"
                )
            )
        if i < n - 1:
            tip = x + box_w + gap - 1
            drawing.add(Line(x + box_w + 1, 30, tip - 3, 30, strokeWidth=0.8))
            arrow = [tip, 30, tip - 4, 32.5, tip - 4, 27.5]
            drawing.add(Polygon(arrow, fillColor=colors.black, strokeWidth=0))
    return KeepTogether([drawing, tracked(_para(escape(caption), st.CAPTION), key)])


def _recs(block: Recs, chapter: int, count: _Counters, reg: Registry) -> list[Flowable]:
    out: list[Flowable] = []
    for i, item in enumerate(block.items, start=1):
        count.recs += 1
        rec_id = f"R{chapter}.{count.recs}"
        reg.recs.append((rec_id, chapter, item))
        bullet = f"{i}." if block.numbered else "\u2022"
        para = tracked(Paragraph(escape(item), st.REC, bulletText=bullet), f"rec:{rec_id}")
        # Kept whole so that a recommendation's text never straddles a running footer.
        out.append(KeepTogether([para]))
    return out


def _block(block: Block, chapter: int, count: _Counters, reg: Registry) -> list[Flowable]:
    if isinstance(block, Para):
        return [_para(block.text)]
    if isinstance(block, Recs):
        return _recs(block, chapter, count, reg)
    if isinstance(block, Box):
        count.boxes += 1
        return [_box(block, count.boxes, chapter, reg)]
    if isinstance(block, Resources):
        return [Paragraph(escape(item), st.REC, bulletText="\u2013") for item in block.items]
    if isinstance(block, Footnotes):
        notes = [_para(f"<super>{n}</super> {escape(t)}", st.SMALL) for n, t in block.items]
        return [
            HRFlowable(width="30%", thickness=0.4, hAlign="LEFT", spaceBefore=6, spaceAfter=3),
            *notes,
        ]
    if isinstance(block, TableSpec):
        count.tables += 1
        return [_table(block, count.tables, reg)]
    count.figures += 1
    return [_figure(block, count.figures, reg)]


def _chapter(
    chapter: Chapter, goback_after: tuple[int, str], count: _Counters, reg: Registry
) -> list[Flowable]:
    n = chapter.number
    heading = tracked(
        ChapterHeading(_heading_lines(chapter)), f"chapter:{n}", (f"{n}. {chapter.title()}", 0)
    )
    heading.smp_header = header_text(chapter)
    count.recs = 0
    # Chapter openers start lower on the page, as in most printed reports.
    story: list[Flowable] = [PageBreak(), Spacer(1, 28 * mm), heading]
    for block in chapter.intro:
        story += _block(block, n, count, reg)
    for i, section in enumerate(chapter.sections):
        key = f"section:{n}:{i}"
        reg.sections.append((key, n, section.title))
        outline = [(section.title, 1)]
        if (n, section.title) == goback_after:
            outline.append(("_GoBack", 0))
        if section.two_column:
            story += [NextPageTemplate("twocol"), PageBreak(), NextPageTemplate("page")]
        story.append(tracked(_para(escape(section.title), st.SECTION), key, *outline))
        for block in section.blocks:
            story += _block(block, n, count, reg)
        if section.two_column:
            story.append(PageBreak())
    return story


def body_story(text: SampleText, reg: Registry) -> list[Flowable]:
    """The chapters and the back matter, registering what they contain in ``reg``."""
    count = _Counters()
    story: list[Flowable] = []
    for chapter in text.chapters:
        story += _chapter(chapter, text.goback_after, count, reg)
    back_title = text.back_title
    back = tracked(_para(escape(back_title), st.FRONT), "back", (back_title, 0))
    back.smp_header = text.back_header
    story += [PageBreak(), back]
    for block in text.back_blocks:
        story += _block(block, 0, count, reg)
    return story


def _front_heading(name: str) -> Flowable:
    return tracked(_para(name, st.FRONT), f"front:{name}", (name, 0))


def _contents(text: SampleText, reg: Registry, labels: Mapping[str, str]) -> list[Flowable]:
    def entry(lines: Sequence[str], key: str, bold: bool = False, indent: float = 0) -> Flowable:
        return LeaderEntry(lines, labels.get(key, "00"), bold=bold, indent=indent)

    story = [_front_heading("Contents")]
    story += [entry([name], f"front:{name}") for name in text.front_parts]
    for chapter in text.chapters:
        n = chapter.number
        story.append(Spacer(1, 3))
        story.append(entry(_heading_lines(chapter), f"chapter:{n}", bold=True))
        story += [entry([title], key, indent=14) for key, c, title in reg.sections if c == n]
    story += [Spacer(1, 3), entry([text.back_title], "back", bold=True)]
    return story


def _acronyms(text: SampleText) -> Table:
    table = Table([[a, e] for a, e in text.acronyms], colWidths=[28 * mm, st.TEXT_W - 28 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9.5),
                ("FONT", (1, 0), (1, -1), "Helvetica", 9.5),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def front_story(text: SampleText, reg: Registry, labels: Mapping[str, str]) -> list[Flowable]:
    """Cover, contents, lists, acronyms and glossary; ``reg`` must already hold the body."""
    cover = tracked(_para(escape(text.pdf_title), st.COVER_TITLE), "cover")
    story: list[Flowable] = [Spacer(1, 30 * mm), cover, _para(text.cover_mark, st.COVER_MARK)]
    story += [_para(p) for p in text.cover_notes]
    story += [NextPageTemplate("page"), PageBreak(), *_contents(text, reg, labels)]
    listed = {
        "List of boxes": [(k, t) for k, _c, t in reg.boxes],
        "List of figures": reg.figures,
        "List of tables": reg.tables,
    }
    for name, items in listed.items():
        story += [PageBreak(), _front_heading(name)]
        story += [LeaderEntry([t], labels.get(k, "00"), bold=False, indent=0) for k, t in items]
    story += [
        PageBreak(),
        _front_heading("Acronyms"),
        _acronyms(text),
        PageBreak(),
        _front_heading("Glossary of terms"),
    ]
    for term, definition in text.glossary:
        story += [_para(escape(term), st.TERM), _para(escape(definition), st.DEFINITION)]
    return story
