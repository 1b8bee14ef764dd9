"""The structure benchmark runs over every expected file and reports every field; its
targets (chapters, title, verbatim text, tables, formal recommendations) are what ingest
is measured against."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

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


@pytest.fixture(scope="module")
def full_run(real_pdfs_dir: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    proc = _run("--json", "--real-dir", str(real_pdfs_dir))
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, json.loads(proc.stdout)


def test_every_expected_file_gets_a_row_with_every_field(
    full_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    proc, report = full_run
    names = [row["name"] for row in report["rows"]]
    wanted = ["sample", "sample_no_outline", *sorted(p.stem for p in EXPECTED.glob("*.json"))]
    assert names == wanted, f"rows {names}, expected {wanted}; skipped {report['skipped']}"
    for row in report["rows"]:
        assert FIELDS <= set(row), f"{row['name']} lacks {FIELDS - set(row)}"
        assert 0 <= row["verbatim_pct"] <= 100, row
        assert row["chapters_found"] <= row["chapters_expected"], row
        assert row["sentences"] > 100, f"{row['name']}: too few sentences checked"
    assert proc.returncode == (1 if any(r["misses"] for r in report["rows"]) else 0)


@pytest.mark.xfail(strict=False, reason="ingest does not yet meet every structure target")
def test_every_structure_target_is_met(
    full_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    proc, report = full_run
    misses = {r["name"]: r["misses"] for r in report["rows"] if r["misses"]}
    assert proc.returncode == 0 and not misses, misses


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


def test_extra_expected_folder_is_measured(tmp_path: Path) -> None:
    from ingest import build_sample_pdf

    manifest = build_sample_pdf(tmp_path / "held_out.pdf", outline=False)
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
