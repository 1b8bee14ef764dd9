"""Every stored sentence must be on its pages: stitched text is reported, honest text is not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assistant import Settings
from ingest import Chunk, ChunkKind, ingest_pdf
from ingest._open import open_pdf
from ingest._pdf import Page, read_page
from ingest._verbatim import off_page_sentences, verbatim_report

LEFT = ("The committee reviewed the annual", "budget in March and approved it.")
RIGHT = ("Farmers planted maize along the", "river banks before the rains came.")
HYPHENATED = ("The organi-", "sation of the regional work was careful.")
GLOSSARY = "Budget line      A single entry of the approved budget."
TABLE_ROW = ("North region office costs", "1200", "twelve per cent of spend")
RUN_ON = ("This sentence runs on over the", "page break and ends on the next page.")
CALLED = "The board weighed all the available options3. It voted on the plan."
CALLED_RUN_ON = ("Members agreed on the shared options4", "that the board had weighed before.")


def _write(path: Path) -> None:
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Helvetica", 10)
    # Two columns drawn one after the other, as a layout program would.
    for i, line in enumerate(LEFT):
        canvas.drawString(50, 760 - 14 * i, line)
    for i, line in enumerate(RIGHT):
        canvas.drawString(320, 760 - 14 * i, line)
    for i, line in enumerate(HYPHENATED):
        canvas.drawString(50, 700 - 14 * i, line)
    canvas.drawString(50, 650, GLOSSARY)
    for x, cell in zip((50, 250, 350), TABLE_ROW, strict=True):
        canvas.drawString(x, 620, cell)
    canvas.drawString(50, 100, RUN_ON[0])
    canvas.drawString(50, 40, "Annual report 2024 | page 1")
    canvas.showPage()
    canvas.setFont("Helvetica", 10)
    canvas.drawString(50, 800, "Annual report 2024")
    canvas.drawString(50, 760, RUN_ON[1])
    canvas.drawString(50, 740, "A closing paragraph that is honest and short.")
    # Footnote calls set in the text's own size: extraction keeps the digit.
    canvas.drawString(50, 700, CALLED)
    canvas.drawString(50, 100, CALLED_RUN_ON[0])
    canvas.drawString(50, 40, "Annual report 2024 | page 2")
    canvas.showPage()
    canvas.setFont("Helvetica", 10)
    canvas.drawString(50, 800, "Annual report 2024")
    canvas.drawString(50, 760, CALLED_RUN_ON[1])
    canvas.showPage()
    canvas.save()


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("verbatim") / "columns.pdf"
    _write(path)
    return path


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[Page]:
    reader = open_pdf(pdf, password=None, max_mb=10, max_pages=10)
    return [read_page(reader, i, seconds=10) for i in range(len(reader.pages))]


def _chunk(
    text: str, pages: tuple[int, ...], kind: ChunkKind = "narrative", term: str | None = None
) -> Chunk:
    return Chunk(
        id=f"c{abs(hash((text, pages)))}",
        document_id="d",
        document_title="Columns",
        position=0,
        chapter=None,
        chapter_title="Front matter",
        section="Front matter",
        kind=kind,
        rec_id=None,
        page_labels=tuple(str(p + 1) for p in pages),
        page_indexes=pages,
        text=text,
        term=term,
    )


HONEST = [
    _chunk(" ".join(LEFT), (0,)),
    _chunk(" ".join(RIGHT), (0,)),
    _chunk("The organisation of the regional work was careful.", (0,)),
    _chunk("The organi-sation of the regional work was careful.", (0,)),
    # As ingest writes an entry: "term: definition", with the term in its own field.
    _chunk("Budget line: A single entry of the approved budget.", (0,), "glossary", "Budget line"),
    _chunk(" | ".join(TABLE_ROW), (0,), "table"),
    _chunk(" ".join(RUN_ON), (0, 1)),
    _chunk("The committee reviewed the annual budget in  March and approved it .", (0,)),
    _chunk(CALLED, (1,)),
    _chunk(CALLED.replace("options3.", "options."), (1,)),  # the call removed by ingest
    _chunk(" ".join(CALLED_RUN_ON).replace("options4", "options"), (1, 2)),
]
STITCHED = [
    _chunk(f"{LEFT[0]} {RIGHT[1]}", (0,)),  # across the two columns
    _chunk(" ".join(RUN_ON), (0,)),  # the chunk does not name the page it runs on to
    _chunk("The committee reviewed the page break and ends on the next page.", (0, 1)),
    _chunk("North region office costs and approved it | 1200", (0,), "table"),
    _chunk("the committee reviewed the annual budget in March and approved it.", (0,)),
    # A dropped call is no licence to stitch: the sentence still ends elsewhere.
    _chunk("The board weighed all the available options and ends on the next page.", (1,)),
    _chunk("Members agreed on the shared options and approved it.", (1, 2)),
    _chunk("The board weighed all the available options that the board had weighed.", (1, 2)),
]


@pytest.mark.parametrize("chunk", HONEST, ids=lambda c: c.text[:30])
def test_text_on_its_pages_is_not_reported(chunk: Chunk, pages: list[Page]) -> None:
    assert off_page_sentences([chunk], pages) == []


@pytest.mark.parametrize("chunk", STITCHED, ids=lambda c: c.text[:30])
def test_stitched_text_is_reported(chunk: Chunk, pages: list[Page]) -> None:
    off = off_page_sentences([chunk], pages)
    assert len(off) == 1, f"not reported: {chunk.text!r}"
    assert off[0].chunk_id == chunk.id and off[0].page_indexes == chunk.page_indexes


def test_ratio_counts_checked_sentences(pages: list[Page]) -> None:
    report = verbatim_report([*HONEST, *STITCHED], pages)
    assert len(report.off_page) == len(STITCHED)
    assert report.ratio == pytest.approx(1 - len(STITCHED) / report.checked)
    assert f"{len(STITCHED)} of {report.checked} sentences" in report.summary()


def test_ingest_warns_exactly_when_sentences_are_off_their_pages(
    pdf: Path, pages: list[Page]
) -> None:
    result = ingest_pdf(pdf, settings=Settings())
    report = verbatim_report(result.chunks, pages)
    warned = [w for w in result.warnings if "not verbatim" in w]
    if report.off_page:
        assert len(warned) == 1, result.warnings
        assert re.match(rf"{len(report.off_page)} of {report.checked} sentences", warned[0])
    else:
        assert warned == [], result.warnings
    assert report.checked > 3, [c.text for c in result.chunks]
