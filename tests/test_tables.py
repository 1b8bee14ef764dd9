"""Tables found from layout evidence: aligned columns without a caption, a table carried
over a page break, and recommendation tables read one recommendation per row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from assistant import Settings
from ingest import ingest_pdf
from ingest._records import Chunk

PROSE = (
    "Labour migration programmes depend on a steady flow of information between the "
    "partners, and the evidence they gather shapes which occupations are chosen, how "
    "training is organised and which costs each side carries over the years. "
)


def _ingest(path: Path) -> tuple[Chunk, ...]:
    return ingest_pdf(path, settings=Settings()).chunks


def _prose(chunks: Sequence[Chunk]) -> str:
    return " ".join(c.text for c in chunks if c.kind not in ("table", "recommendation"))


def _story(title: str) -> list[Any]:
    styles = getSampleStyleSheet()
    return [
        Paragraph(title, styles["Heading1"]),
        *(Paragraph(PROSE * 3, styles["BodyText"]) for _ in range(2)),
    ]


def _ruled(rows: list[list[str]]) -> Table:
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
            ]
        )
    )
    return table


def test_uncaptioned_aligned_table_is_a_table_chunk(tmp_path: Path) -> None:
    path = tmp_path / "aligned.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    y = 780.0
    for k in range(6):
        canvas.setFont("Helvetica", 10)
        canvas.drawString(
            72, y, f"Paragraph line {k} about how partners share the costs of training."
        )
        y -= 14
    y -= 20
    rows = [
        ("Region", "Trainees", "Share placed"),
        ("Northern coast", "1,240", "61 per cent"),
        ("Central plateau", "860", "48 per cent"),
        ("Southern valleys", "1,015", "57 per cent"),
    ]
    for r, row in enumerate(rows):
        canvas.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 9)
        for x, cell in zip((72, 230, 380), row, strict=True):
            canvas.drawString(x, y, cell)
        y -= 13
    y -= 20
    canvas.setFont("Helvetica", 10)
    for k in range(4):
        canvas.drawString(72, y, f"Closing line {k} of the running text after the figures above.")
        y -= 14
    canvas.showPage()
    canvas.save()

    chunks = _ingest(path)
    tables = [c for c in chunks if c.kind == "table"]
    assert tables, [c.text for c in chunks]
    assert "Central plateau | 860 | 48 per cent" in tables[0].text.split("\n"), tables[0].text
    for cell in ("Northern coast", "Southern valleys", "48 per cent"):
        assert cell not in _prose(chunks), f"{cell!r} was read as prose"
    assert "Closing line 0" in _prose(chunks)


def test_ruled_table_continued_on_next_page(tmp_path: Path) -> None:
    path = tmp_path / "continued.pdf"
    styles = getSampleStyleSheet()
    rows = [["Occupation", "Country of origin", "Graduates"]] + [
        [f"Occupation {k:02d}", f"Country {chr(65 + k % 20)}", str(100 + 7 * k)] for k in range(60)
    ]
    story = _story("Training partnerships")
    story += [
        Spacer(1, 12),
        Paragraph("<b>Table 1: Graduates by occupation</b>", styles["BodyText"]),
        _ruled(rows),
        Paragraph(PROSE, styles["BodyText"]),
    ]
    # Margins keep the rows out of the bands where running headers and footers live.
    SimpleDocTemplate(str(path), pagesize=A4, topMargin=130, bottomMargin=130).build(story)

    chunks = _ingest(path)
    tables = [c for c in chunks if c.kind == "table"]
    pages = {p for c in tables for p in c.page_indexes}
    assert len(pages) >= 2, f"table chunks only on pages {pages}"
    text = "\n".join(c.text for c in tables)
    assert "Occupation 03 | Country D | 121" in text
    assert "Occupation 59 | Country T | 513" in text
    prose = _prose(chunks)
    for k in (3, 40, 59):
        assert f"Occupation {k:02d}" not in prose, f"row {k} was read as prose"


RECS = [
    ("Screen all trainees for language skills before departure.", "Strong", "Moderate"),
    ("Share vacancy data between the partner countries every quarter.", "Conditional", "Low"),
    ("Fund the home-country track from the same budget line.", "Strong", "High"),
    ("Review the occupation list with employers every two years.", "Conditional", "Very low"),
]


def test_recommendation_table_rows_are_recommendations(tmp_path: Path) -> None:
    path = tmp_path / "recs.pdf"
    styles = getSampleStyleSheet()
    cell = styles["BodyText"]
    rows: list[list[Any]] = [["Recommendation", "Strength", "Quality of evidence"]]
    rows += [[Paragraph(text, cell), strength, quality] for text, strength, quality in RECS]
    story = _story("Recommendations")
    story += [Spacer(1, 12), _ruled(rows), Paragraph(PROSE, styles["BodyText"])]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)

    chunks = _ingest(path)
    recs = [c for c in chunks if c.kind == "recommendation"]
    assert len(recs) == len(RECS), [c.text for c in recs]
    for chunk, (text, strength, quality) in zip(recs, RECS, strict=True):
        assert chunk.text.startswith(text), chunk.text
        cells = chunk.text.split(" | ")
        assert strength in cells and quality in cells, chunk.text
    assert not any(text[:30] in _prose(chunks) for text, _, _ in RECS)


Ingested = Callable[[str], Any]


def _table_and_prose(result: Any, index: int) -> tuple[str, str]:
    on_page = [c for c in result.chunks if index in c.page_indexes]
    table = "\n".join(c.text for c in on_page if c.kind == "table")
    prose = " ".join(c.text for c in on_page if c.kind != "table")
    return " ".join(table.split()), " ".join(prose.split())


def test_nist_gap_table_is_rebuilt_in_rows(real_ingested: Ingested) -> None:
    table, prose = _table_and_prose(real_ingested("nist_sp_800_207.pdf"), 54)
    assert "Category | Example Questions | Identified Gaps" in table
    assert "Systemic | • How can vendor lock-in be prevented?" in table
    for cell in ("How should procurement", "Documented end user experience"):
        assert cell in table, cell
        assert cell not in prose, f"{cell!r} read as prose"


def test_jiu_table_in_body_type_stays_a_table(real_ingested: Ingested) -> None:
    table, prose = _table_and_prose(real_ingested("jiu_rep_2025_1.pdf"), 24)
    cell = "Third line provides independent assurance"
    assert cell in table
    assert cell not in prose
    assert "Partially effective" in table


def test_ilo_continued_tables_are_tables(real_ingested: Ingested) -> None:
    result = real_ingested("ilo_labstat_module1.pdf")
    for index, cell in ((92, "Mining/quarrying | 979"), (93, "Mining/quarrying")):
        table, prose = _table_and_prose(result, index)
        assert cell in table, f"page {index}: {cell!r} not in a table chunk"
        assert "Mining/quarrying" not in prose
