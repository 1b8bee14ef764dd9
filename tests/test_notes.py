"""Footnotes, reference lists and repeated text stored as the page sets them.

One generated report reproduces each layout: footnotes whose numbers are separate raised
runs (and one that names a chapter at the foot of the page), a reference list whose labels
sit in the right margin a little above each entry, an imprint printed twice (a template
layer drifting by a line), and a back cover that repeats the front cover.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assistant import Settings
from ingest import IngestResult, ingest_pdf

TITLE = ("Skills Partnerships", "for Mobile Workers")
PROSE = (
    "Skills partnerships link training in one country with jobs in another country. "
    "Development agencies fund the training and employers take part in its design. "
    "The partners agree on occupations, curricula and the recognition of skills. "
)
NOTES = (
    ("1", ("A/74/34, annex I, and A/79/34.",)),
    (
        "2",
        (
            "During the preparation of the review, the initiative was launched, which may",
            "have a direct impact on the management of the programme in the short term.",
        ),
    ),
    ("3", ("The underlying data are available on the website as a supplementary paper.",)),
)
REFERENCES = (
    (
        "[2]",
        (
            "Autor, D., F. Levy and R. Murnane (2003), “The skill content of recent",
            "technological change”, The Quarterly Journal of Economics, Vol. 118/4.",
        ),
    ),
    ("[1]", ("Clark, K. A. (2025), Experts panel on skills, Clark Center, Chicago.",)),
    (
        "[3]",
        (
            "Dell’Acqua, F. et al. (2023), “Navigating the jagged technological frontier”,",
            "Harvard Business School Working Paper, No. 24-013.",
        ),
    ),
)
BLURB = (
    "This publication is part of a series of six country reports on skills partnerships. "
    "Each report presents current arrangements and initiatives in the country."
)
IMPRINT = (
    "The views expressed in this publication are those of the authors and do not",
    "necessarily reflect the views and policies of the bank or its board of governors.",
    "By using the content of this publication, you agree to be bound by the terms of",
    "said license as well as the terms of use of the open access repository",
    "at openaccess.example.org",
)


def _cover(canvas: Canvas) -> None:
    canvas.setFont("Helvetica-Bold", 28)
    canvas.drawString(60, 600, TITLE[0])
    canvas.drawString(60, 566, TITLE[1])
    canvas.setFont("Helvetica", 12)
    canvas.drawString(60, 120, "Asian Partnership Bank")


def _back_cover(canvas: Canvas) -> None:
    _cover(canvas)
    canvas.setFont("Helvetica", 10)
    for k, line in enumerate(_wrapped(BLURB, 80)):
        canvas.drawString(60, 480 - 13 * k, line)


def _imprint(canvas: Canvas) -> None:
    """The imprint, then a template copy of it under the artwork: nudged right and set
    on a slightly smaller leading, so its baselines drift from the artwork's."""
    canvas.setFont("Helvetica", 8)
    for x, top, leading in ((54.0, 500.0, 9.6), (57.0, 506.0, 8.8)):
        for k, line in enumerate(IMPRINT):
            canvas.drawString(x, top - k * leading, line)


def _chapter(canvas: Canvas, number: int, title: str, page_number: int) -> None:
    canvas.bookmarkPage(title)
    canvas.addOutlineEntry(f"{number} {title}", title, level=0)
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(60, 780, f"{number}. {title}")
    canvas.setFont("Helvetica", 10)
    y = 750.0
    for _ in range(4):
        for line in _wrapped(PROSE * 2):
            canvas.drawString(60, y, line)
            y -= 13
        y -= 8
    _footer(canvas, page_number)


def _footnotes(canvas: Canvas) -> None:
    """Notes at the foot, each number a small raised run of its own before the text."""
    canvas.line(60, 130, 200, 130)
    text = canvas.beginText()
    y = 116.0
    for number, lines in NOTES:
        text.setFont("Helvetica", 5.5)
        text.setTextOrigin(60, y + 3)
        text.textOut(f" {number}")
        text.setFont("Helvetica", 8.5)
        for k, line in enumerate(lines):
            text.setTextOrigin(67, y)
            text.textOut(("  " if k == 0 else "") + line)
            y -= 10.5
    canvas.drawText(text)


def _references(canvas: Canvas, page_number: int) -> None:
    canvas.bookmarkPage("References")
    canvas.addOutlineEntry("References", "References", level=0)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(60, 780, "References")
    y = 750.0
    for label, lines in REFERENCES:
        top = y
        canvas.setFont("Helvetica", 10)
        for k, line in enumerate(lines):
            canvas.drawString(66 if k == 0 else 80, y, line)
            y -= 13
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(540, top + 3, label)  # drawn after its entry, set higher
        y -= 9
    _footer(canvas, page_number)


def _footer(canvas: Canvas, page_number: int) -> None:
    canvas.setFont("Helvetica", 8)
    canvas.drawString(60, 40, f"Skills partnerships guide {page_number}")


def _wrapped(text: str, width: int = 90) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _build(path: Path) -> None:
    canvas = Canvas(str(path), pagesize=A4)
    _cover(canvas)
    canvas.showPage()
    _imprint(canvas)
    canvas.showPage()
    _chapter(canvas, 1, "Introduction", 1)
    _footnotes(canvas)
    canvas.showPage()
    _chapter(canvas, 2, "Management", 2)
    canvas.showPage()
    _references(canvas, 3)
    canvas.showPage()
    _back_cover(canvas)
    canvas.showPage()
    canvas.save()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> IngestResult:
    path = tmp_path_factory.mktemp("notes") / "notes.pdf"
    _build(path)
    return ingest_pdf(path, settings=Settings())


def _on_page(result: IngestResult, index: int, kind: str) -> str:
    return "\n".join(c.text for c in result.chunks if c.kind == kind and index in c.page_indexes)


def test_each_footnote_is_stored_whole_on_a_line_of_its_own(report: IngestResult) -> None:
    notes = _on_page(report, 2, "footnote").split("\n")
    # The second note's last line names a chapter at the foot of the page: it is not a
    # running title, so it stays.
    assert notes == [" ".join(lines) for _, lines in NOTES], notes


def test_reference_labels_stay_with_their_entry(report: IngestResult) -> None:
    entries = _on_page(report, 4, "further_resource").split("\n")
    assert entries == [" ".join([*lines, label]) for label, lines in REFERENCES], entries


def test_a_template_copy_of_the_imprint_is_read_once(report: IngestResult) -> None:
    imprint = " ".join(c.text for c in report.chunks if 1 in c.page_indexes)
    for line in IMPRINT:
        assert imprint.count(line) == 1, (line, imprint)


def test_back_cover_is_cover_matter_not_part_of_the_references(report: IngestResult) -> None:
    last = [c for c in report.chunks if 5 in c.page_indexes]
    assert last, "the back cover's text is kept"
    assert {c.kind for c in last} == {"front_matter"}, [(c.kind, c.text) for c in last]
    assert {c.chapter_title for c in last} == {"Back cover"}, last
    assert BLURB in " ".join(c.text for c in last), last


def test_every_stored_sentence_is_on_its_pages(report: IngestResult) -> None:
    assert not report.text_check.off_page, report.text_check.summary()
