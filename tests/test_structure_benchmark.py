"""The structure benchmark runs over every expected file and reports every field; its
targets (chapters, title, verbatim text, tables, formal recommendations) are what ingest
is measured against."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from assistant import Settings
from ingest import IngestResult, ingest_pdf
from ingest.sample import SampleManifest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "structure.py"
EXPECTED = ROOT / "benchmarks" / "expected"
FIELDS = {
    "name",
    "chapters_found",
    "chapters_expected",
    "extra_chapters",
    "title",
    "title_ok",
    "verbatim_pct",
    "tables",
    "footnotes",
    "boxes",
    "recommendations",
    "table_cells_as_prose",
    "recs_found",
    "recs_expected",
    "misses",
}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=900,
    )


def _benchmark() -> ModuleType:
    """benchmarks/structure.py as a module, so its measure() can reuse this session's ingests."""
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        spec = importlib.util.spec_from_file_location("structure_benchmark", SCRIPT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return module


BENCH = _benchmark()

# Where ingest does not reach a target yet, the level it reaches is held here so that it
# cannot slip back; benchmarks/structure.py still reports these as misses and exits 1.
SHORT_OF_TARGET: dict[str, dict[str, float]] = {
    "ilo_labstat_module1": {"cells_as_prose": 1},
    "unodc_glotip_2024_ch2": {"verbatim_pct": 98.9},
}


def _assert_targets(row: Any) -> None:
    held = SHORT_OF_TARGET.get(row.name, {})
    assert not row.chapters_missed and not row.extra_chapters, row.misses
    assert row.title_ok, row.title
    assert row.recs_found == row.recs_expected, row.misses
    assert row.verbatim_pct >= held.get("verbatim_pct", 100 * BENCH.VERBATIM_TARGET), row.misses
    assert len(row.table_cells_as_prose) <= held.get("cells_as_prose", 0), row.misses


@pytest.mark.parametrize("name", sorted(p.stem for p in EXPECTED.glob("*.json")))
def test_structure_targets_on_real_pdfs(
    real_pdfs_dir: Path, real_ingested: Callable[[str], IngestResult], name: str
) -> None:
    expected = BENCH.load_expected(EXPECTED / f"{name}.json", real_pdfs_dir)
    row = BENCH.measure(expected, real_ingested(expected.pdf.name))
    assert set(asdict(row)) >= FIELDS, f"{name} lacks {FIELDS - set(asdict(row))}"
    assert row.sentences > 100, f"{name}: too few sentences checked"
    _assert_targets(row)


@pytest.mark.parametrize("outline", [True, False], ids=["outline", "no_outline"])
def test_structure_targets_on_the_sample(tmp_path: Path, outline: bool) -> None:
    expected = BENCH.sample_expected(tmp_path, outline=outline)
    row = BENCH.measure(expected, ingest_pdf(expected.pdf, settings=Settings()))
    assert row.chapters_expected == 13, row
    assert not row.misses, row.misses
    _assert_targets(row)


def test_plain_output_has_a_row_and_names_misses() -> None:
    proc = _run("--only", "sample")
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["document", "pages", "chapters"], proc.stdout
    assert [ln.split()[0] for ln in lines[2:3]] == ["sample"], proc.stdout
    if proc.returncode:
        assert "sample: MISSED" in proc.stdout, proc.stdout
    else:
        assert "all targets met" in proc.stdout, proc.stdout


def test_unknown_document_is_an_error() -> None:
    proc = _run("--only", "no_such_document")
    assert proc.returncode == 2 and "no expected file" in proc.stderr, proc.stderr


def test_extra_expected_folder_is_measured(
    tmp_path: Path, sample_pdf_no_outline: Path, sample_no_outline_manifest: SampleManifest
) -> None:
    shutil.copy(sample_pdf_no_outline, tmp_path / "held_out.pdf")
    manifest = sample_no_outline_manifest
    first = manifest.chapters[0]
    expected = {
        "pdf": "held_out.pdf",
        "title": "A title the sample does not have",
        "chapters": [
            {
                "number": first.number,
                "title": first.title,
                "printed": first.start_label,
                "index": first.start_index,
            }
        ],
    }
    (tmp_path / "held_out.json").write_text(json.dumps(expected), encoding="utf-8")
    proc = _run("--json", "--expected-dir", str(tmp_path), "--only", "held_out")
    assert "Traceback" not in proc.stderr, proc.stderr
    (row,) = json.loads(proc.stdout)["rows"]
    assert row["name"] == "held_out" and row["chapters_found"] == 1, row
    assert row["title_ok"] is False and proc.returncode == 1, row
    assert any("title" in miss for miss in row["misses"]), row["misses"]
