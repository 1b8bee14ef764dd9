"""The sample generator is its own package: its text is package data, found through
importlib.resources, shipped in the wheel, and it shares no code with the parser."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest.sample import (
    SampleDataError,
    SampleManifest,
    data_root,
    load_sample_text,
    lower_roman,
    page_label,
    read_sample_text,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "ingest" / "sample"


def _source_data_files() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (SAMPLE / "data").rglob("*.yaml")}


def test_text_is_found_through_importlib_resources() -> None:
    root = data_root()
    assert root.joinpath("document.yaml").is_file(), "document.yaml missing from package data"
    chapter_files = sorted(e.name for e in root.joinpath("chapters").iterdir())
    text = load_sample_text()
    assert len(chapter_files) == len(text.chapters) >= 13, chapter_files
    assert [c.number for c in text.chapters] == list(range(1, len(text.chapters) + 1))
    assert text.footer_marker and text.pdf_title, "document.yaml read without its metadata"


def test_every_block_kind_is_used() -> None:
    text = load_sample_text()
    blocks = [
        b for c in text.chapters for b in (*c.intro, *(b for s in c.sections for b in s.blocks))
    ]
    kinds = {type(b).__name__ for b in (*blocks, *text.back_blocks)}
    expected = {"Para", "Recs", "Box", "Resources", "Footnotes", "TableSpec", "FigureSpec"}
    assert kinds == expected, f"kinds read from the data files: {sorted(kinds)}"
    assert sum(s.two_column for c in text.chapters for s in c.sections) == 1


def test_malformed_data_is_named(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE / "data", tmp_path / "data")
    chapter = tmp_path / "data" / "chapters" / "01.yaml"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("- para:", "- paragraph:", 1),
        encoding="utf-8",
    )
    with pytest.raises(SampleDataError, match="01.yaml.*paragraph"):
        read_sample_text(tmp_path / "data")


@pytest.mark.parametrize(
    ("value", "numeral"),
    [(1, "i"), (4, "iv"), (9, "ix"), (14, "xiv"), (40, "xl"), (90, "xc"), (1994, "mcmxciv")],
)
def test_lower_roman(value: int, numeral: str) -> None:
    assert lower_roman(value) == numeral


def test_page_labels_agree_with_pypdf(sample_pdf: Path) -> None:
    """pypdf turns the PDF's /PageLabels into numerals itself: an independent check."""
    reader = PdfReader(sample_pdf)
    body_start = next(i for i, label in enumerate(reader.page_labels) if label == "1")
    assert body_start > 4, "the sample needs several roman front-matter pages"
    for index, label in enumerate(reader.page_labels):
        expected = page_label(index, body_start)
        assert label == expected, f"page {index}: pypdf {label!r}, printed {expected!r}"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_sample_imports_nothing_of_the_parser() -> None:
    for path in sorted(SAMPLE.glob("*.py")):
        ours = {m for m in _imports(path) if m == "ingest" or m.startswith("ingest.")}
        wrong = {m for m in ours if not m.startswith("ingest.sample")}
        assert not wrong, f"{path.name} imports {sorted(wrong)}: the sample must stay independent"


@pytest.mark.slow
def test_wheel_ships_the_text(tmp_path: Path) -> None:
    """Build a wheel from a copy of the sources (the build writes next to them), then load the
    sample's text from the unpacked wheel alone."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("ingest", "index", "assistant", "evals"):
        shutil.copytree(ROOT / package, src / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    command = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation"]
    subprocess.run([*command, "-w", str(tmp_path)], check=True, env=env, capture_output=True)
    (wheel,) = tmp_path.glob("smp_guide-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
        missing = _source_data_files() - shipped
        assert not missing, f"the wheel lacks sample data files: {sorted(missing)}"
        archive.extractall(tmp_path / "unpacked")
    probe = (
        "import ingest.sample as s; print(s.data_root()); print(len(s.load_sample_text().chapters))"
    )
    env["PYTHONPATH"] = str(tmp_path / "unpacked")
    done = subprocess.run(
        [sys.executable, "-c", probe],
        check=False,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    where, count = done.stdout.split()
    assert Path(where).is_relative_to(tmp_path / "unpacked"), f"data read from {where}"
    assert int(count) == len(load_sample_text().chapters)


def test_manifest_type_is_the_public_one() -> None:
    from ingest import SampleManifest as Exported

    assert Exported is SampleManifest
