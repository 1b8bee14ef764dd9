"""Two-column pages are read column by column: body sentences stay whole and verbatim,
chart labels stay out of the prose, a figure caption and its source are read on their
own, and a framed side box becomes a box chunk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from assistant import Settings
from ingest import ingest_pdf
from ingest._records import IngestResult

WIDTH, HEIGHT = A4
LEFT, RIGHT = 56.0, 306.0
"""Left edges of the two columns; each column is 230 points wide."""
BODY = 10.0
LEADING = 13.0

_SENTENCES = [
    "Policy makers in coastal towns rely on careful planning to keep harbours open all year.",
    "The ministry reviewed every port budget and found that maintenance was often delayed.",
    "Local councils asked for clearer rules on who pays when storms damage the sea walls.",
    "A national fund was created so that small towns could apply for repair grants quickly.",
    "Fishing families reported that the new grants reached them faster than older schemes.",
    "Inspectors now visit each harbour twice a year and publish short public reports online.",
    "Training for harbour staff covers safety drills, record keeping and basic engineering.",
    "Several towns shared equipment to lower costs and to respond to storms more quickly.",
]
_LEFT_TEXT = " ".join(_SENTENCES[:4])
_RIGHT_TEXT = " ".join(_SENTENCES[4:])
_NEXT_STEPS = (
    "The fund will publish a review of all grants next year. Councils are invited to send "
    "their comments on the price list before the end of the spring."
)
_LABELS = ["2019", "2020", "2021", "2022", "North", "South", "12.5", "48.0", "7.25", "31.0"]
_CAPTION = "Figure 3 Repair grants paid by region, 2019-2022"
_SOURCE = "Source: National harbour fund annual accounts."
_BOX_TITLE = "Box 1: How a grant is paid"
_BOX_TEXT = (
    "A council sends its repair plan to the fund, which checks the costs against a price "
    "list. The fund then pays half of the grant at once and the rest when the work is done."
)


def _wrapped(text: str, width: float, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if stringWidth(trial, "Helvetica", size) > width and current:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current]


def _column(pdf: canvas.Canvas, text: str, x: float, top: float, width: float) -> float:
    pdf.setFont("Helvetica", BODY)
    y = top
    for line in _wrapped(text, width, BODY):
        pdf.drawString(x, y, line)
        y -= LEADING
    return y


def _build(path: Path) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle("Harbour repair grants")
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawString(LEFT, HEIGHT / 2, "Harbour repair grants")
    pdf.showPage()
    pdf.bookmarkPage("chapter-1")
    pdf.addOutlineEntry("1. Grants across the coastal regions", "chapter-1", level=0)
    # A full-width title over both columns.
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(LEFT, HEIGHT - 80, "1. Grants across the coastal regions")
    # The right column is drawn first: drawing order is not reading order.
    _column(pdf, _RIGHT_TEXT, RIGHT, HEIGHT - 130, 230)
    # A framed side box at the foot of the right column.
    pdf.rect(RIGHT - 6, 120, 242, 150)
    pdf.setFont("Helvetica-Bold", BODY)
    pdf.drawString(RIGHT, 250, _BOX_TITLE)
    pdf.setFont("Helvetica", BODY)
    y = 234.0
    for line in _wrapped(_BOX_TEXT, 225, BODY):
        pdf.drawString(RIGHT, y, line)
        y -= LEADING
    # A chart in the left column, under its caption, with its source below; its labels
    # are scattered over the plot in small type.
    pdf.setFont("Helvetica", 9)
    pdf.drawString(LEFT, HEIGHT - 130, _CAPTION)
    pdf.setFont("Helvetica", 7)
    for k, label in enumerate(_LABELS):
        pdf.drawString(LEFT + 20 + (k % 5) * 40, HEIGHT - 160 - (k // 5) * 45 - (k % 3) * 9, label)
    pdf.drawString(LEFT, HEIGHT - 270, _SOURCE)
    _column(pdf, _LEFT_TEXT, LEFT, HEIGHT - 310, 230)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(WIDTH / 2 - 5, 30, "2")
    pdf.showPage()
    pdf.bookmarkPage("chapter-2")
    pdf.addOutlineEntry("2. Next steps", "chapter-2", level=0)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(LEFT, HEIGHT - 80, "2. Next steps")
    _column(pdf, _NEXT_STEPS, LEFT, HEIGHT - 130, 480)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(WIDTH / 2 - 5, 30, "3")
    pdf.showPage()
    pdf.save()


@pytest.fixture(scope="module")
def two_columns(tmp_path_factory: pytest.TempPathFactory) -> IngestResult:
    path = tmp_path_factory.mktemp("columns") / "two-columns.pdf"
    _build(path)
    return ingest_pdf(path, settings=Settings())


def test_every_sentence_is_verbatim(two_columns: IngestResult) -> None:
    assert two_columns.text_check.ratio == 1.0, two_columns.text_check.off_page


def test_columns_are_read_left_first_and_whole(two_columns: IngestResult) -> None:
    narrative = " ".join(c.text for c in two_columns.chunks if c.kind == "narrative")
    positions = [narrative.find(s) for s in _SENTENCES]
    assert all(p >= 0 for p in positions), narrative
    assert positions == sorted(positions)


def test_side_box_is_a_box_chunk(two_columns: IngestResult) -> None:
    boxes = [c for c in two_columns.chunks if c.kind == "box"]
    assert len(boxes) == 1
    assert "the rest when the work is done" in boxes[0].text
    assert not any(s in boxes[0].text for s in _SENTENCES)


def test_chart_labels_are_in_no_narrative_chunk(two_columns: IngestResult) -> None:
    for chunk in two_columns.chunks:
        if chunk.kind != "narrative" or chunk.text.startswith(("Figure", "Source")):
            continue
        words = set(chunk.text.replace(",", " ").split())
        assert not words & set(_LABELS), chunk.text


def test_caption_and_source_are_apart_from_paragraphs(two_columns: IngestResult) -> None:
    holding = [c.text for c in two_columns.chunks if "Repair grants paid" in c.text]
    assert holding and all(not any(s in text for s in _SENTENCES) for text in holding)
    sources = [c.text for c in two_columns.chunks if "annual accounts" in c.text]
    assert sources and all(not any(s in text for s in _SENTENCES) for text in sources)


def test_unodc_two_column_report_reads_verbatim(
    real_ingested: Callable[[str], IngestResult],
) -> None:
    assert real_ingested("unodc_glotip_2024_ch2.pdf").text_check.ratio >= 0.96
