"""Ingest on six real policy PDFs from other publishers (see shared/real-pdfs/README.md)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from ingest import IngestResult

# (title fragment, printed start page) per file, from the README's chapter tables.
EXPECTED_CHAPTERS = {
    "nist_sp_800_207.pdf": [
        ("Table of Contents", "v"),
        ("Introduction", "1"),
        ("Zero Trust Basics", "4"),
        ("Logical Components", "9"),
        ("Deployment Scenarios", "23"),
        ("Threats Associated", "28"),
        ("Possible Interactions", "32"),
        ("Migrating to a Zero Trust", "36"),
        ("References", "42"),
        ("Acronyms", "45"),
        ("Identified Gaps", "46"),
    ],
    "oecd_ai_capability.pdf": [
        ("Foreword", "3"),
        ("Acknowledgment", "4"),
        ("Table of contents", "6"),
        ("Executive Summary", "8"),
        ("Overview of current AI capabilities", "11"),
        ("Constructing a framework", "17"),
        ("OECD AI Capability Indicators", "27"),
        ("Policy use cases", "47"),
    ],
    "jiu_rep_2025_1.pdf": [
        ("Contents", "iii"),
        ("Abbreviations and acronyms", "iv"),
        ("Introduction", "1"),
        ("Governance framework", "5"),
        ("Management", "11"),
        ("Financial framework", "28"),
        ("Strategic planning, partnerships", "37"),
        ("Human resources", "48"),
        ("Communications and knowledge", "56"),
        ("Information and communications", "59"),
        ("Oversight", "61"),
        ("Organizational structure", "69"),
        ("Methodology and response", "71"),
    ],
    "adb_tvet_bangladesh.pdf": [
        ("Contents", "iii"),
        ("Tables and Figures", "v"),
        ("Foreword", "vi"),
        ("Preface", "vii"),
        ("Executive Summary", "ix"),
        ("Abbreviations", "xiv"),
        ("Socioeconomic Background", "1"),
        ("Training System", "7"),
        ("Policies, Plans", "28"),
        ("System Analysis", "35"),
        ("Priority Reforms", "48"),
        ("Appendix 1", "53"),
        ("Appendix 2", "59"),
        ("Appendix 3", "62"),
        ("References", "65"),
    ],
    "ilo_labstat_module1.pdf": [
        ("Preface", "1"),
        ("Abstract", "3"),
        ("Contents", "5"),
        ("Pre-requisites", "7"),
        ("Learning objectives", "9"),
        ("Introduction", "11"),
        ("Economically active population", "13"),
        ("Currently active population", "23"),
        ("Employment statistics", "29"),
        ("Unemployment statistics", "41"),
        ("Underemployment statistics", "51"),
        ("Usually active population", "67"),
        ("Case study", "71"),
        ("Case study", "79"),
        ("Case study", "87"),
        ("Glossary", "95"),
        ("Bibliography", "99"),
    ],
    "unodc_glotip_2024_ch2.pdf": [
        ("Trafficking in persons in and from Africa", "65"),
        ("Endnotes", "104"),
    ],
}
# Numbered chapters as printed, per file: no extra numbered chapter anywhere.
NUMBERED = {
    "nist_sp_800_207.pdf": [str(n) for n in range(1, 8)],
    "oecd_ai_capability.pdf": ["1", "2", "3", "4"],
    "jiu_rep_2025_1.pdf": ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"],
    "adb_tvet_bangladesh.pdf": ["1", "2", "3", "4", "5"],
    "ilo_labstat_module1.pdf": ["1", "2", "3", "4", "5", "6"],
    "unodc_glotip_2024_ch2.pdf": ["2"],
}
# printed = index - offset on body pages; roman front matter where the README lists it.
BODY_OFFSET = {
    "nist_sp_800_207.pdf": (9, 58, 8),
    "oecd_ai_capability.pdf": (4, 54, 1),
    "jiu_rep_2025_1.pdf": (6, 78, 5),
}
ROMAN = {"nist_sp_800_207.pdf": {3: "ii", 8: "vii"}, "jiu_rep_2025_1.pdf": {4: "iii", 5: "iv"}}
FURNITURE = {
    "nist_sp_800_207.pdf": ["NIST SP 800-207 ZERO TRUST ARCHITECTURE"],
    "oecd_ai_capability.pdf": ["INTRODUCING THE OECD AI CAPABILITY INDICATORS © OECD"],
    "jiu_rep_2025_1.pdf": ["JIU/REP/2025/1 [Expanded report]", "25-10420"],
}
JIU_RECS = {1: "10", 2: "21", 3: "24", 4: "24", 5: "37", 6: "48", 7: "58", 8: "66"}


@pytest.mark.parametrize("name", sorted(EXPECTED_CHAPTERS))
def test_chapters_and_printed_start_pages(
    real_ingested: Callable[[str], IngestResult], name: str
) -> None:
    result = real_ingested(name)
    found = [(c.title, c.start_label) for c in result.document.chapters]
    misses = [
        (title, label)
        for title, label in EXPECTED_CHAPTERS[name]
        if not any(title.casefold() in t.casefold() and lab == label for t, lab in found)
    ]
    assert len(misses) <= 1, f"{name}: missed {misses}; found {found}"


@pytest.mark.parametrize("name", sorted(NUMBERED))
def test_numbered_chapters_are_exactly_the_printed_ones(
    real_ingested: Callable[[str], IngestResult], name: str
) -> None:
    chapters = real_ingested(name).document.chapters
    found = [c.printed_number for c in chapters if c.kind == "chapter"]
    assert found == NUMBERED[name], [(c.kind, c.printed_number, c.title) for c in chapters]


@pytest.mark.parametrize("name", sorted(BODY_OFFSET))
def test_printed_page_labels_on_body_pages(
    real_ingested: Callable[[str], IngestResult], name: str
) -> None:
    labels = real_ingested(name).document.page_labels
    first, last, offset = BODY_OFFSET[name]
    wrong = [(i, labels[i]) for i in range(first, last + 1) if labels[i] != str(i - offset)]
    assert not wrong, f"{name}: wrong printed labels at (index, label) {wrong}"
    for index, roman in ROMAN.get(name, {}).items():
        assert labels[index] == roman, f"{name}: index {index} should print {roman}"


@pytest.mark.parametrize("name", sorted(FURNITURE))
def test_running_headers_and_footers_are_not_in_chunks(
    real_ingested: Callable[[str], IngestResult], name: str
) -> None:
    chunks = real_ingested(name).chunks
    for text in FURNITURE[name]:
        flat = re.sub(r"\s+", " ", text)
        hits = [
            c.page_labels
            for c in chunks
            if flat in re.sub(r"\s+", " ", c.text) and c.kind != "front_matter"
        ]
        assert not hits, f"{name}: running text {text!r} left in chunks on pages {hits}"


def test_jiu_recommendation_blocks_become_units(
    real_ingested: Callable[[str], IngestResult],
) -> None:
    recs = [c for c in real_ingested("jiu_rep_2025_1.pdf").chunks if c.kind == "recommendation"]
    numbers = {
        int(m.group(1)): c for c in recs if (m := re.match(r"Recommendation (\d+)\b", c.text))
    }
    assert sorted(numbers) == list(range(1, 9)), [c.text[:40] for c in recs]
    for number, label in JIU_RECS.items():
        assert numbers[number].page_labels[0] == label, (number, numbers[number].page_labels)
        assert numbers[number].rec_id and numbers[number].rec_id.startswith("R")


def test_footnote_markers_are_not_glued_to_words(
    real_ingested: Callable[[str], IngestResult],
) -> None:
    text = " ".join(c.text for c in real_ingested("jiu_rep_2025_1.pdf").chunks)
    assert "Rules.17" not in text and "Regulations and Rules. The current" in text


def test_acronyms_are_parsed_into_entries(real_ingested: Callable[[str], IngestResult]) -> None:
    nist = dict(real_ingested("nist_sp_800_207.pdf").document.acronyms)
    assert nist.get("ZTA") == "Zero Trust Architecture"
    jiu = dict(real_ingested("jiu_rep_2025_1.pdf").document.acronyms)
    assert jiu.get("JIU") == "Joint Inspection Unit"


def test_oecd_box_is_one_unit(real_ingested: Callable[[str], IngestResult]) -> None:
    boxes = [c for c in real_ingested("oecd_ai_capability.pdf").chunks if c.kind == "box"]
    assert [b.page_labels[0] for b in boxes] == ["50"], [
        (b.text[:40], b.page_labels) for b in boxes
    ]
    assert boxes[0].chapter == 4


def test_roman_chapters_are_cited_as_printed(real_ingested: Callable[[str], IngestResult]) -> None:
    chunks = real_ingested("jiu_rep_2025_1.pdf").chunks
    fourth = [c for c in chunks if c.chapter == 4]
    assert fourth and all(c.location().startswith("ch. IV,") for c in fourth), fourth[0].location()
    nist = real_ingested("nist_sp_800_207.pdf").chunks
    assert any(c.location().startswith("ch. 3,") for c in nist)
