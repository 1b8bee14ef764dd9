"""ingest_pdf on the generated sample PDF, checked against the generator's own ground truth.

Real pypdf, real ReportLab output. Every test runs on the sample with bookmarks and page labels
(``outline``) and on the same layout without them (``no-outline``), where chapters and printed
page numbers must come from the headings and footers alone.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant import Settings
from ingest import (
    Chapter,
    Chunk,
    IngestResult,
    SampleManifest,
    ingest_pdf,
)

FRONT_DIVISIONS = ("Contents", "List of boxes", "Acronyms", "Glossary of terms")
BARE_FOOTER_MARKER = "Sample document"
EMBEDDING_WORD_BUDGET = 230  # all-MiniLM-L6-v2 reads 256 word pieces
TWO_COLUMN_SECTION = "Migration corridors"
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _diff(expected: str, found: str) -> str:
    """A word-level diff that shows where two texts part."""
    lines = difflib.unified_diff(
        expected.split(), found.split(), "expected", "found", n=3, lineterm=""
    )
    return "\n".join(lines)


def _stitch(texts: Sequence[str]) -> str:
    """Consecutive chunk texts joined with the sentence overlap between neighbours removed."""
    out = ""
    for text in texts:
        overlap = next(
            (n for n in range(min(len(out), len(text)), 0, -1) if out.endswith(text[:n])), 0
        )
        out = f"{out} {text[overlap:].strip()}" if out else text
    return _norm(out)


@dataclass(frozen=True)
class Case:
    outline: bool
    path: Path
    result: IngestResult

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        return self.result.chunks

    @property
    def all_text(self) -> str:
        return "\n".join(c.text for c in self.result.chunks)

    def division(self, chunk: Chunk) -> Chapter:
        """The document division a chunk says it belongs to (by number, else by title)."""
        matches = [
            c
            for c in self.result.document.chapters
            if (
                c.number == chunk.chapter
                if chunk.chapter is not None
                else c.number is None and c.title == chunk.chapter_title
            )
        ]
        assert len(matches) <= 1, f"chunk {chunk.position} matches several divisions {matches}"
        return matches[0] if matches else _FRONT_MATTER_BEFORE_CONTENTS


# Chunks before the first division (the cover) carry the pseudo-division "Front matter".
_FRONT_MATTER_BEFORE_CONTENTS = Chapter(None, "Front matter", 0, "", 0, "front_matter")


@pytest.fixture(scope="module")
def manifest(sample_manifest: SampleManifest) -> SampleManifest:
    return sample_manifest


@pytest.fixture(scope="module")
def results(
    sample_pdf: Path,
    sample_pdf_no_outline: Path,
    sample_ingested: IngestResult,
    sample_no_outline_ingested: IngestResult,
) -> dict[bool, Case]:
    """Each sample PDF as the session ingested it (default settings)."""
    return {
        True: Case(True, sample_pdf, sample_ingested),
        False: Case(False, sample_pdf_no_outline, sample_no_outline_ingested),
    }


@pytest.fixture(scope="module", params=[True, False], ids=["outline", "no-outline"])
def case(request: pytest.FixtureRequest, results: dict[bool, Case]) -> Case:
    return results[request.param]


# -- structure --------------------------------------------------------------------------------


def test_all_chapters_with_titles_and_start_pages(case: Case, manifest: SampleManifest) -> None:
    numbered = [c for c in case.result.document.chapters if c.kind == "chapter"]
    found = [(c.number, c.title, c.start_label, c.start_index) for c in numbered]
    expected = [(c.number, c.title, c.start_label, c.start_index) for c in manifest.chapters]
    assert len(expected) == 13, f"the sample should have 13 chapters, manifest has {len(expected)}"
    assert found == expected, "chapters differ from the manifest:\n" + "\n".join(
        difflib.unified_diff(
            [repr(e) for e in expected], [repr(f) for f in found], "manifest", "ingest", lineterm=""
        )
    )


def test_chapter_9_two_line_title_is_one_title(case: Case, manifest: SampleManifest) -> None:
    chapter = next(c for c in case.result.document.chapters if c.number == 9)
    assert chapter.title == manifest.chapters[8].title, (
        f"chapter 9's wrapped heading should be joined into one title, got {chapter.title!r}"
    )


def test_front_and_back_matter_are_divisions(case: Case, manifest: SampleManifest) -> None:
    chapters = case.result.document.chapters
    front = [c.title for c in chapters if c.kind == "front_matter"]
    missing = [t for t in FRONT_DIVISIONS if t not in front]
    assert not missing, f"front-matter divisions {missing} not found; front matter is {front}"
    back = [c for c in chapters if c.kind == "back_matter"]
    assert [c.start_index for c in back] == [manifest.back_matter_index], (
        f"one back-matter division should start at page index {manifest.back_matter_index}, "
        f"found {[(c.title, c.start_index) for c in back]}"
    )
    order = [c.kind for c in chapters]
    assert order == sorted(order, key=["front_matter", "chapter", "back_matter"].index), (
        f"divisions should run front matter, chapters, back matter: {order}"
    )
    starts = [c.start_index for c in chapters]
    assert starts == sorted(starts), f"divisions out of page order: {starts}"


# -- recommendations and boxes ----------------------------------------------------------------


def test_every_recommendation_once_in_its_chapter(case: Case, manifest: SampleManifest) -> None:
    recs = [c for c in case.chunks if c.kind == "recommendation"]
    by_id = Counter(c.rec_id for c in recs)
    duplicated = sorted(str(r) for r, n in by_id.items() if n > 1)
    assert not duplicated, f"recommendation IDs found more than once: {duplicated}"
    expected_ids = [r.rec_id for r in manifest.recommendations]
    extra = sorted(str(r) for r in set(by_id) - set(expected_ids))
    assert not extra, f"recommendation chunks the sample does not have: {extra}"
    for rec in manifest.recommendations:
        matches = [c for c in recs if c.rec_id == rec.rec_id]
        assert len(matches) == 1, f"{rec.rec_id} found {len(matches)} times"
        chunk = matches[0]
        assert chunk.chapter == rec.chapter, (
            f"{rec.rec_id} in chapter {chunk.chapter}, expected {rec.chapter}"
        )
        assert chunk.page_labels[0] == rec.page_label, (
            f"{rec.rec_id} starts on p. {chunk.page_labels[0]}, expected p. {rec.page_label}"
        )
        assert _norm(chunk.text) == _norm(rec.text), (
            f"{rec.rec_id} text differs from the manifest:\n{_diff(rec.text, chunk.text)}"
        )


def test_every_box_once_in_its_chapter(case: Case, manifest: SampleManifest) -> None:
    boxes = [c for c in case.chunks if c.kind == "box"]
    assert len(boxes) == len(manifest.boxes), (
        f"{len(boxes)} box chunks for {len(manifest.boxes)} boxes: "
        f"{[(b.text[:30], b.page_labels) for b in boxes]}"
    )
    for box in manifest.boxes:
        head = f"Box {box.number}:"
        matches = [c for c in boxes if c.text.startswith(head)]
        assert len(matches) == 1, f"{head} starts {len(matches)} box chunks"
        chunk = matches[0]
        assert chunk.chapter == box.chapter, (
            f"{head} in chapter {chunk.chapter}, expected {box.chapter}"
        )
        assert chunk.page_labels[0] == box.page_label, (
            f"{head} starts on p. {chunk.page_labels[0]}, expected p. {box.page_label}"
        )
        assert _norm(chunk.text).startswith(_norm(box.title)), (
            f"{head} chunk should open with its title {box.title!r}: {chunk.text[:120]!r}"
        )


# -- clean text -------------------------------------------------------------------------------


def test_no_running_headers_or_footers(case: Case, manifest: SampleManifest) -> None:
    for furniture in (*manifest.header_footer_strings, BARE_FOOTER_MARKER):
        hits = [
            (c.position, c.page_labels) for c in case.chunks if _norm(furniture) in _norm(c.text)
        ]
        assert not hits, f"running text {furniture!r} left in chunks (position, pages) {hits}"


def test_line_end_hyphenation_is_resolved(case: Case, manifest: SampleManifest) -> None:
    text = _norm(case.all_text)
    assert len(manifest.hyphenations) >= 5, "the sample should draw several line-end breaks"
    for drawn, expected in manifest.hyphenations:
        head, tail = drawn.split("-\n")
        assert re.search(rf"\b{re.escape(expected)}\b", text), (
            f"{drawn!r} should read {expected!r} in the chunks"
        )
        compound = "-" in expected
        broken = [
            f"{head}- {tail}",
            f"{head} {tail}",
            head + tail if compound else f"{head}-{tail}",
        ]
        found = [b for b in broken if re.search(rf"\b{re.escape(b)}\b", text)]
        assert not found, f"{drawn!r} should read {expected!r}, but chunks have {found}"


def test_no_bullet_glyphs_or_private_use_characters(case: Case) -> None:
    for chunk in case.chunks:
        bad = _CONTROL.findall(chunk.text) + _PRIVATE_USE.findall(chunk.text)
        assert not bad, (
            f"chunk {chunk.position} (p. {chunk.page_labels}) has characters "
            f"{sorted({hex(ord(ch)) for ch in bad})}: {chunk.text[:80]!r}"
        )


def test_two_column_page_reads_in_column_order(case: Case, manifest: SampleManifest) -> None:
    """Each column is read top to bottom, and the left column before the right one.

    On the sample's one two-column page the sentence "Movement between neighbouring countries
    with free movement protocols may need no visa at all" runs from the foot of the left column
    to the head of the right one; a paragraph of the left column is read whole.
    """
    page = next(s.start_index for s in manifest.sections if s.title == TWO_COLUMN_SECTION)
    on_page = [c for c in case.chunks if page in c.page_indexes]
    left = (
        "A corridor is the combination of a country of origin, a country of destination and "
        "the routes, intermediaries and networks that connect them."
    )
    across = (
        "Movement between neighbouring countries with free movement protocols may need no "
        "visa at all, and the partnership then focuses on recognition, training and social "
        "protection rather than admission."
    )
    for sentence in (left, across):
        holders = [c.position for c in on_page if sentence in _norm(c.text)]
        assert holders, (
            f"{sentence!r} is not contiguous in any chunk of page index {page}; chunks there: "
            + "; ".join(
                f"[{c.position} {c.section!r}] {c.text[:70]!r}..{c.text[-40:]!r}" for c in on_page
            )
        )
    wrong = [
        (c.position, c.section)
        for c in on_page
        if c.kind == "narrative" and c.section != TWO_COLUMN_SECTION
    ]
    assert not wrong, f"narrative on the two-column page outside {TWO_COLUMN_SECTION!r}: {wrong}"
    section_text = _stitch([c.text for c in case.chunks if c.section == TWO_COLUMN_SECTION])
    assert section_text.index(left) < section_text.index(across), "columns read out of order"


# -- invariants -------------------------------------------------------------------------------


def test_no_chunk_crosses_a_chapter_boundary(case: Case, manifest: SampleManifest) -> None:
    for chunk in case.chunks:
        division = case.division(chunk)
        outside = [
            i for i in chunk.page_indexes if not division.start_index <= i <= division.end_index
        ]
        assert not outside, (
            f"chunk {chunk.position} ({chunk.location()}) has pages {chunk.page_indexes} "
            f"outside its division {division.title!r} "
            f"[{division.start_index}, {division.end_index}]"
        )
    # The sample starts every chapter on a new page: a chapter's chunks stop before the next.
    starts = [c.start_index for c in manifest.chapters] + [manifest.back_matter_index]
    for number, (first, following) in enumerate(itertools.pairwise(starts), start=1):
        for chunk in (c for c in case.chunks if c.chapter == number):
            assert first <= min(chunk.page_indexes) and max(chunk.page_indexes) < following, (
                f"chunk {chunk.position} of chapter {number} has pages {chunk.page_indexes}, "
                f"the chapter spans page indexes {first}..{following - 1}"
            )


def test_page_indexes_are_sorted_and_contiguous(case: Case) -> None:
    for chunk in case.chunks:
        pages = chunk.page_indexes
        assert pages, f"chunk {chunk.position} has no pages"
        steps = [b - a for a, b in itertools.pairwise(pages)]
        assert all(0 < step <= 1 for step in steps), (
            f"chunk {chunk.position} pages {pages} are not increasing one page at a time"
        )


def test_chunk_order_follows_page_order(case: Case) -> None:
    assert [c.position for c in case.chunks] == list(range(len(case.chunks))), (
        "positions should run 0..n-1 in order"
    )
    firsts = [c.page_indexes[0] for c in case.chunks]
    back = [
        (a.position, a.page_indexes[0], b.page_indexes[0])
        for a, b in itertools.pairwise(case.chunks)
        if b.page_indexes[0] < a.page_indexes[0]
    ]
    assert not back, f"chunk order goes back in the page order at (position, page, next) {back}"
    assert firsts[0] == 0 and firsts[-1] == case.result.document.n_pages - 1, (
        f"chunks should run from the first page to the last, ran {firsts[0]}..{firsts[-1]}"
    )


def test_page_labels_match_the_document(case: Case, manifest: SampleManifest) -> None:
    labels = case.result.document.page_labels
    assert len(labels) == manifest.n_pages, f"{len(labels)} labels for {manifest.n_pages} pages"
    for chapter in manifest.chapters:
        assert labels[chapter.start_index] == chapter.start_label, (
            f"page index {chapter.start_index} should print {chapter.start_label!r}"
        )
    for chunk in case.chunks:
        expected = tuple(labels[i] for i in chunk.page_indexes)
        assert chunk.page_labels == expected, (
            f"chunk {chunk.position} labels {chunk.page_labels} but its pages "
            f"{chunk.page_indexes} print {expected}"
        )


def test_ids_unique_and_stable(case: Case, tmp_path_factory: pytest.TempPathFactory) -> None:
    ids = [c.id for c in case.chunks]
    repeated = [i for i, n in Counter(ids).items() if n > 1]
    assert not repeated, f"duplicate chunk IDs: {repeated}"
    copy = tmp_path_factory.mktemp("copy") / "renamed.pdf"
    copy.write_bytes(case.path.read_bytes())
    again = ingest_pdf(copy, settings=Settings())
    assert [c.id for c in again.chunks] == ids, (
        "ingesting the same bytes again (under another name) must give the same chunk IDs"
    )
    assert again.document.id == case.result.document.id, "document ID must follow the bytes"


def test_ids_differ_between_different_pdfs(results: dict[bool, Case]) -> None:
    with_outline, without = results[True], results[False]
    assert with_outline.path.read_bytes() != without.path.read_bytes(), "PDFs should differ"
    assert with_outline.result.document.id != without.result.document.id, (
        "different PDF bytes must give different document IDs"
    )
    shared = {c.id for c in with_outline.chunks} & {c.id for c in without.chunks}
    assert not shared, f"{len(shared)} chunk IDs shared between two different PDFs"


def test_narrative_chunks_fit_the_embedder(case: Case) -> None:
    narrative = [c for c in case.chunks if c.kind == "narrative"]
    assert len(narrative) >= 20, f"only {len(narrative)} narrative chunks"
    too_long = [
        (c.position, len(c.embedding_text().split()))
        for c in narrative
        if len(c.embedding_text().split()) > EMBEDDING_WORD_BUDGET
    ]
    assert not too_long, (
        f"narrative chunks over {EMBEDDING_WORD_BUDGET} words as embedded "
        f"(position, words): {too_long}"
    )
    empty = [c.position for c in case.chunks if not c.text.strip()]
    assert not empty, f"empty chunks at positions {empty}"


def test_acronyms_and_glossary(case: Case, manifest: SampleManifest) -> None:
    acronyms = dict(case.result.document.acronyms)
    assert acronyms.get("SMP") == "Skills Mobility Partnership", (
        f"SMP should expand to 'Skills Mobility Partnership', got {acronyms.get('SMP')!r}"
    )
    wrong = [(a, e, acronyms.get(a)) for a, e in manifest.acronyms if acronyms.get(a) != e]
    assert not wrong, f"acronyms (term, expected, found) parsed wrongly: {wrong}"
    glossary = dict(case.result.document.glossary)
    for term, definition in manifest.glossary:
        assert term in glossary, f"glossary term {term!r} missing; found {sorted(glossary)}"
        opening = " ".join(definition.split()[:8])
        assert _norm(glossary[term]).startswith(opening), (
            f"definition of {term!r} should start {opening!r}, got {glossary[term][:80]!r}"
        )


# -- records ----------------------------------------------------------------------------------


def test_citation_names_document_chapter_section_and_page(case: Case) -> None:
    chunks = [c for c in case.chunks if c.chapter is not None and c.section != c.chapter_title]
    assert chunks, "no chunk inside a numbered chapter's section"
    title = case.result.document.title
    assert "Skills Mobility Partnerships" in title, f"document title {title!r}"
    for chunk in chunks:
        citation = chunk.citation()
        for part in (title, f"ch. {chunk.chapter}", chunk.section, f"p. {chunk.page_labels[0]}"):
            assert part in citation, f"{part!r} missing from citation {citation!r}"


def test_chunk_json_round_trip(case: Case) -> None:
    for chunk in case.chunks:
        assert Chunk.from_json(chunk.to_json()) == chunk, f"chunk {chunk.position} round trip"


def _words(texts: Iterable[str]) -> int:
    return sum(len(t.split()) for t in texts)


def test_chunks_cover_the_recommendation_and_body_text(
    case: Case, manifest: SampleManifest
) -> None:
    """Sanity floor: ingest keeps the body, not only the units tested above."""
    body = _words(c.text for c in case.chunks if c.chapter is not None)
    recs = _words(r.text for r in manifest.recommendations)
    assert body > 5 * recs, f"only {body} words in chapter chunks ({recs} in recommendations)"
