"""Covers, imprint pages and margin notes: every stored sentence stands on its page.

A generated PDF sets the hard cases designed reports use: a cover whose title and
publisher blocks are printed twice (a template layer a few points off the final one), an
imprint page of small print in two columns, and body pages with slide labels in the
outer margin on the same baselines as the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assistant import Settings
from ingest import IngestResult, ingest_pdf

TITLE = ("WATER POLICY", "IN DRY REGIONS")
PUBLISHER = ("Regional Water Council", "12 River Road, Lakeside", "www.water.example.org")
IMPRINT_LEFT = (
    "© 2024 Regional Water Council. Some rights",
    "reserved. Published in 2024 by the council.",
    "The views expressed here are those of the",
    "authors and not those of the council members.",
)
IMPRINT_RIGHT = (
    "This work is available under an open licence",
    "that allows reuse with attribution to the",
    "council. Translations should carry a notice",
    "that the council did not check their quality.",
)
BODY = (
    "Rivers in the dry regions carry less water each year than the one before it,",
    "and the farms along their banks now compete with the towns for every litre.",
    "The council measured the flow of twelve rivers over a period of ten years.",
    "It found that the driest months have become longer and hotter over time.",
    "Wells dug near the rivers draw on the same water and lower the flow further.",
    "Farmers who plant early in the season lose fewer crops in the driest months.",
)
LABELS = (("Slide", "6"), ("Slides", "9-11"))
CHAPTERS = {0: "1 Introduction", 2: "2 Findings"}


def _cover(canvas: Canvas) -> None:
    # The template layer is drawn first, a few points off the final one.
    for dx, dy in ((2, 5), (0, 0)):
        canvas.setFont("Helvetica-Bold", 28)
        for i, line in enumerate(TITLE):
            canvas.drawString(70 + dx, 600 + dy - 36 * i, line)
        canvas.setFont("Helvetica", 9)
        for i, line in enumerate(PUBLISHER):
            canvas.drawString(70 + dx, 120 + dy - 11 * i, line)
    canvas.showPage()


def _imprint(canvas: Canvas) -> None:
    canvas.setFont("Helvetica", 7)
    for x, column in ((50, IMPRINT_LEFT), (310, IMPRINT_RIGHT)):
        for i, line in enumerate(column):
            canvas.drawString(x, 700 - 9 * i, line)
    canvas.showPage()


def _body_page(canvas: Canvas, number: int) -> None:
    if number in CHAPTERS:
        title = CHAPTERS[number]
        canvas.bookmarkPage(title)
        canvas.addOutlineEntry(title, title, level=0)
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(90, 770, title)
    canvas.setFont("Helvetica", 10)
    y = 720.0
    for paragraph in range(4):
        for i in range(len(BODY)):
            line = BODY[(i + paragraph + number) % len(BODY)]
            canvas.drawString(90, y, line)
            label = LABELS[paragraph % 2]
            if paragraph < 2 and i < 2:  # a slide label beside the first lines
                canvas.setFont("Helvetica", 8)
                canvas.drawString(30, y, label[i])
                canvas.setFont("Helvetica", 10)
            y -= 13
        y -= 13
    canvas.setFont("Helvetica", 8)
    canvas.drawString(90, 40, f"Water policy in dry regions | {number + 3}")
    canvas.showPage()


def _write(path: Path) -> None:
    canvas = Canvas(str(path), pagesize=A4)
    _cover(canvas)
    _imprint(canvas)
    for number in range(4):
        _body_page(canvas, number)
    canvas.save()


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> IngestResult:
    path = tmp_path_factory.mktemp("front") / "front.pdf"
    _write(path)
    return ingest_pdf(path, settings=Settings())


def test_every_sentence_is_on_its_page(result: IngestResult) -> None:
    off = [(o.page_indexes, o.sentence) for o in result.text_check.off_page]
    assert not off, off
    assert result.text_check.checked >= 20


def test_cover_and_imprint_are_front_matter_line_groups(result: IngestResult) -> None:
    assert result.document.title == " ".join(TITLE)  # the template layer read once
    front = [c for c in result.chunks if c.kind == "front_matter"]
    text = "\n".join(c.text for c in front)
    assert text.count("12 River Road") == 1, text
    # The two imprint columns are read one after the other, never line by line across.
    assert " ".join(IMPRINT_LEFT) in text.replace("\n", " ")
    assert " ".join(IMPRINT_RIGHT) in text.replace("\n", " ")
    assert all(max(c.page_indexes) <= 1 for c in front), [c.page_indexes for c in front]


def test_margin_labels_are_not_in_the_narrative(result: IngestResult) -> None:
    narrative = [c.text for c in result.chunks if c.kind == "narrative"]
    assert narrative
    joined = " ".join(narrative)
    assert not re.search(r"\bSlides?\b|\b9-11\b", joined), joined[:400]
    assert all(line in joined for line in BODY)


def test_ilo_bullets_and_slide_labels_are_clean(
    real_ingested: Callable[[str], Any], real_pdfs_dir: Path
) -> None:
    if not (real_pdfs_dir / "ilo_labstat_module1.pdf").is_file():
        pytest.skip("the ILO module is not present")
    chunks = real_ingested("ilo_labstat_module1.pdf").chunks
    assert not [c.text for c in chunks if "/c110" in c.text]
    labelled = [
        c.text for c in chunks if c.kind == "narrative" and re.search(r"\bSlides?\s+\d", c.text)
    ]
    assert not labelled, labelled[:3]
    assert any("persons of either sex who furnish" in c.text for c in chunks)
