"""A public-health policy brief set in two columns: sections open in the flow, a framed and
shaded box, a call-out quote, a bar chart drawn with shapes, recommendations as a numbered
list, /PageLabels with a prefix the page does not print, and a /Title cut at an apostrophe."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.colors import Color, black, white
from reportlab.pdfgen.canvas import Canvas

from ._build import Spec
from ._kit import Layout, Look, PageInfo
from ._render import Options

TITLE = (
    "Protecting the Region's Older People from Extreme Heat: "
    "A Policy Brief for Health and Social Care"
)

LOOK = Look(
    body="Times-Roman",
    bold="Times-Bold",
    italic="Times-Italic",
    heading="Helvetica-Bold",
    size=11.5,
    leading=15.5,
    heading_sizes=(15, 11.5, 10.5),
    columns=2,
    gutter=24,
    margins=(54, 54, 90, 72),
    page=(612, 792),
    accent=Color(0.65, 0.1, 0.15),
    shade=Color(0.98, 0.9, 0.88),
    para_gap=6,
    first_indent=0,
)


def furniture(c: Canvas, page: PageInfo, look: Look) -> None:
    if page.kind == "cover":
        return
    width, height = look.page
    c.setFillColor(look.accent)
    c.rect(0, height - 40, width, 14, fill=1, stroke=0)
    c.setFillColor(white)
    c.setFont("Helvetica-Bold", 8)
    c.drawString(look.margins[0], height - 36, "POLICY BRIEF 12  |  HEAT AND HEALTH")
    c.setFillColor(black)
    if page.folio is not None:
        c.setFont("Helvetica", 9)
        c.drawRightString(width - look.margins[1], 36, page.folio)
        c.setFont("Helvetica", 7)
        c.drawString(look.margins[0], 36, "Regional Public Health Observatory, 2024")


def cover(lay: Layout) -> None:
    c, look = lay.c, lay.look
    width, height = look.page
    c.setFillColor(look.accent)
    c.rect(0, height - 330, width, 330, fill=1, stroke=0)
    c.setFillColor(white)
    c.setFont("Helvetica", 12)
    c.drawString(54, height - 70, "POLICY BRIEF 12")
    y = height - 140
    for line in lay.wrap(TITLE.split(": ")[0], "Helvetica-Bold", 26, width - 108):
        c.setFont("Helvetica-Bold", 26)
        c.drawString(54, y, line)
        y -= 32
    c.setFont("Helvetica", 14)
    c.drawString(54, y - 8, TITLE.split(": ")[1])
    c.setFillColor(black)
    c.setFont("Times-Roman", 11)
    c.drawString(54, 120, "Regional Public Health Observatory")
    c.drawString(54, 104, "June 2024")


def opener(lay: Layout, _number: int, printed: str, title: str, mark: Callable[[], None]) -> int:
    """Numbered sections open in the running columns, after a short rule."""
    if lay.kind != "body":
        lay.start_page("body")
    lay.ensure(80)
    mark()
    lay.y -= 10
    lay.c.setStrokeColor(lay.look.accent)
    lay.c.setLineWidth(2)
    lay.c.line(lay.x, lay.y, lay.x + 40, lay.y)
    lay.c.setStrokeColor(black)
    lay.heading(f"{printed}  {title}", 1)
    return lay.index


SPEC = Spec(
    stem="heat_health_policy_brief",
    title=TITLE,
    author="Regional Public Health Observatory",
    year="2024",
    meta_title="Protecting the Region",
    creator="QuarkXPress(R) 16.2",
    look=LOOK,
    furniture=furniture,
    cover=cover,
    options=Options(
        opener=opener,
        contents_line=lambda _n, printed, title: f"{printed}  {title}",
        outline=False,
        drop_caps=False,
        toc_depth=0,
        leader_dots=True,
        seed=4112,
    ),
    markup="heatwave.txt",
    cover_counts=True,
    label_prefix="HB1:",
)
