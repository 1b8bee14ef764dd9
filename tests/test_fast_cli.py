"""The CLI starts fast where it can: listing, removing help and bad questions load no ML
library, and piped output is plain text a script or a brief can take as it is.

Each CLI case runs the real ``smp-guide`` in a child process through a tiny wrapper that,
at exit, writes which heavy libraries the process imported; the index is a copy of the
session's real sample index.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, TEST_ENV

from index import IndexNotBuiltError, list_documents, rebuild_index

HEAVY = ("torch", "transformers", "sentence_transformers", "llama_index", "chromadb")
WRAPPER = f"""
import atexit, json, runpy, sys
out = sys.argv.pop(1)
def report():
    with open(out, "w") as handle:
        json.dump(sorted(m for m in {HEAVY!r} if m in sys.modules), handle)
atexit.register(report)
sys.argv[0] = "smp-guide"
runpy.run_module("assistant.cli", run_name="__main__")
"""
QUESTION = "Who should pay for training the candidates?"


def run_traced(
    tmp_path: Path, env: dict[str, str], *args: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """The CLI's result, and the heavy libraries it imported."""
    loaded = tmp_path / "loaded.json"
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(loaded), *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    return proc, json.loads(loaded.read_text())


@pytest.fixture
def env(clean_env: dict[str, str]) -> dict[str, str]:
    return {**clean_env, **TEST_ENV}


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("ask", "--help"),
        ("ingest", "--help"),
        ("chat", "--help"),
        ("index", "--help"),
        ("index", "list", "--help"),
        ("index", "remove", "--help"),
        ("index", "rebuild", "--help"),
    ],
    ids=lambda args: "-".join(a.strip("-") for a in args),
)
def test_help_loads_no_ml_library(
    tmp_path: Path, env: dict[str, str], args: tuple[str, ...]
) -> None:
    proc, heavy = run_traced(tmp_path, env, *args)
    assert proc.returncode == 0, proc.stderr
    assert heavy == [], f"{' '.join(args)} imported {heavy}"
    assert "<bool>" not in proc.stdout, proc.stdout
    assert all(line == line.rstrip() for line in proc.stdout.splitlines()), "trailing spaces"


def test_help_shows_verbose_as_a_flag(tmp_path: Path, env: dict[str, str]) -> None:
    proc, _ = run_traced(tmp_path, env, "--help")
    line = next(line for line in proc.stdout.splitlines() if "--verbose" in line)
    assert line.split() == ["-v,", "--verbose", "Log", "progress", "details."], line


def test_index_list_reads_the_manifest_without_ml(
    tmp_path: Path, env: dict[str, str], sample_index_copy: Path, sample_assistant: Any
) -> None:
    expected = sample_assistant.index.status().documents
    proc, heavy = run_traced(tmp_path, env, "index", "list", "--json", "--index-dir",
                             str(sample_index_copy))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert heavy == [], f"index list imported {heavy}"
    listed = json.loads(proc.stdout)
    assert listed["model"] == sample_assistant.index.status().model
    assert [(d["key"], d["title"], d["chunks"], d["ingested_at"]) for d in listed["documents"]] == [
        (d.key, d.title, d.chunks, d.ingested_at) for d in expected
    ]

    piped, heavy = run_traced(tmp_path, env, "index", "list", "--index-dir",
                              str(sample_index_copy))  # fmt: skip
    assert piped.returncode == 0 and heavy == [], (piped.stderr, heavy)
    rows = piped.stdout.splitlines()[2:]
    assert len(rows) == len(expected), piped.stdout  # one line per document, never wrapped
    for row, doc in zip(rows, expected, strict=True):
        assert row.split("\t") == [doc.key, doc.title, str(doc.n_pages), str(doc.chunks),
                                   doc.ingested_at]  # fmt: skip


def test_list_documents_falls_back_to_chroma(
    sample_index_copy: Path, sample_assistant: Any
) -> None:
    """Without its manifest file (an older index, or a damaged copy) Chroma's manifest lists."""
    settings = sample_assistant.settings.model_copy(update={"index_dir": sample_index_copy})
    fast = list_documents(settings=settings)
    (sample_index_copy / "documents.json").write_text("{not json", encoding="utf-8")
    damaged = list_documents(settings=settings)
    (sample_index_copy / "documents.json").unlink()
    missing = list_documents(settings=settings)
    assert fast.documents == damaged.documents == missing.documents
    assert [d.key for d in fast.documents] == ["sample.pdf"]
    shutil.rmtree(sample_index_copy)
    assert list_documents(settings=settings).documents == ()


@pytest.mark.parametrize("question", ["", "   ", "x" * 1001])
def test_bad_question_fails_before_the_model_loads(
    tmp_path: Path, env: dict[str, str], sample_index_copy: Path, question: str
) -> None:
    proc, heavy = run_traced(tmp_path, env, "ask", question, "--index-dir", str(sample_index_copy))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: the question is") and proc.stderr.count("\n") == 1
    assert heavy == [], f"a refused question imported {heavy}"


def test_piped_answer_is_plain_markdown(
    tmp_path: Path, env: dict[str, str], sample_index_copy: Path, sample_assistant: Any
) -> None:
    """Piped, ``ask`` prints the answer's Markdown unwrapped and each reference on its line."""
    expected = sample_assistant.answer(QUESTION)
    assert expected.citations, expected.text
    proc, _ = run_traced(tmp_path, env, "ask", QUESTION, "--index-dir", str(sample_index_copy))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert all(line == line.rstrip() for line in lines), "trailing spaces in piped output"
    for citation in expected.citations:
        assert f"[{citation.n}] {citation.reference}" in lines, (citation.reference, lines)
    for line in expected.text.strip().splitlines():
        assert line.rstrip() in lines, f"answer line wrapped or changed: {line!r}"


def test_answer_loads_no_torch(
    tmp_path: Path, env: dict[str, str], sample_index_copy: Path, sample_assistant: Any
) -> None:
    """With the query encoder exported (the session's first model load made it), ``ask``
    answers without torch, transformers or sentence-transformers, and answers the same."""
    expected = sample_assistant.answer(QUESTION)
    proc, heavy = run_traced(tmp_path, env, "ask", QUESTION, "--json",
                             "--index-dir", str(sample_index_copy))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not {"torch", "transformers", "sentence_transformers"} & set(heavy), heavy
    cited = [c["chunk_id"] for c in json.loads(proc.stdout)["citations"]]
    assert cited == [c.chunk_id for c in expected.citations]


def test_index_remove_loads_no_model(
    tmp_path: Path, env: dict[str, str], sample_index_copy: Path, sample_assistant: Any
) -> None:
    """Removal takes the lock and updates Chroma, without torch or the embedding model."""
    proc, heavy = run_traced(tmp_path, env, "index", "remove", "sample.pdf", "--index-dir",
                             str(sample_index_copy))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("removed sample.pdf"), proc.stdout
    assert set(heavy) <= {"chromadb"}, f"index remove imported {heavy}"
    settings = sample_assistant.settings.model_copy(update={"index_dir": sample_index_copy})
    assert list_documents(settings=settings).documents == ()
    (sample_index_copy / "documents.json").unlink()  # Chroma's own manifest says so too
    assert list_documents(settings=settings).documents == ()
    assert not list((sample_index_copy / "store").glob("*.jsonl")), "chunks left behind"


def _listed(tmp_path: Path, env: dict[str, str], index: Path) -> tuple[list[str], list[str]]:
    """The keys ``index list --json`` shows for ``index``, and the heavy libraries it loaded."""
    proc, heavy = run_traced(tmp_path, env, "index", "list", "--json", "--index-dir", str(index))
    assert proc.returncode == 0, proc.stderr
    return [d["key"] for d in json.loads(proc.stdout)["documents"]], heavy


def test_index_list_is_not_fooled_by_a_listing_whose_write_failed(
    tmp_path: Path, env: dict[str, str], sample_index_copy: Path
) -> None:
    """The document is removed from Chroma, but the listing file cannot be rewritten."""
    listing = sample_index_copy / "documents.json"
    before = listing.read_text(encoding="utf-8")
    (sample_index_copy / "documents.tmp").mkdir()  # where the new listing is written first
    proc, _ = run_traced(tmp_path, env, "--verbose", "index", "remove", "sample.pdf",
                         "--index-dir", str(sample_index_copy))  # fmt: skip
    assert proc.returncode == 0, proc.stderr  # the removal itself was published
    assert "documents.json not updated" in proc.stderr, proc.stderr
    assert listing.read_text(encoding="utf-8") == before, "the listing was rewritten after all"
    keys, heavy = _listed(tmp_path, env, sample_index_copy)
    assert keys == [], f"index list showed the stale listing: {keys}"
    assert set(heavy) <= {"chromadb"}, f"index list imported {heavy}"


def test_rebuild_is_not_fooled_by_a_listing_whose_write_failed(
    tmp_path: Path, env: dict[str, str], sample_index_copy: Path, sample_settings: Any
) -> None:
    """A stale listing still names the removed document: rebuild follows Chroma instead."""
    (sample_index_copy / "documents.tmp").mkdir()  # the listing's write fails
    proc, _ = run_traced(tmp_path, env, "index", "remove", "sample.pdf",
                         "--index-dir", str(sample_index_copy))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "sample.pdf" in (sample_index_copy / "documents.json").read_text(encoding="utf-8")
    settings = sample_settings.model_copy(update={"index_dir": sample_index_copy})
    with pytest.raises(IndexNotBuiltError, match="nothing to rebuild"):
        rebuild_index(settings=settings)


def test_index_list_is_not_fooled_by_a_listing_of_another_generation(
    tmp_path: Path, env: dict[str, str], sample_index_copy: Path
) -> None:
    listing = sample_index_copy / "documents.json"
    old = listing.read_text(encoding="utf-8")
    keys, heavy = _listed(tmp_path, env, sample_index_copy)
    assert keys == ["sample.pdf"] and heavy == [], (keys, heavy)  # current: read fast
    proc, _ = run_traced(tmp_path, env, "index", "remove", "sample.pdf", "--index-dir",
                         str(sample_index_copy))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    listing.write_text(old, encoding="utf-8")  # the listing of the generation before
    keys, heavy = _listed(tmp_path, env, sample_index_copy)
    assert keys == [], f"index list showed the listing of an earlier generation: {keys}"
    assert set(heavy) <= {"chromadb"}, f"index list imported {heavy}"
    # An index written before stamps existed has none: its listing is read as it is.
    (sample_index_copy / "published.json").unlink()
    assert _listed(tmp_path, env, sample_index_copy) == (["sample.pdf"], [])
