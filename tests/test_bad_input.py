"""Bad PDFs, made with real tools, fail with one specific error, in the library and the CLI.

Each input is generated under tmp_path (reportlab, pypdf, Pillow, plain bytes); nothing of
ours is mocked. The CLI runs as a real subprocess: one ``error:`` line, the error's own exit
code, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import run_cli
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from assistant import Settings
from assistant.cli import exit_code_for
from ingest import (
    CorruptPdfError,
    EmptyPdfError,
    EncryptedPdfError,
    NotAPdfError,
    NoTextLayerError,
    SmpGuideError,
    ingest_pdf,
)

PASSWORD = "s3cret-pw"
MARKER = "Pineapple corridors deserve careful evaluation"


def assert_one_error_line(
    proc: subprocess.CompletedProcess[str], error: type[SmpGuideError]
) -> str:
    lines = proc.stderr.splitlines()
    assert proc.returncode != 0, f"CLI succeeded on bad input; stdout: {proc.stdout!r}"
    expected = exit_code_for(error("probe"))
    assert proc.returncode == expected, (
        f"exit code {proc.returncode}, expected {expected} for {error.__name__}; "
        f"stderr: {proc.stderr!r}"
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1 and lines[0].strip(), f"stderr is not exactly one line: {proc.stderr!r}"
    assert lines[0].startswith("error:"), f"stderr line does not start with 'error:': {lines[0]!r}"
    return lines[0]


# --- generators -------------------------------------------------------------------------


def text_pdf(path: Path) -> Path:
    """A small, ordinary two-page PDF with a text layer."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in (1, 2):
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(72, 760, f"{page}. A SMALL TEST CHAPTER")
        pdf.setFont("Helvetica", 11)
        for line in range(30):
            pdf.drawString(72, 720 - 18 * line, f"{MARKER} on page {page}, line {line + 1}.")
        pdf.showPage()
    pdf.save()
    return path


def not_a_pdf(tmp_path: Path, _sample: Callable[[], Path]) -> Path:
    path = tmp_path / "notes.pdf"
    path.write_text("These are meeting notes saved as plain text, not a PDF.\n" * 20)
    return path


def truncated(tmp_path: Path, sample: Callable[[], Path]) -> Path:
    data = sample().read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * 0.4)])
    return path


def encrypted(tmp_path: Path, _sample: Callable[[], Path]) -> Path:
    writer = PdfWriter(clone_from=PdfReader(text_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password=PASSWORD, owner_password=PASSWORD + "-owner")
    path = tmp_path / "encrypted.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def scanned(tmp_path: Path, _sample: Callable[[], Path]) -> Path:
    """Pages that are only a raster 'scan' and shapes: no text layer at all."""
    from PIL import Image, ImageDraw

    scan = Image.new("L", (600, 800), 235)
    draw = ImageDraw.Draw(scan)
    for row in range(60, 760, 22):  # grey bars where printed lines would be
        draw.rectangle((50, row, 550 - (row % 7) * 20, row + 9), fill=60)
    image = ImageReader(scan)
    path = tmp_path / "scanned.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for _ in range(3):
        pdf.drawImage(image, 0, 0, width=width, height=height)
        pdf.rect(40, 40, width - 80, height - 80)
        pdf.circle(width / 2, 80, 20, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def zero_pages(tmp_path: Path, _sample: Callable[[], Path]) -> Path:
    path = tmp_path / "empty.pdf"
    with path.open("wb") as handle:
        PdfWriter().write(handle)
    return path


def missing(tmp_path: Path, _sample: Callable[[], Path]) -> Path:
    return tmp_path / "does-not-exist.pdf"


@dataclass(frozen=True)
class Case:
    build: Callable[[Path, Callable[[], Path]], Path]
    error: type[SmpGuideError]
    password: str | None = None
    mentions: str = ""


CASES = {
    "not_a_pdf": Case(not_a_pdf, NotAPdfError),
    "truncated": Case(truncated, CorruptPdfError),
    "encrypted_no_password": Case(encrypted, EncryptedPdfError),
    "encrypted_wrong_password": Case(encrypted, EncryptedPdfError, password="wrong"),
    "scanned": Case(scanned, NoTextLayerError, mentions="OCR"),
    "zero_pages": Case(zero_pages, EmptyPdfError),
    "missing_file": Case(missing, NotAPdfError),
}


@pytest.fixture
def make(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[Case], Path]:
    def sample() -> Path:
        path: Path = request.getfixturevalue("sample_pdf")
        return path

    return lambda case: case.build(tmp_path, sample)


@pytest.mark.usefixtures("clean_env")  # Settings() reads the environment it sets
@pytest.mark.parametrize("name", list(CASES))
def test_library_raises_specific_error(name: str, make: Callable[[Case], Path]) -> None:
    case = CASES[name]
    path = make(case)
    settings = Settings()
    if case.password is not None:
        settings = settings.model_copy(
            update={"ingest": settings.ingest.model_copy(update={"password": case.password})}
        )
    with pytest.raises(case.error) as info:
        ingest_pdf(path, settings=settings)
    assert type(info.value) is case.error, f"{name}: got {type(info.value).__name__}"
    message = str(info.value)
    assert message.strip() and "\n" not in message.strip(), f"{name}: message not one line"
    assert case.mentions in message, f"{name}: message should mention {case.mentions!r}: {message}"


@pytest.mark.parametrize("name", list(CASES))
def test_cli_prints_one_error_line(
    name: str, make: Callable[[Case], Path], clean_env: dict[str, str]
) -> None:
    case = CASES[name]
    path = make(case)
    extra = ["--password", case.password] if case.password is not None else []
    proc = run_cli("ingest", str(path), *extra, env=clean_env)
    line = assert_one_error_line(proc, case.error)
    assert proc.stdout == "", f"{name}: nothing belongs on stdout on failure: {proc.stdout!r}"
    assert case.mentions in line, f"{name}: error line should mention {case.mentions!r}: {line}"


def test_encrypted_opens_with_password(
    make: Callable[[Case], Path], clean_env: dict[str, str]
) -> None:
    path = make(CASES["encrypted_no_password"])
    settings = Settings()
    settings = settings.model_copy(
        update={"ingest": settings.ingest.model_copy(update={"password": PASSWORD})}
    )
    result = ingest_pdf(path, settings=settings)
    assert result.document.n_pages == 2, result.document
    assert any("Pineapple" in chunk.text for chunk in result.chunks), "decrypted text is missing"

    proc = run_cli("ingest", str(path), "--password", PASSWORD, "--json", env=clean_env)
    assert proc.returncode == 0, f"exit {proc.returncode}; stderr: {proc.stderr!r}"
    summary = json.loads(proc.stdout)
    (document,) = summary["documents"]
    assert document["pages"] == 2 and document["chunks"] >= 1, document
    assert document["source"] == "encrypted.pdf", document


def test_password_from_environment(make: Callable[[Case], Path], clean_env: dict[str, str]) -> None:
    path = make(CASES["encrypted_no_password"])
    env = {**clean_env, "SMP_GUIDE_INGEST__PASSWORD": PASSWORD}
    proc = run_cli("ingest", str(path), "--json", env=env)
    assert proc.returncode == 0, f"exit {proc.returncode}; stderr: {proc.stderr!r}"
    assert json.loads(proc.stdout)["documents"][0]["pages"] == 2
