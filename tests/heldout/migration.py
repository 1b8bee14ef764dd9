"""A labour-migration programme evaluation in an intergovernmental house style: roman front
matter (mirrored in /PageLabels), chapters numbered 'Chapter I, II, ...', a job number in the
running footer that swaps sides with the page number, footnotes, no outline, and a /Title
that is the layout file's name."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.colors import Color, black
from reportlab.pdfgen.canvas import Canvas

from ._build import Spec
from ._kit import Layout, Look, PageInfo
from ._render import Options

TITLE = (
    "Independent Evaluation of the Fair Recruitment and Safe Labour Migration Programme, 2019-2023"
)
JOB = "24-07315"

LOOK = Look(
    body="Times-Roman",
    bold="Times-Bold",
    italic="Times-Italic",
    heading="Times-Bold",
    size=11,
    leading=14.5,
    heading_sizes=(16, 12, 11),
    margins=(86, 86, 80, 78),
    page=(612, 792),
    accent=Color(0, 0, 0),
    shade=Color(0.92, 0.92, 0.92),
    para_gap=7,
)


def furniture(c: Canvas, page: PageInfo, look: Look) -> None:
    if page.kind == "cover":
        return
    left, right = look.margins[0], look.page[0] - look.margins[1]
    c.setFont("Times-Roman", 9)
    c.setLineWidth(0.4)
    c.line(left, look.page[1] - 58, right, look.page[1] - 58)
    c.drawString(
        left if page.index % 2 == 0 else right - 200,
        look.page[1] - 54,
        "Fair Recruitment Programme evaluation",
    )
    if page.folio is None:
        return
    # Even pages: number then job number; odd pages: job number then number.
    c.setFont("Times-Bold", 9)
    if page.index % 2 == 0:
        c.drawString(left, 44, page.folio)
        c.setFont("Times-Roman", 8)
        c.drawRightString(right, 44, JOB)
    else:
        c.setFont("Times-Roman", 8)
        c.drawString(left, 44, JOB)
        c.setFont("Times-Bold", 9)
        c.drawRightString(right, 44, page.folio)


def cover(lay: Layout) -> None:
    c, look = lay.c, lay.look
    width, height = look.page
    c.setFont("Times-Roman", 10)
    c.drawString(86, height - 90, "Evaluation Office")
    c.drawRightString(width - 86, height - 90, f"EVAL/2024/3  -  {JOB}")
    c.setLineWidth(1.5)
    c.line(86, height - 100, width - 86, height - 100)
    y = height - 240
    for line in lay.wrap(TITLE, "Times-Bold", 22, width - 172):
        c.setFont("Times-Bold", 22)
        c.drawString(86, y, line)
        y -= 28
    c.setFont("Times-Italic", 12)
    c.drawString(86, y - 20, "Final report")
    c.setFont("Times-Roman", 11)
    c.drawString(86, 170, "Evaluation Office, International Labour Mobility Partnership")
    c.drawString(86, 154, "Geneva, March 2024")
    c.setFillColor(black)


def opener(lay: Layout, _number: int, printed: str, title: str, mark: Callable[[], None]) -> int:
    """'Chapter II' over the title, at the top of a fresh page."""
    lay.start_page("body")
    mark()
    lay.c.setFont("Times-Roman", 12)
    lay.y -= 14
    lay.c.drawCentredString(lay.look.page[0] / 2, lay.y, f"Chapter {printed}")
    lay.y -= 8
    for line in lay.wrap(title, "Times-Bold", 15, lay.width - 40):
        lay.y -= 19
        lay.c.setFont("Times-Bold", 15)
        lay.c.drawCentredString(lay.look.page[0] / 2, lay.y, line)
    lay.y -= 16
    return lay.index


SPEC = Spec(
    stem="fair_recruitment_evaluation",
    title=TITLE,
    author="Evaluation Office, International Labour Mobility Partnership",
    year="2024",
    meta_title="report_v7_final.indd",
    creator="Adobe InDesign CC 2017 (Macintosh)",
    look=LOOK,
    furniture=furniture,
    cover=cover,
    options=Options(
        opener=opener,
        contents_line=lambda _n, printed, title: f"Chapter {printed}. {title}",
        outline=False,
        drop_caps=False,
        toc_depth=1,
        leader_dots=True,
        seed=1907,
    ),
    markup="migration.txt",
    cover_counts=False,
    label_prefix="",
)
