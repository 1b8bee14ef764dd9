"""Tables drawn cell by cell: each cell its own text operation, a wrapped cell line after
line before the next cell starts back up on the row's baseline, row after row."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assistant import Settings
from ingest import ingest_pdf
from ingest._records import Chunk

PROSE = "Labour migration programmes depend on a steady flow of information between partners"
RECS = [
    (
        "Offer pre-departure training to all", "workers before they travel abroad.",
        "Strong", "Moderate",
    ),
    ("Publish recruitment fees charged by", "licensed agencies every year.", "Strong", "High"),
    ("Let workers change employer without", "losing their residence permit.", "Conditional", "Low"),
    ("Fund legal aid for migrants who file", "complaints against employers.", "Strong", "Moderate"),
    ("Share wage records between the", "origin and destination ministries.", "Conditional", "Low"),
    ("Review bilateral agreements with", "workers' unions every five years.", "Strong", "High"),
]  # fmt: skip
DATA = [
    ("Region", "", "Trainees", "Placed"),
    ("Northern coast", "", "1,240", "761"),
    ("Central plateau", "and its foothills", "860", "412"),
    ("Southern valleys", "", "1,015", "578"),
    ("Eastern islands", "", "344", "190"),
    ("Western hills", "", "702", "355"),
]


def _paragraph(canvas: Canvas, y: float, lines: int) -> float:
    canvas.setFont("Helvetica", 10)
    for k in range(lines):
        canvas.drawString(72, y, f"{PROSE} and line {k} of this paragraph says so.")
        y -= 14
    return y - 14


def _cell_drawn_tables(path: Path) -> None:
    """A captioned recommendation table with a bold header and a wrapped first cell in
    every row, then an uncaptioned data table: each cell drawn on its own, no rules."""
    canvas = Canvas(str(path), pagesize=A4)
    y = _paragraph(canvas, 780, 5)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(72, y, "Table 1. Recommendations on the fair recruitment of workers")
    y -= 18
    canvas.setFont("Helvetica-Bold", 9)
    for x, cell in zip(
        (72, 300, 400), ("Recommendation", "Strength", "Quality of evidence"), strict=True
    ):
        canvas.drawString(x, y, cell)
    y -= 14
    canvas.setFont("Helvetica", 9)
    for first, wrapped, strength, quality in RECS:
        canvas.drawString(72, y, first)
        canvas.drawString(72, y - 11, wrapped)
        canvas.drawString(300, y, strength)
        canvas.drawString(400, y, quality)
        y -= 28
    y = _paragraph(canvas, y - 10, 4)
    for r, (first, wrapped, *rest) in enumerate(DATA):
        canvas.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 9)
        canvas.drawString(72, y, first)
        if wrapped:
            canvas.drawString(72, y - 11, wrapped)
        for x, cell in zip((260, 400), rest, strict=True):
            canvas.drawString(x, y, cell)
        y -= 26 if wrapped else 15
    _paragraph(canvas, y - 14, 4)
    canvas.showPage()
    canvas.save()


def _ingest(path: Path) -> tuple[Chunk, ...]:
    return ingest_pdf(path, settings=Settings()).chunks


def _prose(chunks: Sequence[Chunk]) -> str:
    return " ".join(c.text for c in chunks if c.kind not in ("table", "recommendation"))


def test_recommendation_table_drawn_cell_by_cell_gives_one_unit_per_row(tmp_path: Path) -> None:
    path = tmp_path / "cells.pdf"
    _cell_drawn_tables(path)
    chunks = _ingest(path)
    recs = [c.text for c in chunks if c.kind == "recommendation"]
    expected = [f"{a} {b} | {s} | {q}" for a, b, s, q in RECS]
    assert recs == expected, f"one recommendation per row, wrapped cell re-joined: {recs}"
    assert "Conditional" not in _prose(chunks), "a table cell was stored as prose"


def test_data_table_drawn_cell_by_cell_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "cells.pdf"
    _cell_drawn_tables(path)
    chunks = _ingest(path)
    tables = [c.text.split("\n") for c in chunks if c.kind == "table"]
    rows = [" | ".join([f"{a} {b}".strip(), *rest]) for a, b, *rest in DATA]
    assert rows in tables, f"the data table's rows, each whole: {tables}"
    prose = _prose(chunks)
    assert "1,015" not in prose and "foothills" not in prose, "a table cell was stored as prose"


def test_two_prose_columns_on_shared_baselines_stay_prose(tmp_path: Path) -> None:
    """Two columns of running text drawn one after the other share baselines: the right
    column climbs back up the whole page, which no wrapped cell does."""
    path = tmp_path / "columns.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Helvetica", 9)
    left = [f"Left column sentence {k} runs on about the training of workers." for k in range(30)]
    right = [f"Right column sentence {k} runs on about recruitment fees." for k in range(30)]
    for x, column in ((60, left), (310, right)):
        for k, text in enumerate(column):
            canvas.drawString(x, 780 - 12 * k, text)
    canvas.showPage()
    canvas.save()
    chunks = _ingest(path)
    assert not [c for c in chunks if c.kind == "table"], "two prose columns read as a table"
    prose = _prose(chunks)
    assert prose.index("Left column sentence 29") < prose.index("Right column sentence 0"), (
        "the left column is read before the right"
    )


def test_caption_run_into_a_chart_label_reads_whole(tmp_path: Path) -> None:
    """An axis title drawn in one text run with the figure caption on its baseline: the
    caption and its hanging-indented lines are read apart, without the label."""
    path = tmp_path / "caption.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    y = _paragraph(canvas, 700, 6)
    text = canvas.beginText(72, y)
    text.setFont("Helvetica-Oblique", 10)  # the axis title in its own face
    text.textOut("Trainees (thousands)")
    text.setFont("Helvetica", 10)
    text.setTextOrigin(300, y)
    text.textOut("Figure 2. Share of trainees placed in jobs by")
    canvas.drawText(text)
    canvas.setFont("Helvetica", 10)
    wrapped = (
        "the partner country, their region of origin",
        "and the year they",
        "completed training",
    )
    for k, line in enumerate(wrapped, start=1):
        canvas.drawString(340, y - 12 * k, line)
    _paragraph(canvas, y - 120, 6)
    canvas.showPage()
    canvas.save()
    texts = [" ".join(c.text.split()) for c in _ingest(path)]
    caption = "Figure 2. Share of trainees placed in jobs by " + " ".join(wrapped)
    assert any(t.startswith(caption) for t in texts), f"the caption is not read apart: {texts}"
    assert not any("(thousands) Figure 2" in t for t in texts), "the label ran into the caption"
