"""A climate-adaptation strategy: chapters open on divider pages, drop caps, an outline,
a correct /Title, and a footer whose page number is glued to a short title."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.colors import Color, black, white
from reportlab.pdfgen.canvas import Canvas

from ._build import Spec
from ._kit import Layout, Look, PageInfo, measure, one_text_object
from ._render import Options

TITLE = "Coastal Resilience 2030: A Strategy for Adapting Shorelines, Settlements and Livelihoods"
SHORT = "Coastal Resilience Strategy"

LOOK = Look(
    body="Vera",
    bold="Vera-Bold",
    italic="Vera-Italic",
    heading="Vera-Bold",
    size=9.5,
    leading=13,
    heading_sizes=(18, 12.5, 10.5),
    margins=(70, 62, 78, 80),
    accent=Color(0.05, 0.42, 0.38),
    shade=Color(0.88, 0.95, 0.93),
    para_gap=6,
)


def furniture(c: Canvas, page: PageInfo, look: Look) -> None:
    if page.folio is None:
        return
    width = look.page[0]
    c.setFillColor(look.accent)
    c.rect(0, 40, width, 1.2, fill=1, stroke=0)
    c.setFont("Vera", 7.5)
    c.setFillColor(black)
    # The page number is set hard against the short title: extraction glues them together.
    if page.index % 2:
        one_text_object(c, look.margins[0], 26, [(0, "Vera", 7.5, SHORT + page.folio)])
    else:
        start = width - look.margins[1] - measure(page.folio + SHORT, "Vera", 7.5)
        one_text_object(c, start, 26, [(0, "Vera", 7.5, page.folio + SHORT)])


def cover(lay: Layout) -> None:
    c, look = lay.c, lay.look
    width, height = look.page
    c.setFillColor(look.accent)
    c.rect(0, height * 0.45, width, height * 0.55, fill=1, stroke=0)
    c.setFillColor(white)
    c.setFont("Vera-Bold", 26)
    y = height - 180
    for line in lay.wrap(TITLE.split(":")[0] + ":", "Vera-Bold", 26, width - 140):
        c.drawString(70, y, line)
        y -= 32
    c.setFont("Vera", 15)
    for line in lay.wrap(TITLE.split(": ")[1], "Vera", 15, width - 140):
        c.drawString(70, y, line)
        y -= 20
    c.setFillColor(black)
    c.setFont("Vera", 11)
    c.drawString(70, 200, "Ministry of Environment and Coastal Affairs")
    c.drawString(70, 184, "National Adaptation Secretariat")
    c.drawString(70, 168, "2024")


def opener(lay: Layout, _number: int, printed: str, title: str, mark: Callable[[], None]) -> int:
    """A divider page carrying only the title and 'CHAPTER n'; the text starts overleaf."""
    lay.start_page("divider")
    mark()
    c, look = lay.c, lay.look
    width, height = look.page
    c.setFillColor(look.shade)
    c.rect(0, 0, width, height, fill=1, stroke=0)
    c.setFillColor(look.accent)
    y = height * 0.58
    for line in lay.wrap(title.upper(), "Vera-Bold", 24, width - 160):
        c.setFont("Vera-Bold", 24)
        c.drawCentredString(width / 2, y, line)
        y -= 30
    c.setFont("Vera", 13)
    c.drawCentredString(width / 2, y - 12, f"CHAPTER {printed}")
    c.setFillColor(black)
    opened = lay.index
    lay.start_page("body")
    return opened


SPEC = Spec(
    stem="coastal_resilience_strategy",
    title=TITLE,
    author="Ministry of Environment and Coastal Affairs",
    year="2024",
    meta_title=TITLE,
    creator="Adobe InDesign 19.0 (Windows)",
    look=LOOK,
    furniture=furniture,
    cover=cover,
    options=Options(
        opener=opener,
        contents_line=lambda _n, printed, title: f"CHAPTER {printed}. {title.upper()}",
        outline=True,
        drop_caps=True,
        toc_depth=0,
        leader_dots=False,
        seed=2030,
    ),
    markup="coastal.txt",
)
