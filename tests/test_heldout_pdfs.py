"""The held-out PDF generator: its PDFs open, and its expected-structure JSON matches what is
printed on the pages. Only the generator is checked here, never the ingest pipeline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from heldout import build_all
from pypdf import PdfReader

KEYS = [
    "file",
    "title",
    "author",
    "year",
    "chapters",
    "front_matter",
    "back_matter",
    "recommendations",
    "tables",
    "footnotes",
    "boxes",
    "page_labels",
    "acronyms",
    "glossary",
]


class Built:
    def __init__(self, pdf: Path) -> None:
        self.pdf = pdf
        self.reader = PdfReader(pdf)
        self.truth: dict[str, Any] = json.loads(
            pdf.with_suffix(".json").read_text(encoding="utf-8")
        )
        self.texts = [flat(page.extract_text()) for page in self.reader.pages]

    def index_of(self, printed: str) -> int:
        """The page index printing an arabic number, counted from the nearest sampled page."""
        samples = [
            (int(lab), int(i)) for i, lab in self.truth["page_labels"].items() if lab.isdigit()
        ]
        label, index = max((s for s in samples if s[0] <= int(printed)), default=min(samples))
        return index + int(printed) - label


def flat(text: str) -> str:
    return " ".join(text.split()).lower()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[Built]:
    return [Built(pdf) for pdf in build_all(tmp_path_factory.mktemp("heldout"))]


def test_four_documents_of_twenty_to_forty_pages(built: list[Built]) -> None:
    assert len(built) == 4
    for doc in built:
        assert 20 <= len(doc.reader.pages) <= 40, f"{doc.pdf.name}: {len(doc.reader.pages)} pages"
        assert list(doc.truth) == KEYS, doc.pdf.name
        assert doc.truth["file"] == doc.pdf.name


def test_sampled_labels_are_printed_on_their_pages(built: list[Built]) -> None:
    for doc in built:
        assert len(doc.truth["page_labels"]) >= 5, doc.pdf.name
        for index, label in doc.truth["page_labels"].items():
            # a number may be glued to a running title, but never to other digits or numerals
            edge = "0-9" if label.isdigit() else "a-z"
            pattern = rf"(?<![{edge}]){re.escape(label)}(?![{edge}])"
            assert re.search(pattern, doc.texts[int(index)]), (
                f"{doc.pdf.name}: '{label}' not on page {index}"
            )


def test_chapters_start_where_the_truth_says(built: list[Built]) -> None:
    for doc in built:
        assert len(doc.truth["chapters"]) >= 4, doc.pdf.name
        for chapter in doc.truth["chapters"]:
            page = doc.texts[doc.index_of(chapter["start_page"])]
            assert flat(chapter["title"]) in page, f"{doc.pdf.name}: {chapter}"


def test_recommendations_footnotes_and_boxes_are_on_their_pages(built: list[Built]) -> None:
    for doc in built:
        for rec in doc.truth["recommendations"]:
            page = doc.texts[doc.index_of(rec["page"])]
            assert flat(rec["starts_with"]) in page, f"{doc.pdf.name}: {rec}"
            if rec["id"] and rec["id"].isdigit():
                assert flat(f"{rec['id']}. {rec['starts_with']}") in page, f"{doc.pdf.name}: {rec}"
        for note in doc.truth["footnotes"]:
            assert flat(note["starts_with"]) in doc.texts[doc.index_of(note["page"])], note
        for box in doc.truth["boxes"]:
            assert flat(box["title"]) in doc.texts[doc.index_of(box["page"])], box


def test_table_cells_are_on_the_table_page(built: list[Built]) -> None:
    for doc in built:
        for table in doc.truth["tables"]:
            page = doc.texts[table["page_index"]]
            assert flat(table["caption"]) in page, table["caption"]
            for cell in table["cells"]:
                assert flat(cell) in page, (
                    f"{doc.pdf.name}: {cell!r} not on page {table['page_index']}"
                )


def test_acronyms_and_glossary_terms_are_printed(built: list[Built]) -> None:
    for doc in built:
        text = " ".join(doc.texts)
        for short, expansion in doc.truth["acronyms"].items():
            assert flat(short) in text and flat(expansion).split()[0] in text, short
        for term in doc.truth["glossary"]:
            assert flat(term) in text, term


def test_the_set_carries_its_hazards(built: list[Built]) -> None:
    docs = {doc.pdf.stem: doc for doc in built}
    meta = {stem: (doc.reader.metadata or {}).get("/Title") for stem, doc in docs.items()}
    assert sum(meta[stem] == docs[stem].truth["title"] for stem in docs) == 1, meta
    assert any(title and title.endswith(".indd") for title in meta.values()), meta
    assert any(title and title.endswith(" Document") for title in meta.values()), meta
    outlined = [stem for stem, doc in docs.items() if doc.reader.outline]
    assert 0 < len(outlined) < len(docs), outlined
    texts = " ".join(" ".join(doc.texts) for doc in built)
    for phrase in (
        "chapter 1. background and introduction 3",
        "table 3 (continued)",
        "chapter ii",
        "part 1",
        "box 2.1",
        "figure 2.",
        "the evaluation recommends that",
    ):
        assert phrase in texts, phrase
    ids = {rec["id"] for doc in built for rec in doc.truth["recommendations"]}
    assert None in ids and "Recommendation 3" in ids and "23" in ids and "2" in ids, ids


def test_prefixed_page_labels_differ_from_the_printed_numbers(built: list[Built]) -> None:
    prefixed = 0
    for doc in built:
        if "/PageLabels" not in doc.reader.trailer["/Root"]:
            continue
        for index, label in doc.truth["page_labels"].items():
            pdf_label = doc.reader.page_labels[int(index)]
            assert pdf_label.endswith(label), f"{doc.pdf.name}: {pdf_label} vs printed {label}"
            prefixed += pdf_label != label
    assert prefixed >= 3, "no sampled page carries a prefixed /PageLabels entry"
