"""A vocational-training guideline divided into Parts 1-4 with no chapters inside, a graded
recommendations table, a table that runs on under 'Table 3 (continued)', a letter-spaced
heading, endnotes, an outline, and a /Title that is only the publisher's boilerplate."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.colors import Color, black, white
from reportlab.pdfgen.canvas import Canvas

from ._build import Spec
from ._kit import Layout, Look, PageInfo
from ._render import Options

TITLE = "Guideline on Work-Based Learning in Technical and Vocational Education and Training"
ORG = "Skills Development Authority"

LOOK = Look(
    body="Helvetica",
    bold="Helvetica-Bold",
    italic="Helvetica-Oblique",
    heading="Helvetica-Bold",
    size=10,
    leading=14,
    heading_sizes=(17, 12.5, 10.5),
    margins=(64, 64, 86, 74),
    accent=Color(0.78, 0.36, 0.05),
    shade=Color(0.99, 0.93, 0.86),
    para_gap=8,
)


def furniture(c: Canvas, page: PageInfo, look: Look) -> None:
    if page.folio is None:
        return
    width, height = look.page
    c.setFillColor(look.accent)
    c.rect(
        look.margins[0], height - 52, width - look.margins[0] - look.margins[1], 2, fill=1, stroke=0
    )
    c.setFont("Helvetica", 8)
    c.setFillColor(black)
    c.drawString(look.margins[0], height - 46, "Work-based learning guideline")
    c.drawRightString(width - look.margins[1], height - 46, page.running[:60])
    c.setFont("Helvetica-Bold", 9)
    c.drawCentredString(width / 2, 38, page.folio)


def cover(lay: Layout) -> None:
    c, look = lay.c, lay.look
    width, height = look.page
    c.setFillColor(look.accent)
    c.rect(0, 0, 150, height, fill=1, stroke=0)
    c.setFillColor(white)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(26, height - 80, ORG.upper()[:16])
    c.drawString(26, height - 96, ORG.upper()[17:])
    c.setFillColor(black)
    y = height - 300
    for line in lay.wrap(TITLE, "Helvetica-Bold", 24, width - 220):
        c.setFont("Helvetica-Bold", 24)
        c.drawString(180, y, line)
        y -= 30
    c.setFont("Helvetica", 12)
    c.drawString(180, y - 24, "For training providers, employers and labour inspectors")
    c.drawString(180, 120, "Second edition, 2024")


def opener(lay: Layout, _number: int, printed: str, title: str, mark: Callable[[], None]) -> int:
    """A coloured band with 'PART n' and the part's title at the top of a new page."""
    lay.start_page("body")
    mark()
    c, look = lay.c, lay.look
    band = 96.0
    c.setFillColor(look.accent)
    c.rect(lay.x, lay.y - band, lay.width, band, fill=1, stroke=0)
    c.setFillColor(white)
    c.setFont("Helvetica", 13)
    c.drawString(lay.x + 16, lay.y - 30, f"PART {printed}")
    y = lay.y - 58
    for line in lay.wrap(title, "Helvetica-Bold", 18, lay.width - 32):
        c.setFont("Helvetica-Bold", 18)
        c.drawString(lay.x + 16, y, line)
        y -= 22
    c.setFillColor(black)
    lay.y -= band + 18
    return lay.index


SPEC = Spec(
    stem="work_based_learning_guideline",
    title=TITLE,
    author=ORG,
    year="2024",
    meta_title=f"{ORG} Document",
    creator="Microsoft Word for Microsoft 365",
    look=LOOK,
    furniture=furniture,
    cover=cover,
    options=Options(
        opener=opener,
        contents_line=lambda _n, printed, title: f"Part {printed}: {title}",
        outline=True,
        drop_caps=False,
        toc_depth=1,
        leader_dots=True,
        seed=4410,
    ),
    markup="training.txt",
    cover_counts=False,
)
