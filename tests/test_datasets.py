"""The bundled question sets: well formed, and every reference quote is on a page it names.

Only ``evals``' own loader and pypdf are used (no ingest, index or assistant), so a set is
checked against the page text itself and never against what the system retrieves.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pypdf
import pytest

from evals import bundled_datasets, load_dataset
from evals._dataset import GoldQuestion

# A set per real PDF; publication_questions.jsonl (the IOM publication, no page labels)
# only has to load with unique ids.
REAL_SETS = {
    "nist": "nist_sp_800_207.pdf",
    "oecd": "oecd_ai_capability.pdf",
    "jiu": "jiu_rep_2025_1.pdf",
    "adb": "adb_tvet_bangladesh.pdf",
    "ilo": "ilo_labstat_module1.pdf",
    "unodc": "unodc_glotip_2024_ch2.pdf",
}
NOT_REAL = {"publication"}
MIN_QUESTIONS = 30
UNANSWERABLE = 6

# Files without /PageLabels: PDF index = printed number + offset (arabic, roman front matter).
OFFSETS: dict[str, tuple[int, int | None]] = {
    "nist_sp_800_207.pdf": (8, 1),
    "oecd_ai_capability.pdf": (1, None),
    "jiu_rep_2025_1.pdf": (5, 1),
    "ilo_labstat_module1.pdf": (2, None),
}

SETS = sorted(bundled_datasets().glob("*_questions.jsonl"))
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _set_name(path: Path) -> str:
    return path.name.removesuffix("_questions.jsonl")


def _roman(label: str) -> int | None:
    if not label or any(ch not in ROMAN for ch in label.lower()):
        return None
    values = [ROMAN[ch] for ch in label.lower()]
    return sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))


def _norm(text: str) -> str:
    """Whitespace- and hyphenation-insensitive form (a word broken "effec-\\ntive" matches)."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


@cache
def _reader(path: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(path)


@cache
def _page_text(path: Path, index: int) -> str:
    return _reader(path).pages[index].extract_text() or ""


def _has_page_labels(reader: pypdf.PdfReader) -> bool:
    return "/PageLabels" in reader.trailer["/Root"]


def printed_to_index(path: Path, label: str) -> int:
    """PDF index of the page whose printed number is ``label``."""
    reader = _reader(path)
    if _has_page_labels(reader):
        labels = [reader.page_labels[i] for i in range(len(reader.pages))]
        assert label in labels, f"{path.name}: no page labelled {label!r}"
        return labels.index(label)
    arabic, roman = OFFSETS[path.name]
    if label.isdigit():
        index = int(label) + arabic
    else:
        value = _roman(label)
        assert value is not None and roman is not None, f"{path.name}: bad page label {label!r}"
        index = value + roman
    assert 0 <= index < len(reader.pages), f"{path.name}: page {label} is past the end"
    return index


def _label_printed(text: str, label: str) -> bool:
    """The label stands on the page as a number (header/footer text may be glued to it)."""
    after = r"(?!\d)" if label.isdigit() else r"(?![ivxlc])"
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(label)}{after}", text) is not None


@pytest.fixture(scope="module", params=SETS, ids=_set_name)
def question_set(request: pytest.FixtureRequest) -> tuple[str, list[GoldQuestion]]:
    path: Path = request.param
    return _set_name(path), load_dataset(path)


def test_every_set_is_registered() -> None:
    names = {_set_name(p) for p in SETS}
    assert set(REAL_SETS) <= names
    assert names - set(REAL_SETS) <= NOT_REAL, "a new question set needs its PDF in REAL_SETS"


def test_ids_unique_and_unanswerable_cite_nothing(
    question_set: tuple[str, list[GoldQuestion]],
) -> None:
    _, questions = question_set
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids))
    for q in questions:
        if not q.answerable:
            assert q.expected_pages == [] and q.expected_rec_ids == [], q.id
            assert q.reference_quote == "", q.id


def test_real_set_size_and_shape(question_set: tuple[str, list[GoldQuestion]]) -> None:
    name, questions = question_set
    if name not in REAL_SETS:
        pytest.skip(f"{name} is not a real-PDF set")
    assert len(questions) >= MIN_QUESTIONS
    assert sum(not q.answerable for q in questions) == UNANSWERABLE
    assert {q.document for q in questions} == {REAL_SETS[name]}
    for q in questions:
        if q.answerable:
            assert q.expected_pages and q.reference_quote and q.reference_answer, q.id


def test_quotes_are_on_their_pages(
    question_set: tuple[str, list[GoldQuestion]], real_pdfs_dir: Path
) -> None:
    name, questions = question_set
    if name not in REAL_SETS:
        pytest.skip(f"{name} is not a real-PDF set")
    pdf = real_pdfs_dir / REAL_SETS[name]
    problems = []
    for q in questions:
        if not q.answerable:
            continue
        texts = []
        for label in q.expected_pages:
            text = _page_text(pdf, printed_to_index(pdf, label))
            if not _label_printed(text, label):
                problems.append(f"{q.id}: page {label} does not print {label!r}")
            texts.append(_norm(text))
        if not any(_norm(q.reference_quote) in t for t in texts):
            problems.append(f"{q.id}: quote not on pages {q.expected_pages}")
    assert not problems, "\n".join(problems)


def test_printed_labels_map_to_the_right_pages(real_pdfs_dir: Path) -> None:
    """Spot checks of the label helper against pages whose number is known."""
    cases = {
        "nist_sp_800_207.pdf": {"ii": 3, "1": 9, "50": 58},
        "jiu_rep_2025_1.pdf": {"iii": 4, "iv": 5, "1": 6},
        "oecd_ai_capability.pdf": {"3": 4, "53": 54},
        "ilo_labstat_module1.pdf": {"1": 3, "95": 97},
        "adb_tvet_bangladesh.pdf": {"ix": 9, "xiv": 14, "1": 15, "67": 81},
        "unodc_glotip_2024_ch2.pdf": {"65": 0, "109": 44},
    }
    for file, pages in cases.items():
        for label, index in pages.items():
            assert printed_to_index(real_pdfs_dir / file, label) == index, (file, label)
