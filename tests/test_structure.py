"""Chapters from the contents page, divider pages and headings, on generated and real PDFs.

The generated PDFs reproduce, in a generic form, layouts that defeat a reader relying on
the outline or on one size class of numbered headings: chapters opening on divider pages,
"Chapter I/II/III" around an introduction with numbered points 1-7, parts announced by a
"PART n" label above the title, and a contents page with wrapped titles and page numbers
split by letter spacing. None of them has an outline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assistant import Settings
from ingest import IngestResult, ingest_pdf
from ingest._contents import read_contents
from ingest._layout import Layout, analyse
from ingest._pdf import read_page_or_none
from ingest._records import Chapter

WIDTH, HEIGHT = A4
BODY = (
    "Partners agree on the numbers of workers, the skills they need and the support they "
    "receive before and after they move, and they review those numbers every year."
)


@dataclass
class PageSpec:
    lines: list[tuple[str, float, bool]] = field(default_factory=list)
    """(text, font size, bold) from the top of the page down."""
    printed: str = ""
    """The page number printed in the footer ('' for none)."""


def _body(n: int) -> list[tuple[str, float, bool]]:
    words = (BODY + " ") * 12
    out, line = [], ""
    for word in words.split():
        if len(line) + len(word) > 88:
            out.append((line, 10.0, False))
            line = ""
        line = f"{line} {word}".strip()
        if len(out) == n:
            break
    return out


def _write(path: Path, pages: list[PageSpec]) -> Path:
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    for spec in pages:
        y = HEIGHT - 90
        for text, size, bold in spec.lines:
            canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
            canvas.drawString(72, y, text)
            y -= size * 1.5 if size > 10 else 14
        if spec.printed:
            canvas.setFont("Helvetica", 9)
            canvas.drawString(WIDTH / 2, 40, spec.printed)
        canvas.showPage()
    canvas.save()
    return path


def _numbered(pages: list[PageSpec], first_index: int, offset: int) -> list[PageSpec]:
    """Footer numbers: printed page = index - offset from first_index on."""
    for index, page in enumerate(pages):
        if index >= first_index:
            page.printed = str(index - offset)
    return pages


def _chapters(path: Path) -> list[Chapter]:
    return list(ingest_pdf(path, settings=Settings()).document.chapters)


def _numbered_chapters(path: Path) -> list[tuple[int | None, str, str, int]]:
    return [
        (c.number, c.printed_number, c.title, c.start_index)
        for c in _chapters(path)
        if c.kind == "chapter"
    ]


def _cover(title: str) -> PageSpec:
    return PageSpec([(title, 28.0, True), ("A report", 14.0, False)])


def _section_pages(prefix: str, count: int) -> list[PageSpec]:
    return [
        PageSpec([(f"{prefix}.{k + 1} Scope of the work", 12.0, True), *_body(30)])
        for k in range(count)
    ]


DIVIDER_TITLES = ["BACKGROUND AND INTRODUCTION", "METHOD OF THE REVIEW", "FINDINGS"]


@pytest.mark.parametrize("with_contents", [True, False])
def test_divider_pages_with_chapter_n_contents(tmp_path: Path, with_contents: bool) -> None:
    # cover, contents, then per chapter: a divider page (title, "CHAPTER n" under it)
    # followed by two pages of text. Printed page = index - 1.
    pages = [_cover("Review of training systems"), PageSpec([("CONTENTS", 16.0, True)])]
    starts = []
    for n, title in enumerate(DIVIDER_TITLES, start=1):
        starts.append(len(pages))
        pages.append(
            PageSpec(
                [("", 10.0, False)] * 12 + [(title, 30.0, True), (f"CHAPTER {n}", 16.0, False)]
            )
        )
        pages += _section_pages(str(n), 2)
    pages.append(PageSpec([("REFERENCES", 18.0, True), *_body(20)]))
    for n, (title, start) in enumerate(zip(DIVIDER_TITLES, starts, strict=True), start=1):
        pages[1].lines.append((f"CHAPTER {n}. {title} {start - 1}", 11.0, False))
        pages[1].lines.append((f"{n}.1 Scope of the work {start}", 10.0, False))
    pages[1].lines.append((f"REFERENCES {len(pages) - 2}", 11.0, False))
    if not with_contents:  # the dividers alone, numbered 1, 2, 3, must still be read
        pages[1] = PageSpec([("Foreword", 16.0, True), *_body(20)])
    path = _write(tmp_path / "dividers.pdf", _numbered(pages, 1, 1))
    found = _numbered_chapters(path)
    expected = [
        (n, str(n), title, start)
        for n, (title, start) in enumerate(zip(DIVIDER_TITLES, starts, strict=True), start=1)
    ]
    assert found == expected, found
    back = [c for c in _chapters(path) if c.kind == "back_matter"]
    assert [(c.title, c.start_index) for c in back] == [("REFERENCES", len(pages) - 1)]


ROMAN_TITLES = ["Introduction", "Governance framework", "Human resources"]


def test_roman_chapters_outrank_numbered_points_of_the_introduction(tmp_path: Path) -> None:
    # "Chapter I: Introduction" holds numbered points 1-7 in a larger type than the body;
    # chapters II and III have lettered sections. No contents page, no outline.
    pages = [_cover("Review of management")]
    starts = []
    for n, (roman, title) in enumerate(zip(["I", "II", "III"], ROMAN_TITLES, strict=True)):
        starts.append(len(pages))
        head = [(f"Chapter {roman}: {title}", 20.0, True)]
        if n == 0:
            for point in range(1, 8):
                lines = [(f"{point}. Point of the introduction {point}", 14.0, True), *_body(12)]
                pages.append(PageSpec(head + lines if point == 1 else lines))
        else:
            pages.append(PageSpec(head + [("A. Background", 13.0, True), *_body(28)]))
            pages.append(PageSpec([("B. Findings", 13.0, True), *_body(30)]))
    path = _write(tmp_path / "roman.pdf", _numbered(pages, 1, 0))
    found = _numbered_chapters(path)
    expected = [
        (n, roman, title, start)
        for n, roman, title, start in zip(
            [1, 2, 3], ["I", "II", "III"], ROMAN_TITLES, starts, strict=True
        )
    ]
    assert found == expected, found


PART_TITLES = ["Economically active population", "Employment", "Unemployment", "Usual activity"]


def test_parts_with_a_label_above_the_title(tmp_path: Path) -> None:
    # Contents lists front matter and Parts 1-4; each part opens with "PART n" printed
    # above its title, and sub-headings of the same size follow. Printed = index - 2.
    pages = [
        _cover("Training module"),
        PageSpec([("", 10.0, False)]),
        PageSpec([("CONTENTS OF THE MODULE", 20.0, True)]),
        PageSpec([("PREFACE", 18.0, True), *_body(25)]),
    ]
    starts = []
    for n, title in enumerate(PART_TITLES, start=1):
        starts.append(len(pages))
        pages.append(
            PageSpec(
                [
                    (f"PART {n}", 22.0, True),
                    (title.upper(), 18.0, True),
                    ("The conceptual framework", 18.0, True),
                    *_body(22),
                ]
            )
        )
        pages.append(PageSpec([("Definitions in use", 18.0, True), *_body(30)]))
    pages.append(PageSpec([("GLOSSARY", 18.0, True), *_body(20)]))
    contents = pages[2].lines
    contents.append((f"PREFACE {3 - 2}", 12.0, True))
    for n, (title, start) in enumerate(zip(PART_TITLES, starts, strict=True), start=1):
        contents.append((f"PART {n}: {title} {start - 2}", 12.0, False))
    contents.append((f"GLOSSARY {len(pages) - 3}", 12.0, True))
    path = _write(tmp_path / "parts.pdf", _numbered(pages, 3, 2))
    found = [
        (c.number, c.title.casefold(), c.start_index)
        for c in _chapters(path)
        if c.kind == "chapter"
    ]
    expected = [
        (n, t.casefold(), s)
        for n, (t, s) in enumerate(zip(PART_TITLES, starts, strict=True), start=1)
    ]
    assert found == expected, found
    kinds = {c.title: c.kind for c in _chapters(path)}
    assert kinds.get("PREFACE") == "front_matter" and kinds.get("GLOSSARY") == "back_matter"


def test_contents_with_wrapped_titles_and_split_page_numbers(tmp_path: Path) -> None:
    titles = [
        "Planning for the long and the mid term in partnerships between countries",
        "Data",
        "Costs and who pays for the training of the workers who move",
    ]
    pages = [_cover("Guidance"), PageSpec([("Contents", 16.0, True)])]
    starts = []
    for n, title in enumerate(titles, start=1):
        starts.append(len(pages))
        pages.append(PageSpec([(f"{n}. {title}", 16.0, True), *_body(28)]))
        pages += [PageSpec(_body(34)) for _ in range(4)]
    contents = pages[1].lines
    for n, (title, start) in enumerate(zip(titles, starts, strict=True), start=1):
        printed = str(start + 10)  # printed = index + 10 ("1 5" when letter-spaced)
        if len(title) > 50:
            cut = title.rfind(" ", 0, 45)
            contents.append((f"{n}. {title[:cut]}", 10.0, False))
            contents.append((f"{title[cut + 1 :]} . . . . . . {' '.join(printed)}", 10.0, False))
        else:
            contents.append((f"{n}. {title} . . . . . . . . . . {printed}", 10.0, False))
    path = _write(tmp_path / "wrapped.pdf", _numbered(pages, 1, -10))
    reader_pages = _layout_pages(path)
    entries = read_contents(reader_pages.pages, reader_pages.page_labels)
    assert [(e.number, e.title, e.page, e.index) for e in entries] == [
        (str(n), t, str(s + 10), s)
        for n, (t, s) in enumerate(zip(titles, starts, strict=True), start=1)
    ]
    found = [(c.number, c.title, c.start_index) for c in _chapters(path) if c.kind == "chapter"]
    assert found == [
        (n, t, s) for n, (t, s) in enumerate(zip(titles, starts, strict=True), start=1)
    ], found


def _layout_pages(path: Path) -> Layout:
    reader = pypdf.PdfReader(path)
    pages = [read_page_or_none(reader, i, seconds=30) for i in range(len(reader.pages))]
    return analyse([p for p in pages if p is not None], pdf_labels=None)


# Real PDFs: (printed number, printed start page) per numbered chapter, from the README.
REAL = {
    "ilo_labstat_module1.pdf": [
        (str(n), p) for n, p in enumerate(["13", "23", "29", "41", "51", "67"], start=1)
    ],
    "unodc_glotip_2024_ch2.pdf": [("2", "65")],
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_chapters_start_on_their_printed_pages(
    real_ingested: Callable[[str], IngestResult], name: str
) -> None:
    chapters = real_ingested(name).document.chapters
    found = [(c.printed_number, c.start_label) for c in chapters if c.kind == "chapter"]
    assert found == REAL[name], [(c.kind, c.number, c.title, c.start_label) for c in chapters]
    assert all(c.number == int(c.printed_number) for c in chapters if c.kind == "chapter")


def test_chapter_missing_from_the_contents_comes_from_the_numbered_headings(
    tmp_path: Path,
) -> None:
    # The contents lists chapters 1-3 but not 4 (printed after the contents was set).
    titles = ["Scope", "Method", "Findings", "Next steps"]
    pages = [_cover("Guidance"), PageSpec([("Contents", 16.0, True)])]
    starts = []
    for n, title in enumerate(titles, start=1):
        starts.append(len(pages))
        pages.append(PageSpec([(f"{n}. {title}", 16.0, True), *_body(28)]))
        pages += [PageSpec(_body(34)) for _ in range(2)]
    for n, (title, start) in enumerate(zip(titles[:3], starts, strict=False), start=1):
        pages[1].lines.append((f"{n}. {title} . . . . . . . . . . {start - 1}", 10.0, False))
    path = _write(tmp_path / "short_contents.pdf", _numbered(pages, 1, 1))
    found = [(c.number, c.title, c.start_index) for c in _chapters(path) if c.kind == "chapter"]
    assert found == [
        (n, t, s) for n, (t, s) in enumerate(zip(titles, starts, strict=True), start=1)
    ], found
