"""Page geometry and paragraph styles of the sample (A5, one face, report-like spacing)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

PAGE_W, PAGE_H = A5
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 22 * mm
TEXT_W = PAGE_W - 2 * MARGIN_X
# Real reports set headings in a condensed face; horizontal scaling stands in for one so that
# chapter 9's first heading line fits the A5 measure at a clearly larger size than sections.
HEADING_SIZE = 16.0
HEADING_SCALE = 0.66
LABEL_W = 26.0

BODY = ParagraphStyle(
    "body", fontName="Helvetica", fontSize=10, leading=15.5, alignment=TA_JUSTIFY, spaceAfter=8
)
SECTION = ParagraphStyle(
    "section",
    fontName="Helvetica-Bold",
    fontSize=12,
    leading=15,
    spaceBefore=10,
    spaceAfter=6,
    keepWithNext=1,
)
FRONT = ParagraphStyle("front", fontName="Helvetica-Bold", fontSize=16, leading=20, spaceAfter=12)
REC = ParagraphStyle("rec", parent=BODY, leftIndent=16, bulletIndent=2, bulletFontName="Helvetica")
SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=7.5, leading=9.5, spaceAfter=2)
BOX_TITLE = ParagraphStyle(
    "boxtitle", fontName="Helvetica-Bold", fontSize=9.5, leading=12, spaceAfter=4
)
BOX_BODY = ParagraphStyle("boxbody", parent=BODY, fontSize=9, leading=12, spaceAfter=3)
CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=8.5, leading=10.5)
CELL_HEAD = ParagraphStyle("cellhead", parent=CELL, fontName="Helvetica-Bold")
CAPTION = ParagraphStyle(
    "caption", fontName="Helvetica-Bold", fontSize=9, leading=12, spaceBefore=4, spaceAfter=6
)
TERM = ParagraphStyle("term", fontName="Helvetica-Bold", fontSize=10, leading=13, keepWithNext=1)
DEFINITION = ParagraphStyle("definition", parent=BODY, leftIndent=12, spaceAfter=7)
COVER_TITLE = ParagraphStyle(
    "covertitle", fontName="Helvetica-Bold", fontSize=20, leading=25, spaceAfter=18
)
COVER_MARK = ParagraphStyle(
    "covermark",
    fontName="Helvetica-Bold",
    fontSize=13,
    leading=17,
    textColor=colors.HexColor("#A00000"),
    spaceAfter=14,
)
