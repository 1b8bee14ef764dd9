"""Charts, diagrams and tables that are not running text: their labels and cells must
never be stored as prose, and the text around them must stay verbatim."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assistant import Settings
from ingest import IngestResult, ingest_pdf

BODY = (
    "Regional training boards plan the supply of skilled workers with the employers of "
    "each district, and they review every programme against the results of the tracer "
    "surveys that follow graduates into work during the first two years after training. "
)
LEFT = 72.0


def _body(canvas: Canvas, y: float, lines: int = 8) -> float:
    """Body paragraphs of 10-point type from ``y`` down; returns the next free y."""
    words = (BODY * 6).split()
    canvas.setFont("Helvetica", 10)
    for _ in range(lines):
        line: list[str] = []
        while words and canvas.stringWidth(" ".join([*line, words[0]]), "Helvetica", 10) < 440:
            line.append(words.pop(0))
        canvas.drawString(LEFT, y, " ".join(line))
        y -= 13
    return y - 13


def _cells(canvas: Canvas, y: float, cells: Sequence[tuple[float, str]], size: float) -> None:
    canvas.setFont("Helvetica", size)
    for x, text in cells:
        canvas.drawString(x, y, text)


def _ingest(path: Path) -> IngestResult:
    return ingest_pdf(path, settings=Settings())


def _prose(result: IngestResult) -> str:
    return " ".join(c.text for c in result.chunks if c.kind not in ("table",))


def _narrative(result: IngestResult) -> list[str]:
    return [c.text for c in result.chunks if c.kind not in ("table",) and " | " not in c.text]


def test_org_chart_labels_far_below_their_caption_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "org_chart.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    y = _body(canvas, 780)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(150, y, "Figure 1: Organizational Chart of the Training Board")
    # The boxes of the chart sit well below the caption, their labels in small type.
    y -= 90
    _cells(canvas, y, [(250, "Chairman")], 8)
    _cells(
        canvas, y - 40, [(130, "Deputy Controller"), (260, "Deputy Secretary"), (390, "System")], 8
    )
    _cells(canvas, y - 49, [(130, "Exams (Diploma)"), (260, "Establishment"), (390, "Analyst")], 8)
    _cells(
        canvas, y - 90, [(130, "Press Officer"), (260, "Research Officer"), (390, "Evaluation")], 8
    )
    y -= 130
    canvas.setFont("Helvetica", 8.5)
    canvas.drawString(LEFT, y, "Source: Training board staffing records, 2012.")
    _body(canvas, y - 40, lines=6)
    canvas.showPage()
    canvas.save()

    result = _ingest(path)
    prose = _prose(result)
    for label in ("Deputy Controller", "Research Officer", "Exams (Diploma)", "Analyst"):
        assert label not in prose, f"chart label {label!r} stored as prose: {prose[:400]}"
    assert "Figure 1: Organizational Chart of the Training Board" in prose
    assert "Source: Training board staffing records, 2012." in prose
    assert not result.text_check.off_page, result.text_check.off_page


def test_two_columns_of_a_comparison_table_are_read_as_cells(tmp_path: Path) -> None:
    path = tmp_path / "comparison.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    y = _body(canvas, 780)
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(120, y, "Current measure        Usual measure")
    left = [
        "The current measure is based on",
        "the activity of each person in a",
        "short reference week, using the",
        "priority rule of the framework.",
    ]
    right = [
        "The usual measure is based on the",
        "main activity of each person over",
        "a long reference year, using the",
        "majority of weeks as its rule.",
    ]
    # Each row of the two columns shares a baseline: extraction reads it across.
    for k, (a, b) in enumerate(zip(left, right, strict=True)):
        _cells(canvas, y - 22 - 12 * k, [(LEFT + 10, a), (300, b)], 9)
    _body(canvas, y - 22 - 12 * len(left) - 30, lines=6)
    canvas.showPage()
    canvas.save()

    result = _ingest(path)
    for text in _narrative(result):
        assert "reference week, using the a long" not in text, text
        assert "is based on The usual" not in text, f"columns read across as prose: {text}"
    tables = [c.text for c in result.chunks if c.kind == "table"]
    assert any(
        "The current measure is based on | The usual measure is based on the" in t for t in tables
    ), tables
    assert not result.text_check.off_page, result.text_check.off_page


def test_three_column_table_with_wrapped_cells_runs_down_to_its_source(tmp_path: Path) -> None:
    path = tmp_path / "three_columns.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    y = _body(canvas, 780)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(150, y, "Table 4: Family involvement in the journey")
    # The table's rows start well below the caption; each cell is drawn whole, its
    # wrapped lines one under another, a row's cells side by side.
    y -= 55
    rows = [
        (
            "Group 1",
            ["Relatives who arranged", "the recruitment"],
            ["They paid the agent", "and the travel costs"],
        ),
        (
            "Group 2",
            ["Relatives who knew of", "the journey"],
            ["They did not stop it", "but gave no money"],
        ),
        (
            "Group 3",
            ["Relatives who were", "deceived"],
            ["They believed it was", "for vocational work"],
        ),
    ]
    for group, second, third in rows:
        _cells(canvas, y, [(90, group)], 9)
        for k, text in enumerate(second):
            _cells(canvas, y - 11 * k, [(190, text)], 9)
        for k, text in enumerate(third):
            _cells(canvas, y - 11 * k, [(340, text)], 9)
        y -= 40
    canvas.setFont("Helvetica", 8.5)
    canvas.drawString(90, y, "Source: Interviews with returned migrants.")
    _body(canvas, y - 40, lines=6)
    canvas.showPage()
    canvas.save()

    result = _ingest(path)
    narrative = " ".join(_narrative(result))
    for cell in ("Relatives who arranged", "They did not stop it", "Group 3"):
        assert cell not in narrative, f"table cell {cell!r} stored as prose: {narrative[:400]}"
    tables = "\n".join(c.text for c in result.chunks if c.kind == "table")
    assert "Relatives who arranged the recruitment" in tables, tables
    assert "Source: Interviews with returned migrants." in tables, tables
    assert not result.text_check.off_page, result.text_check.off_page


def test_two_headerless_flows_of_small_print_are_not_a_table(tmp_path: Path) -> None:
    """An imprint page sets its copyright and its licence side by side in small type: two
    flows of prose with no header row, read one after the other."""

    left = (
        "© 2024 Example Council. Some rights",
        "reserved. Published in 2024 by the council.",
        "The views expressed here are those of the",
        "authors and not those of the council members.",
    )
    right = (
        "This work is available under an open licence",
        "that allows reuse with attribution to the",
        "council and a link to the licence, provided",
        "that no change is made to the text itself.",
    )
    path = tmp_path / "imprint.pdf"
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setFont("Helvetica-Bold", 26)
    canvas.drawString(70, 600, "Water Policy in Dry Regions")
    canvas.showPage()
    canvas.setFont("Helvetica", 7)
    for x, column in ((50, left), (310, right)):
        for i, line in enumerate(column):
            canvas.drawString(x, 700 - 9 * i, line)
    canvas.showPage()
    canvas.setFont("Helvetica", 10)
    for row in range(40):
        canvas.drawString(
            72, 780 - 14 * row, "Rivers in the dry regions carry less water each year."
        )
    canvas.showPage()
    canvas.save()
    chunks = ingest_pdf(path, settings=Settings()).chunks
    assert not [c for c in chunks if c.kind == "table"], [c.text for c in chunks]
    text = " ".join(c.text for c in chunks)
    assert " ".join(left) in text and " ".join(right) in text, text[:500]
