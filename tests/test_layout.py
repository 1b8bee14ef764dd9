"""Page layout: tables, footnotes, figure labels and drop caps kept out of running text.

Generated PDFs give the exact layout under test; the real PDFs check the same rules on
designed reports (see shared/real-pdfs/README.md).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assistant import Settings
from ingest import IngestResult, ingest_pdf
from ingest._text import split_sentences

BODY = (
    "Skills partnerships link training in one country with jobs in another. "
    "Development agencies fund the training and employers take part in its design. "
    "The partners agree on occupations, curricula and the recognition of skills. "
    "Development of the curriculum starts from the standards of both labour markets. "
)
FOOTNOTES = (
    "1 Ministry of Labour, Annual survey of training providers, 2023, table 4.",
    "2 Annual survey of training providers: employer survey of the partner agencies.",
)


def _paragraph(canvas: Canvas, x: float, y: float, text: str, width: int = 90) -> float:
    words, line = text.split(), ""
    for word in words:
        if len(line) + len(word) + 1 > width:
            canvas.drawString(x, y, line)
            y -= 13
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        canvas.drawString(x, y, line)
        y -= 13
    return y - 8


def _table_rows(canvas: Canvas, y: float, rows: list[tuple[str, str, str]]) -> float:
    canvas.setFont("Helvetica", 8)
    for cells in rows:
        for x, cell in zip((60, 230, 400), cells, strict=True):
            canvas.drawString(x, y, cell)
        y -= 12
    return y


def _build(path: Path) -> None:
    canvas = Canvas(str(path), pagesize=A4)
    for page in range(2):
        canvas.setFont("Helvetica-Bold", 18)
        if page == 0:
            canvas.drawString(60, 780, "1. Skills partnerships")
            canvas.setFont("Helvetica", 30)
            canvas.drawString(60, 722, "T")
            canvas.setFont("Helvetica", 10)
            canvas.drawString(
                84, 745, "he partnership model joins training and jobs across borders and it"
            )
            canvas.drawString(
                84, 732, "keeps both countries' labour markets in view from the first planning."
            )
            canvas.drawString(
                84, 719, "Asian D evelopment partners and others have tried the model in practice."
            )
        canvas.setFont("Helvetica", 10)
        y = _paragraph(canvas, 60, 690 if page == 0 else 780, BODY * 2)
        canvas.setFont("Helvetica-Bold", 10)
        caption = "Table 1: Training costs by actor" + (" (continued)" if page else "")
        canvas.drawString(60, y, caption)
        y = _table_rows(
            canvas,
            y - 16,
            [("Actor", "Share of cost", "Evidence"), ("Employer", "40 per cent", "High")]
            + [(f"Agency {page}{i}", f"{10 + i} per cent", "Moderate") for i in range(4)],
        )
        canvas.setFont("Helvetica", 8)
        canvas.drawString(60, y - 4, "Source: partner reports.")
        canvas.setFont("Helvetica", 10)
        y = _paragraph(canvas, 60, y - 30, BODY)
        canvas.line(60, 95, 200, 95)
        canvas.setFont("Helvetica", 8)
        canvas.drawString(60, 80, FOOTNOTES[page])
        canvas.drawString(60, 40, f"Skills partnerships guide {page + 1}")
        canvas.showPage()
    canvas.save()


def _raw(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return re.sub(r"\s+", "", text)


def _units(chunk_text: str, kind: str) -> list[str]:
    if kind == "table":
        return [cell for row in chunk_text.split("\n") for cell in row.split(" | ")]
    return split_sentences(chunk_text)


def _not_verbatim(result: IngestResult, path: Path) -> list[str]:
    """Chunk sentences (4+ words) not found in their pages' text, spacing aside."""
    reader = pypdf.PdfReader(path)
    pages = [_raw(page.extract_text()) for page in reader.pages]
    missing = []
    for chunk in result.chunks:
        text = "".join(pages[i] for i in chunk.page_indexes)
        for unit in _units(chunk.text, chunk.kind):
            if len(unit.split()) >= 4 and _raw(unit) not in text:
                missing.append(unit)
    return missing


@pytest.fixture(scope="module")
def designed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestResult]:
    path = tmp_path_factory.mktemp("layout") / "designed.pdf"
    _build(path)
    return path, ingest_pdf(path, settings=Settings())


def test_table_on_two_pages_is_two_table_chunks_with_rows(
    designed: tuple[Path, IngestResult],
) -> None:
    _, result = designed
    tables = [c for c in result.chunks if c.kind == "table"]
    assert [c.page_indexes for c in tables] == [(0,), (1,)], tables
    rows = tables[0].text.split("\n")
    assert rows[0].startswith("Table 1: Training costs by actor"), rows
    assert "Employer | 40 per cent | High" in rows, rows
    assert tables[1].text.startswith("Table 1: Training costs by actor (continued)")
    prose = " ".join(c.text for c in result.chunks if c.kind != "table")
    assert "per cent" not in prose, "a table row was stored as prose"


def test_footnotes_are_their_own_chunks_on_their_page(designed: tuple[Path, IngestResult]) -> None:
    _, result = designed
    notes = [c for c in result.chunks if c.kind == "footnote"]
    assert [c.page_indexes for c in notes] == [(0,), (1,)], notes
    assert all("Annual survey of training providers" in c.text for c in notes)
    prose = " ".join(c.text for c in result.chunks if c.kind != "footnote")
    assert "Annual survey" not in prose, "footnote text ran into the body"


def test_drop_cap_and_letter_spaced_word_rejoined(designed: tuple[Path, IngestResult]) -> None:
    _, result = designed
    text = " ".join(c.text for c in result.chunks)
    assert "The partnership model joins" in text
    assert "Asian Development partners" in text
    assert "T he" not in text and "D evelopment" not in text


def test_running_text_sentences_are_verbatim(designed: tuple[Path, IngestResult]) -> None:
    path, result = designed
    kinds = {c.kind for c in result.chunks}
    assert {"table", "footnote"} <= kinds and kinds & {"narrative", "front_matter"}, kinds
    missing = [
        s
        for s in _not_verbatim(result, path)
        if "The partnership" not in s and "Development" not in s
    ]
    assert not missing, missing


@pytest.fixture(scope="module")
def real(real_pdfs_dir: Path) -> dict[str, IngestResult]:
    names = ("oecd_ai_capability.pdf", "jiu_rep_2025_1.pdf", "adb_tvet_bangladesh.pdf")
    found = {n: real_pdfs_dir / n for n in names if (real_pdfs_dir / n).is_file()}
    if len(found) < len(names):
        pytest.skip("the real PDFs are not present")
    return {n: ingest_pdf(p, settings=Settings()) for n, p in found.items()}


def test_oecd_capability_tables_are_table_chunks(real: dict[str, IngestResult]) -> None:
    chunks = real["oecd_ai_capability.pdf"].chunks
    tables = [c for c in chunks if c.kind == "table"]
    captions = {c.text.split("\n")[0].split(" | ")[0] for c in tables}
    assert any(c.startswith("Table 1.1") for c in captions), captions
    assert sum(c.startswith("Table 3.") for c in captions) >= 5, captions


def test_jiu_footnotes_are_footnote_chunks(real: dict[str, IngestResult]) -> None:
    chunks = real["jiu_rep_2025_1.pdf"].chunks
    notes = [c for c in chunks if c.kind == "footnote"]
    assert len(notes) >= 20, len(notes)
    assert all(len(c.page_indexes) == 1 for c in notes)
    assert not any("_____" in c.text for c in chunks), "the footnote rule stayed in the text"


def test_adb_drop_caps_and_spaced_capitals_rejoined(real: dict[str, IngestResult]) -> None:
    text = " ".join(c.text for c in real["adb_tvet_bangladesh.pdf"].chunks)
    assert "The reports herein provide" in text
    assert "Asian Development Bank" in text
    assert "D evelopment" not in text
    assert not re.search(r"\bT he\b", text)


def test_short_last_line_on_a_page_set_wider_is_no_margin_note(tmp_path: Path) -> None:
    """Most right-hand pages keep their text well in from the left; one sets it further
    left. That page's short closing line sits at its own text edge: running text, not a
    margin label left of the document's usual edge."""
    path = tmp_path / "wider.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    for index in range(8):
        canvas.setFont("Helvetica", 10)
        wide = index == 5
        x = 100 if wide else (72 if index % 2 == 0 else 170)
        y = 700.0  # clear of the running-head band
        for k in range(1 if wide else 4):
            y = _paragraph(canvas, x, y, f"Paragraph {index}.{k}. " + BODY, width=70) - 10
        if wide:
            canvas.drawString(x, y, "The fees were then paid back to the workers by the")
            canvas.drawString(x, y - 13, "agency.")
        canvas.showPage()
    canvas.save()
    result = ingest_pdf(path, settings=Settings())
    text = " ".join(" ".join(c.text.split()) for c in result.chunks)
    assert "paid back to the workers by the agency." in text, "the page's last line was dropped"


def test_running_head_of_a_short_chapter_on_alternate_pages_is_furniture(tmp_path: Path) -> None:
    """Left-hand pages repeat the report's title, right-hand pages the chapter's: a short
    chapter shows its head twice, two pages apart, at the same height."""
    path = tmp_path / "heads.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    for index in range(12):
        canvas.setFont("Helvetica", 9)
        part = ("Training", "Recruitment", "Protection")[index // 4]
        head = "Report on skills partnerships" if index % 2 == 0 else f"{part} at a glance"
        canvas.drawString(72, 800, head)
        canvas.setFont("Helvetica", 10)
        _paragraph(canvas, 72, 700, f"Section {index}. " + BODY)
        canvas.showPage()
    canvas.save()
    result = ingest_pdf(path, settings=Settings())
    text = " ".join(c.text for c in result.chunks)
    assert "at a glance" not in text, "a chapter's running head was read as text"


def test_heading_in_the_right_column_leaves_the_left_column_in_its_section(
    tmp_path: Path,
) -> None:
    """A section heading set in the right column at the height of a sentence in the left
    column: the sentence is read whole, with its word broken over the lines."""
    path = tmp_path / "columns.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    for page in range(3):
        title = f"{('First', 'Second', 'Third')[page]} part of the review"
        canvas.bookmarkHorizontal(title, 60, 796)
        canvas.addOutlineEntry(title, title, level=0)
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(60, 780, title)
        for x in (60, 310):
            canvas.setFont("Helvetica", 10)
            y = 750.0
            for k in range(48):
                if page == 1 and x == 310 and k == 20:
                    canvas.bookmarkHorizontal("costs", x, y + 8)
                    canvas.addOutlineEntry("Costs shared by the partners", "costs", level=1)
                    canvas.setFont("Helvetica-Bold", 14)
                    canvas.drawString(x, y - 6, "Costs shared by the partners")
                    canvas.setFont("Helvetica", 10)
                    y -= 26
                    continue
                if k == 20:
                    text = "Trainees on the Western Medi-"
                elif k == 21:
                    text = "terranean route find work in ports."
                else:
                    text = f"Partners on page {page} agree on item {x}-{k}."
                canvas.drawString(x, y, text)
                y -= 13
        canvas.showPage()
    canvas.save()
    result = ingest_pdf(path, settings=Settings())
    broken = [c.text for c in result.chunks if c.text.rstrip().endswith("Western Medi-")]
    assert not broken, f"a sentence broken where the other column has a heading: {broken}"
