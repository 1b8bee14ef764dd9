"""Title, author and year from the cover; printed page labels checked against the pages.

Synthetic PDFs are drawn with reportlab and given their metadata and ``/PageLabels``
with pypdf's writer, then ingested for real. The six real PDFs are checked through
the cover reader on their first pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pypdf
import pytest
from pypdf.constants import PageLabelStyle
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from assistant import Settings
from ingest import Document, ingest_pdf
from ingest._cover import cover_facts
from ingest._imprint import read_metadata
from ingest._layout import body_font_size
from ingest._pdf import Page, read_page_or_none

_DECIMAL = PageLabelStyle.DECIMAL
_ROMAN = PageLabelStyle.LOWERCASE_ROMAN
BODY_PAGES = 8
FRONT_PAGES = 2
"""Cover and imprint page, before the numbered body."""

Label = tuple[int, int, PageLabelStyle | None, str | None, int | None]
"""First and last page index, numbering style, prefix, first number."""

SENTENCE = (
    "Bilateral agreements set out how workers are recruited, trained and protected "
    "while they work abroad and when they return home."
)


def _draw(
    path: Path,
    *,
    cover: Sequence[str],
    cover_size: float = 26,
    logo: str = "",
    big: str = "",
    imprint: Sequence[str] = (),
    heading: str = "",
    under: Sequence[str] = (),
) -> None:
    """A cover, an imprint page and numbered body pages with a running header.

    ``big`` is set on the cover above the title in larger type (a label, a year);
    ``heading`` on the second page in type larger than the title (a "Foreword").
    """
    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if big:
        pdf.setFont("Helvetica-Bold", cover_size * 1.6)
        pdf.drawString(72, height - 90, big)
    if logo:
        pdf.setFont("Helvetica-Bold", cover_size)
        pdf.drawString(72, height - 150, logo)
    pdf.setFont("Helvetica-Bold", cover_size)
    for i, line in enumerate(cover):
        pdf.drawString(72, height - 260 - i * cover_size * 1.2, line)
    pdf.setFont("Helvetica", 14)
    below = height - 260 - len(cover) * cover_size * 1.2 - 14
    for i, line in enumerate(under):
        pdf.drawString(72, below - i * 17, line)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(72, 60, logo or "Example Institute")
    pdf.showPage()
    if heading:
        pdf.setFont("Helvetica-Bold", cover_size * 1.5)
        pdf.drawString(72, height - 100, heading)
    pdf.setFont("Helvetica", 8)
    for i, line in enumerate(imprint):
        pdf.drawString(72, height - 120 - i * 12, line)
    pdf.showPage()
    for number in range(1, BODY_PAGES + 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, "Example Institute report on labour mobility")
        pdf.drawString(width / 2, 36, str(number))
        pdf.setFont("Helvetica", 10)
        for row in range(30):
            pdf.drawString(72, height - 110 - row * 14, SENTENCE[: 60 + (row * 7) % 40])
        pdf.showPage()
    pdf.save()


def _finish(
    drawn: Path,
    out: Path,
    *,
    metadata: dict[str, str],
    labels: Sequence[Label] = (),
) -> Path:
    """``drawn`` with document metadata and page labels (from, to, style, prefix, start)."""
    writer = pypdf.PdfWriter(clone_from=drawn)
    writer.add_metadata(metadata)
    for first, last, style, prefix, start in labels:
        writer.set_page_label(first, last, style=style, prefix=prefix, start=start)
    writer.write(out)
    return out


def _document(
    tmp_path: Path,
    name: str,
    *,
    cover: Sequence[str],
    metadata: dict[str, str],
    logo: str = "",
    big: str = "",
    imprint: Sequence[str] = (),
    heading: str = "",
    labels: Sequence[Label] = (),
    under: Sequence[str] = (),
) -> Document:
    drawn = tmp_path / f"{name}-drawn.pdf"
    _draw(drawn, cover=cover, logo=logo, big=big, imprint=imprint, heading=heading, under=under)
    pdf = _finish(drawn, tmp_path / f"{name}.pdf", metadata=metadata, labels=labels)
    return ingest_pdf(pdf, settings=Settings()).document


def test_file_name_title_gives_way_to_the_cover(tmp_path: Path) -> None:
    document = _document(
        tmp_path,
        "filename",
        cover=["Access to Justice for", "Migrant Workers in Southeast Asia"],
        metadata={"/Title": "ACCESS_JUSTICE_final_v3.indd"},
    )
    assert document.title == "Access to Justice for Migrant Workers in Southeast Asia", (
        document.title
    )


@pytest.mark.parametrize("meta_title", ["Example Institute", "Example Institute Document"])
def test_publisher_title_gives_way_to_the_cover(tmp_path: Path, meta_title: str) -> None:
    document = _document(
        tmp_path,
        "publisher",
        logo="Example Institute",
        cover=["Review of Recruitment Fees in", "Seasonal Agricultural Work"],
        metadata={"/Title": meta_title},
    )
    assert document.title == "Review of Recruitment Fees in Seasonal Agricultural Work", (
        document.title
    )


def test_title_cut_at_an_apostrophe_gives_way_to_the_cover(tmp_path: Path) -> None:
    document = _document(
        tmp_path,
        "apostrophe",
        cover=["Children’s Rights in", "Migration Policy"],
        metadata={"/Title": "Children"},
    )
    assert re.fullmatch(r"Children['’]s Rights in Migration Policy", document.title), document.title


@pytest.mark.parametrize(
    ("under", "subtitle"),
    [
        (
            ["Lessons from three partnerships in", "South and South-East Asia"],
            ": Lessons from three partnerships in South and South-East Asia",
        ),
        (["Working paper"], ""),
        (["Amina Diallo  Jean-Paul Martin  Sofia Reyes"], ""),
        (["Report of the Regional Labour Office"], ""),
    ],
)
def test_a_subtitle_under_the_cover_title_completes_it_and_nothing_else_does(
    tmp_path: Path, under: list[str], subtitle: str
) -> None:
    document = _document(
        tmp_path,
        "subtitle",
        cover=["Skills Partnerships", "for Care Workers"],
        under=under,
        metadata={"/Title": "care_partnerships_v2.indd"},
    )
    assert document.title == f"Skills Partnerships for Care Workers{subtitle}", document.title


@pytest.mark.parametrize("big", ["2024", "25-10420", "ANNEX 2"])
def test_cover_title_is_never_a_date_a_job_number_or_a_label(tmp_path: Path, big: str) -> None:
    document = _document(
        tmp_path,
        "furniture",
        big=big,
        cover=["Remittances and", "Financial Inclusion"],
        metadata={},
    )
    assert document.title == "Remittances and Financial Inclusion", document.title


def test_a_large_heading_after_the_cover_does_not_outrank_it(tmp_path: Path) -> None:
    document = _document(
        tmp_path,
        "foreword",
        cover=["Remittances and", "Financial Inclusion"],
        heading="Foreword",
        metadata={"/Title": "remit_v2.qxd"},
    )
    assert document.title == "Remittances and Financial Inclusion", document.title


def test_a_chapter_file_is_titled_under_the_work_its_running_header_names(
    tmp_path: Path,
) -> None:
    document = _document(
        tmp_path,
        "chapter",
        big="CHAPTER 3",
        cover=["Recruitment Costs", "in Global Supply Chains"],
        metadata={},
    )
    assert document.title == (
        "Example Institute report on labour mobility: Recruitment Costs in Global Supply Chains"
    ), document.title


def test_an_all_capitals_cover_title_takes_the_case_the_front_matter_writes(
    tmp_path: Path,
) -> None:
    document = _document(
        tmp_path,
        "capitals",
        cover=["SKILLS FOR GREEN JOBS", "IN ASEAN"],
        imprint=["© Example Institute 2022", "Skills for Green Jobs", "in ASEAN"],
        metadata={"/Title": "Untitled-1"},
    )
    assert document.title == "Skills for Green Jobs in ASEAN", document.title


def test_corroborated_metadata_title_author_and_imprint_year_are_kept(tmp_path: Path) -> None:
    document = _document(
        tmp_path,
        "good",
        cover=["LABOUR MIGRATION GOVERNANCE:", "A HANDBOOK FOR PRACTITIONERS"],
        imprint=["© Example Institute 2019", "Published in 2019.", "ISBN 978-0-00-000000-0"],
        metadata={
            "/Title": "Labour Migration Governance: A Handbook for Practitioners",
            "/Author": "Jane Smith",
            "/CreationDate": "D:20210304120000Z",
        },
    )
    assert document.title == "Labour Migration Governance: A Handbook for Practitioners"
    assert document.author == "Jane Smith"
    assert document.year == "2019", "the imprint's year, not the file's creation year"


def test_user_name_author_gives_way_to_the_imprint_publisher(tmp_path: Path) -> None:
    document = _document(
        tmp_path,
        "username",
        cover=["Skills Passports", "in Practice"],
        imprint=["© Example Institute 2018"],
        metadata={
            "/Title": "Skills Passports in Practice",
            "/Author": "jsmith",
            "/CreationDate": "D:20180501000000Z",
        },
    )
    assert document.author == "Example Institute", document.author
    assert document.year == "2018"


def test_prefixed_page_labels_are_cited_as_the_printed_number(tmp_path: Path) -> None:
    last = FRONT_PAGES + BODY_PAGES - 1
    document = _document(
        tmp_path,
        "prefixed",
        cover=["Return and Reintegration", "Toolkit"],
        metadata={"/Title": "Return and Reintegration Toolkit"},
        labels=[(0, FRONT_PAGES - 1, _ROMAN, None, 1), (FRONT_PAGES, last, _DECIMAL, "A-", 1)],
    )
    body = document.page_labels[FRONT_PAGES:]
    assert body == tuple(str(n) for n in range(1, BODY_PAGES + 1)), body
    assert document.page_labels[:FRONT_PAGES] == ("i", "ii"), "unnumbered pages keep /PageLabels"


def test_page_labels_that_disagree_with_the_print_give_way(tmp_path: Path) -> None:
    last = FRONT_PAGES + BODY_PAGES - 1
    document = _document(
        tmp_path,
        "offset",
        cover=["Return and Reintegration", "Toolkit"],
        metadata={"/Title": "Return and Reintegration Toolkit"},
        labels=[(0, FRONT_PAGES - 1, _ROMAN, None, 1), (FRONT_PAGES, last, _DECIMAL, None, 40)],
    )
    body = document.page_labels[FRONT_PAGES:]
    assert body == tuple(str(n) for n in range(1, BODY_PAGES + 1)), body


def test_matching_page_labels_are_kept(tmp_path: Path) -> None:
    last = FRONT_PAGES + BODY_PAGES - 1
    document = _document(
        tmp_path,
        "matching",
        cover=["Return and Reintegration", "Toolkit"],
        metadata={"/Title": "Return and Reintegration Toolkit"},
        labels=[
            (0, 0, None, "Front Cover", None),
            (1, 1, _ROMAN, None, 1),
            (FRONT_PAGES, last, _DECIMAL, None, 1),
        ],
    )
    assert document.page_labels[0] == "Front Cover", document.page_labels
    assert document.page_labels[FRONT_PAGES:] == tuple(str(n) for n in range(1, BODY_PAGES + 1))


# (file, words the title must contain, year, words the author must contain)
REAL = [
    ("nist_sp_800_207.pdf", "Zero Trust Architecture", "2020", "Scott Rose"),
    ("oecd_ai_capability.pdf", "Introducing the OECD AI Capability Indicators", "2025", "OECD"),
    (
        "jiu_rep_2025_1.pdf",
        "Review of management and administration in the United Nations Environment Programme",
        "2025",
        "Conrod Hunte",
    ),
    (
        "adb_tvet_bangladesh.pdf",
        (
            "Innovative Strategies in Technical and Vocational Education and Training for "
            "Accelerated Human Resource Development in South Asia"
        ),
        "2015",
        "Asian Development Bank",
    ),
    ("unodc_glotip_2024_ch2.pdf", "Global Report on Trafficking in Persons 2024", "2024", ""),
    ("ilo_labstat_module1.pdf", "Labour Statistics", "2003", "International Labour"),
]
_FIRST_PAGES = 10


def _words(text: str) -> str:
    return " ".join(re.findall(r"[0-9a-z]+", text.casefold()))


@pytest.mark.parametrize(("name", "expected", "year", "author"), REAL)
def test_real_pdf_gets_its_cover_title(
    real_pdfs_dir: Path, name: str, expected: str, year: str, author: str
) -> None:
    reader = pypdf.PdfReader(real_pdfs_dir / name)
    count = min(_FIRST_PAGES, len(reader.pages))
    pages = [
        read_page_or_none(reader, i, seconds=30) or Page(i, 612.0, 792.0, ()) for i in range(count)
    ]
    facts = cover_facts(read_metadata(reader), pages, body_size=body_font_size(pages))
    assert _words(expected) in _words(facts.title), f"{name}: title {facts.title!r}"
    assert not re.search(r"\.[a-z]{2,4}$|_", facts.title), f"{name}: file name {facts.title!r}"
    assert facts.year == year, f"{name}: year {facts.year!r}"
    if author:
        assert author in facts.author, f"{name}: author {facts.author!r}"
    else:
        assert facts.author == "", f"{name}: no author is printed, got {facts.author!r}"
