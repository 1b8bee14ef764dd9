"""The generated sample PDF opens in pypdf and matches its own manifest."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest.sample import SampleManifest, build_sample_pdf


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(sample_pdf: Path, sample_manifest: SampleManifest) -> tuple[Path, SampleManifest]:
    """The session's build, with bookmarks (the default)."""
    return sample_pdf, sample_manifest


def test_build_is_deterministic(tmp_path: Path, built: tuple[Path, SampleManifest]) -> None:
    again = tmp_path / "again.pdf"
    manifest = build_sample_pdf(again)
    assert again.read_bytes() == built[0].read_bytes(), "same code must give the same bytes"
    assert manifest == built[1]


def test_shape(built: tuple[Path, SampleManifest]) -> None:
    path, manifest = built
    reader = PdfReader(path)
    assert manifest.n_pages == len(reader.pages) >= 60
    assert [c.number for c in manifest.chapters] == list(range(1, 14))
    assert len(manifest.recommendations) >= 45
    assert len(manifest.boxes) >= 8
    assert manifest.chapters[8].title == (
        "HOW TO INTEGRATE SOCIAL ASPECTS OF EMPLOYMENT AND MOBILITY IN SMPs?"
    )
    assert manifest.chapters[0].start_label == "1"


def test_outline_and_page_labels(built: tuple[Path, SampleManifest]) -> None:
    path, manifest = built
    reader = PdfReader(path)
    titles = {
        item.title: reader.get_destination_page_number(item)
        for item in reader.outline
        if not isinstance(item, list)
    }
    assert "_GoBack" in titles
    for chapter in manifest.chapters:
        heading = f"{chapter.number}. {chapter.title}"
        assert titles[heading] == chapter.start_index, heading
        label = reader.page_labels[chapter.start_index]
        assert label == chapter.start_label, f"chapter {chapter.number}: {label!r}"
    assert reader.page_labels[1] == "i"


def test_without_outline(
    sample_pdf_no_outline: Path,
    sample_no_outline_manifest: SampleManifest,
    built: tuple[Path, SampleManifest],
) -> None:
    manifest = sample_no_outline_manifest  # the session's build_sample_pdf(outline=False)
    reader = PdfReader(sample_pdf_no_outline)
    assert reader.outline == []
    assert "/PageLabels" not in reader.root_object
    assert manifest.chapters == built[1].chapters, "outline must not change the layout"


def test_ground_truth_is_on_its_pages(built: tuple[Path, SampleManifest]) -> None:
    path, manifest = built
    pages = [_norm(page.extract_text()) for page in PdfReader(path).pages]
    for rec in manifest.recommendations:
        window = " ".join(pages[rec.page_index : rec.page_index + 2])
        assert _norm(rec.text) in window, f"{rec.rec_id} not on page {rec.page_label}"
    for chapter in manifest.chapters:
        assert f"{chapter.number}. " in pages[chapter.start_index][:8], chapter.title
    for section in manifest.sections:
        assert _norm(section.title) in pages[section.start_index], section
    for box in manifest.boxes:
        assert _norm(box.title) in pages[box.page_index], box.title
    for marker in manifest.header_footer_strings[:1]:
        assert all(marker in page for page in pages[1:]), "footer on every page but the cover"


def test_hyphenation_pairs(built: tuple[Path, SampleManifest]) -> None:
    path, manifest = built
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    kept = [expected for drawn, expected in manifest.hyphenations if "-" in expected]
    assert len(manifest.hyphenations) - len(kept) >= 3 and len(kept) >= 2
    for drawn, _expected in manifest.hyphenations:
        assert drawn in text, f"{drawn!r} not drawn at a line end"
