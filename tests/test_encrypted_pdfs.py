"""Encrypted PDFs of every standard cipher, made with pypdf's own writer, through the real CLI.

RC4-40, RC4-128, AES-128 and AES-256 copies of the generated sample ingest with the right
password into the same chunks as the plain file (the 62-page sample goes through the
page-reading worker processes, which re-open the file themselves); a wrong or missing
password is one ``error:`` line and exit 2. Without the ``cryptography`` package, which
AES needs, the CLI must still say so in one line: that case hides the package from the
child process with a ``cryptography`` on its PYTHONPATH that fails to import, as an
install without the ``pypdf[crypto]`` extra would (nothing of ours is touched).
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, child_env, run_cli
from pypdf import PdfReader, PdfWriter

PASSWORD = "user-pw-7"
ALGORITHMS = ("RC4-40", "RC4-128", "AES-128", "AES-256")
EXIT_BAD_INPUT = 2
# The chunk fields that depend on the file's bytes (a hash of them), not on its content.
BYTE_BOUND = ("id", "document_id")


def assert_one_error_line(proc: subprocess.CompletedProcess[str], code: int, fragment: str) -> None:
    lines = proc.stderr.splitlines()
    assert proc.returncode == code, f"exit {proc.returncode}, expected {code}: {proc.stderr!r}"
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), f"not one line: {proc.stderr!r}"
    assert fragment in lines[0], f"{fragment!r} missing from {lines[0]!r}"


def encrypt(plain: Path, out: Path, algorithm: str) -> Path:
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=PASSWORD, owner_password=PASSWORD + "-owner", algorithm=algorithm)
    with out.open("wb") as handle:
        writer.write(handle)
    return out


@pytest.fixture(scope="module")
def encrypted(sample_pdf: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("encrypted")
    return {a: encrypt(sample_pdf, folder / f"{a}.pdf", a) for a in ALGORITHMS}


def dumped_chunks(pdf: Path, dump: Path, env: dict[str, str], *extra: str) -> list[dict[str, Any]]:
    proc = run_cli("ingest", str(pdf), "--no-index", "--json", "--dump", str(dump), *extra, env=env)
    assert proc.returncode == 0, f"{pdf.name}: exit {proc.returncode}; stderr: {proc.stderr!r}"
    chunks = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    return [{k: v for k, v in c.items() if k not in BYTE_BOUND} for c in chunks]


@pytest.fixture(scope="module")
def plain_chunks(
    sample_pdf: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("plain")
    return dumped_chunks(sample_pdf, folder / "plain.jsonl", child_env(folder / "data"))


def without_crypto(env: dict[str, str], folder: Path) -> dict[str, str]:
    """The environment of an install without ``cryptography`` (pypdf then falls back to RC4)."""
    package = folder / "no-crypto" / "cryptography"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('cryptography is not installed')\n")
    path = os.pathsep.join(p for p in (str(package.parent), env.get("PYTHONPATH")) if p)
    return {**env, "PYTHONPATH": path}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_right_password_gives_the_plain_files_chunks(
    algorithm: str,
    encrypted: dict[str, Path],
    plain_chunks: list[dict[str, Any]],
    clean_env: dict[str, str],
    tmp_path: Path,
) -> None:
    pdf = encrypted[algorithm]
    chunks = dumped_chunks(pdf, tmp_path / "chunks.jsonl", clean_env, "--password", PASSWORD)
    assert len(chunks) == len(plain_chunks), f"{algorithm}: {len(chunks)} != {len(plain_chunks)}"
    for got, want in zip(chunks, plain_chunks, strict=True):
        assert got == want, f"{algorithm}: chunk {want['position']} differs from the plain file's"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize(
    ("password", "fragment"),
    [("wrong-pw", "password given is wrong"), (None, "pass its password with --password")],
)
def test_wrong_or_missing_password_is_one_line_exit_2(
    algorithm: str,
    password: str | None,
    fragment: str,
    encrypted: dict[str, Path],
    clean_env: dict[str, str],
) -> None:
    extra = ["--password", password] if password is not None else []
    proc = run_cli(
        "ingest", str(encrypted[algorithm]), "--no-index", "--json", *extra, env=clean_env
    )
    assert_one_error_line(proc, EXIT_BAD_INPUT, fragment)
    assert proc.stdout == "", proc.stdout


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_aes_without_cryptography_says_what_to_install(
    algorithm: str, encrypted: dict[str, Path], clean_env: dict[str, str], tmp_path: Path
) -> None:
    env = without_crypto(clean_env, tmp_path)
    args = ("ingest", str(encrypted[algorithm]), "--no-index", "--json", "--password", PASSWORD)
    proc = run_cli(*args, env=env)
    assert_one_error_line(proc, EXIT_BAD_INPUT, "pip install 'pypdf[crypto]'")


def test_rc4_still_opens_without_cryptography(
    encrypted: dict[str, Path], clean_env: dict[str, str], tmp_path: Path
) -> None:
    env = without_crypto(clean_env, tmp_path)
    args = ("ingest", str(encrypted["RC4-128"]), "--no-index", "--json", "--password", PASSWORD)
    proc = run_cli(*args, env=env)
    assert proc.returncode == 0, f"exit {proc.returncode}; stderr: {proc.stderr!r}"


def test_aes_256_with_password_goes_into_the_index(
    sample_pdf: Path, tmp_path: Path, clean_env: dict[str, str]
) -> None:
    # The sample's first pages are enough to go through embedding and the index.
    first_pages = PdfWriter()
    for page in PdfReader(sample_pdf).pages[:6]:
        first_pages.add_page(page)
    plain = tmp_path / "plain.pdf"
    with plain.open("wb") as handle:
        first_pages.write(handle)
    locked = encrypt(plain, tmp_path / "AES-256.pdf", "AES-256")
    env = {**clean_env, "SMP_GUIDE_INGEST__PASSWORD": PASSWORD}
    proc = run_cli("ingest", str(locked), "--json", env=env)
    assert proc.returncode == 0, f"exit {proc.returncode}; stderr: {proc.stderr!r}"
    (document,) = json.loads(proc.stdout)["documents"]
    assert document["index"]["status"] == "added" and document["index"]["chunks"] > 0, document
    listed = run_cli("index", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    (entry,) = json.loads(listed.stdout)["documents"]
    assert entry["key"] == "AES-256.pdf", entry
    assert entry["chunks"] == document["index"]["chunks"], entry


def test_a_fresh_install_gets_the_aes_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = " ".join(project["dependencies"]).replace(" ", "")
    assert "pypdf[crypto]" in declared or "cryptography" in declared, project["dependencies"]
