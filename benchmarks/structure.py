"""Structure: chapters, title, verbatim text, tables and recommendations against expected files.

    python benchmarks/structure.py [--real-dir DIR] [--expected-dir DIR] [--heldout]
        [--only NAME] [--json]

Each ``benchmarks/expected/<pdf stem>.json`` names a PDF (looked up next to the JSON, then in
--real-dir, else $SMP_GUIDE_REAL_PDFS, else ../shared/real-pdfs next to the repository) and
its true structure: the cover title, the numbered chapters with printed start pages, the
formal recommendations and a few distinctive cells of each table. The generated sample,
with and without an outline, is measured against the generator's own records. Targets:
every numbered chapter at its printed start page, no extra numbered chapters, the cover's
title, at least 99.5% of chunk sentences verbatim on their pages, no table cell stored in
a prose chunk, and every formal recommendation as a ``recommendation`` chunk on its page.
Exits 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pypdf
from _common import ROOT, real_pdfs_dir

from assistant import Settings
from ingest import Chunk, IngestResult, build_sample_pdf, ingest_pdf
from ingest._pdf import Page, read_page_or_none
from ingest._verbatim import canonical, page_texts
from ingest.sample import TableSpec, load_sample_text

EXPECTED_DIR = ROOT / "benchmarks" / "expected"
VERBATIM_TARGET = 0.995
_STOP = frozenset(
    ("a", "an", "and", "the", "of", "in", "on", "for", "to", "from", "with", "by", "at", "or")
    + ("as", "its", "their", "this", "that", "is", "are", "be")
)
_WORD = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*")


@dataclass(frozen=True)
class Expected:
    name: str
    pdf: Path
    title: str
    title_may_include: tuple[str, ...]
    chapters: tuple[dict[str, Any], ...]
    recommendations: tuple[dict[str, Any], ...]
    tables: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Row:
    name: str
    pages: int
    chapters_found: int
    chapters_expected: int
    chapters_missed: tuple[str, ...]
    extra_chapters: tuple[str, ...]
    title: str
    title_ok: bool
    sentences: int
    verbatim_pct: float
    tables: int
    footnotes: int
    boxes: int
    recommendations: int
    tables_found: int
    tables_expected: int
    table_cells_as_prose: tuple[str, ...]
    recs_found: int
    recs_expected: int
    misses: tuple[str, ...]


def main_words(text: str) -> list[str]:
    """Lower-cased words without punctuation or the commonest function words."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def title_ok(found: str, expected: str, may_include: Sequence[str] = ()) -> bool:
    """All the expected title's main words, and nothing else but the allowed extras."""
    words = set(main_words(found))
    allowed = set(main_words(expected)) | set(main_words(" ".join(may_include)))
    return set(main_words(expected)) <= words <= allowed


def chapter_title_ok(found: str, expected: str) -> bool:
    """Most main words shared both ways: a heading cut short or run on still counts."""
    want, got = set(main_words(expected)), set(main_words(found))
    if not want or not got:
        return False
    shared = len(want & got)
    return shared / len(want) >= 0.6 and shared / len(got) >= 0.6


def _from_generator_format(data: dict[str, Any]) -> dict[str, Any]:
    """The held-out set's files (tests/heldout) name pages as printed; read them alike."""
    return {
        "pdf": data["file"],
        "title": data["title"],
        "chapters": [
            {"number": c["number"], "title": c["title"], "printed": c["start_page"], "index": None}
            for c in data["chapters"]
        ],
        "recommendations": [
            {"page": r["page"], "starts_with": r["starts_with"]}
            for r in data.get("recommendations", ())
        ],
        "tables": [
            {"caption": t["caption"], "index": t["page_index"], "cells": t["cells"]}
            for t in data.get("tables", ())
        ],
    }


def load_expected(path: Path, real_dir: Path | None) -> Expected:
    data = json.loads(path.read_text(encoding="utf-8"))
    if "file" in data:
        data = _from_generator_format(data)
    pdf = path.parent / data["pdf"]
    if not pdf.is_file() and real_dir is not None:
        pdf = real_dir / data["pdf"]
    return Expected(
        path.stem,
        pdf,
        data["title"],
        tuple(data.get("title_may_include", ())),
        tuple(data["chapters"]),
        tuple(data.get("recommendations", ())),
        tuple(data.get("tables", ())),
    )


def sample_expected(folder: Path, *, outline: bool) -> Expected:
    """The generated sample and what its generator recorded about it."""
    text = load_sample_text()
    pdf = folder / ("sample.pdf" if outline else "sample_no_outline.pdf")
    manifest = build_sample_pdf(pdf, outline=outline)
    texts = page_texts(_raw_pages(pdf))
    tables = []
    for spec in _table_specs(text.chapters):
        cell = canonical(spec.rows[0][0])
        index = next((i for i, t in sorted(texts.items()) if cell in t.text), None)
        # Header cells of two words or more are distinctive; one-word ones ("Source") are not.
        cells = [c for c in spec.header if len(c.split()) > 1] + list(spec.rows[0][:2])
        tables.append({"caption": spec.title, "index": index, "cells": cells})
    return Expected(
        pdf.stem,
        pdf,
        text.pdf_title,
        (),
        tuple(
            {"number": c.number, "title": c.title, "printed": c.start_label, "index": c.start_index}
            for c in manifest.chapters
        ),
        (),
        tuple(tables),
    )


def _table_specs(value: object) -> Iterator[TableSpec]:
    if isinstance(value, TableSpec):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _table_specs(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _table_specs(getattr(value, f.name))


def _raw_pages(pdf: Path) -> list[Page]:
    """The pages as ingest reads them before any clean-up: where the sample's tables are."""
    reader = pypdf.PdfReader(pdf)
    seconds = Settings().ingest.page_seconds
    pages = (read_page_or_none(reader, i, seconds=seconds) for i in range(len(reader.pages)))
    return [page for page in pages if page is not None]


def measure(expected: Expected, result: IngestResult) -> Row:
    """The benchmark's row for one ingested document against what is expected of it."""
    report = result.text_check
    found, missed, extra = _chapters(result, expected)
    doc_title = result.document.title
    right_title = title_ok(doc_title, expected.title, expected.title_may_include)
    as_prose = _cells_as_prose(result.chunks, expected)
    tables_found = _tables_found(result.chunks, expected)
    recs_found = _recs_found(result.chunks, expected)
    counts = result.counts_by_kind()
    misses = []
    if missed:
        misses.append(f"chapters missed or misplaced: {', '.join(missed)}")
    if extra:
        misses.append(f"extra numbered chapters: {', '.join(extra)}")
    if not right_title:
        misses.append(f"title {doc_title!r}, expected {expected.title!r}")
    if report.ratio < VERBATIM_TARGET:
        misses.append(f"{100 * report.ratio:.1f}% of sentences verbatim (target 99.5%)")
    if as_prose:
        misses.append(f"{len(as_prose)} table cells stored as prose")
    if recs_found < len(expected.recommendations):
        misses.append(
            f"{recs_found} of {len(expected.recommendations)} formal recommendations found"
        )
    return Row(
        expected.name,
        result.document.n_pages,
        found,
        len(expected.chapters),
        tuple(missed),
        tuple(extra),
        doc_title,
        right_title,
        report.checked,
        round(100 * report.ratio, 2),
        counts["table"],
        counts["footnote"],
        counts["box"],
        counts["recommendation"],
        tables_found,
        len(expected.tables),
        tuple(as_prose),
        recs_found,
        len(expected.recommendations),
        tuple(misses),
    )


def _chapters(result: IngestResult, expected: Expected) -> tuple[int, list[str], list[str]]:
    numbered = [c for c in result.document.chapters if c.number is not None]
    found, missed = 0, []
    for want in expected.chapters:
        hit = any(
            c.number == want["number"]
            and c.start_label == want["printed"]
            and chapter_title_ok(c.title, want["title"])
            for c in numbered
        )
        found += hit
        if not hit:
            missed.append(f"{want['number']} (p. {want['printed']})")
    wanted = {want["number"] for want in expected.chapters}
    seen: set[int] = set()
    extra = []
    for c in numbered:
        if c.number not in wanted or c.number in seen:
            extra.append(f"{c.number} {c.title[:40]!r} (p. {c.start_label})")
        seen.add(c.number)  # type: ignore[arg-type]
    return found, missed, extra


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _cells_as_prose(chunks: Sequence[Chunk], expected: Expected) -> list[str]:
    """Expected table cells inside a non-table chunk on the table's page.

    Only that page counts: a row label may also be a phrase the body text uses elsewhere.
    """
    out = []
    for table in expected.tables:
        prose = [
            _squeezed(c.text)
            for c in chunks
            if c.kind != "table" and (table["index"] is None or table["index"] in c.page_indexes)
        ]
        for cell in table["cells"]:
            if any(_squeezed(cell) in text for text in prose):
                out.append(f"{table['caption'][:30]}: {cell!r}")
    return out


def _tables_found(chunks: Sequence[Chunk], expected: Expected) -> int:
    """Expected tables with a table chunk on their page that holds one of their cells."""
    tables = [c for c in chunks if c.kind == "table"]
    return sum(
        any(
            (table["index"] is None or table["index"] in c.page_indexes)
            and any(_squeezed(cell) in _squeezed(c.text) for cell in table["cells"])
            for c in tables
        )
        for table in expected.tables
    )


def _recs_found(chunks: Sequence[Chunk], expected: Expected) -> int:
    recs = [c for c in chunks if c.kind == "recommendation"]
    used: set[str] = set()
    found = 0
    for want in expected.recommendations:
        on_page = [
            c
            for c in recs
            if c.id not in used
            and (
                want["index"] in c.page_indexes
                if "index" in want
                else want["page"] in c.page_labels
            )
        ]
        if "starts_with" in want:
            start = _squeezed(want["starts_with"])
            named = [c for c in on_page if start in _squeezed(c.text)]
            on_page = []
        else:
            label = re.compile(rf"\bRecommendation\s+{want['number']}\b")
            named = [c for c in on_page if label.search(c.text)]
        pick = (named or on_page)[:1]
        if pick:
            used.add(pick[0].id)
            found += 1
    return found


def _print_table(rows: Sequence[Row]) -> None:
    header = (
        f"{'document':<24} {'pages':>5} {'chapters':>8} {'extra':>5} {'title':>5} "
        f"{'verbatim%':>9} {'table':>5} {'foot':>4} {'box':>4} {'rec':>4} "
        f"{'tables':>6} {'as prose':>8} {'formal recs':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        recs = f"{r.recs_found}/{r.recs_expected}" if r.recs_expected else "-"
        print(
            f"{r.name:<24} {r.pages:>5} {f'{r.chapters_found}/{r.chapters_expected}':>8} "
            f"{len(r.extra_chapters):>5} {'ok' if r.title_ok else 'WRONG':>5} "
            f"{r.verbatim_pct:>9.2f} {r.tables:>5} {r.footnotes:>4} {r.boxes:>4} "
            f"{r.recommendations:>4} {f'{r.tables_found}/{r.tables_expected}':>6} "
            f"{len(r.table_cells_as_prose):>8} {recs:>11}"
        )
    missed = [r for r in rows if r.misses]
    for r in missed:
        print(f"\n{r.name}: MISSED")
        for miss in r.misses:
            print(f"  - {miss}")
    print(
        "\nall targets met"
        if not missed
        else f"\n{len(missed)} of {len(rows)} documents miss a target"
    )


def _heldout_folder(tmp: Path) -> Path:
    """tests/heldout's PDFs and expected files, built into ``tmp``: layouts nobody tuned on."""
    sys.path.insert(0, str(ROOT))
    from tests.heldout import build_all

    folder = tmp / "heldout"
    folder.mkdir()
    build_all(folder)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real-dir", help="folder of the real PDFs the expected files name")
    parser.add_argument(
        "--expected-dir",
        type=Path,
        action="append",
        default=[],
        help="another folder of expected-structure JSON files (may be repeated)",
    )
    parser.add_argument(
        "--only", help="measure only this document (file stem, e.g. jiu_rep_2025_1)"
    )
    parser.add_argument(
        "--heldout",
        action="store_true",
        help="also build and measure the held-out designed PDFs of tests/heldout",
    )
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    for folder in args.expected_dir:
        if not folder.is_dir():
            parser.error(f"--expected-dir {folder} is not a folder")
    real_dir = real_pdfs_dir(args.real_dir)
    settings = Settings()
    rows: list[Row] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        documents = [
            sample_expected(Path(tmp), outline=outline)
            for outline, name in ((True, "sample"), (False, "sample_no_outline"))
            if not args.only or args.only == name
        ]
        folders = [EXPECTED_DIR, *args.expected_dir]
        if args.heldout:
            folders.append(_heldout_folder(Path(tmp)))
        for folder in folders:
            documents += [load_expected(p, real_dir) for p in sorted(folder.glob("*.json"))]
        for expected in documents:
            if args.only and expected.name != args.only:
                continue
            if not expected.pdf.is_file():
                skipped.append(f"{expected.name} ({expected.pdf.name} not found)")
                continue
            rows.append(measure(expected, ingest_pdf(expected.pdf, settings=settings)))
    if args.only and not rows and not skipped:
        parser.error(f"--only {args.only}: no expected file of that name")
    if args.json:
        print(json.dumps({"rows": [asdict(r) for r in rows], "skipped": skipped}, indent=2))
    else:
        _print_table(rows)
        for name in skipped:
            print(f"skipped {name}; set --real-dir or SMP_GUIDE_REAL_PDFS")
    return 1 if any(r.misses for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
