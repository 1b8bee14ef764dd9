"""A disk that fills during an ingest, and a read-only index folder (real mounts).

Root ignores permission bits, so both faults are real file systems: each scenario runs
the real CLI in a child process with its own mount namespace (``unshare -m``), where a
small tmpfs fills up or a bind mount is remounted read-only. Where mounting is not
permitted, the tests skip with that reason.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT, free_port

from assistant import Settings

QUESTION = "Who should pay for training the candidates?"
NOT_PERMITTED = 99


def _in_mount_namespace(script: str, *, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed: cannot make a private mount")
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if done.returncode == NOT_PERMITTED:
        pytest.skip(f"mounting is not permitted on this machine: {done.stderr.strip()[:200]}")
    return done


def _cli(*args: str, out: Path, name: str) -> str:
    """A shell line running the CLI and keeping its stdout, stderr and exit code."""
    command = shlex.join([sys.executable, "-m", "assistant.cli", *args])
    return f"{command} >{out / name}.out 2>{out / name}.err; echo $? >{out / name}.rc\n"


def _result(out: Path, name: str) -> tuple[int, str, str]:
    return (
        int((out / f"{name}.rc").read_text()),
        (out / f"{name}.out").read_text(),
        (out / f"{name}.err").read_text(),
    )


def _cited(stdout: str) -> list[tuple[str, str]]:
    answer = json.loads(stdout)
    assert answer["citations"], answer
    return [(c["chunk_id"], c["quote"]) for c in answer["citations"]]


def _cited_here(settings: Settings) -> list[tuple[str, str]]:
    """The same question answered in this process, where the model is already loaded."""
    from assistant import Assistant

    answer = Assistant(settings=settings).answer(QUESTION)
    assert answer.citations, answer.text
    return [(c.chunk_id, c.quote) for c in answer.citations]


def _size_kb(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) // 1024


@pytest.mark.slow
@pytest.mark.usefixtures("clean_env")  # the CLI children inherit its environment
def test_a_disk_that_fills_during_ingest_leaves_the_old_index_serving(
    tmp_path: Path, sample_settings: Settings, sample_pdf_no_outline: Path
) -> None:
    source = sample_settings.resolved_index_dir()
    mount, out = tmp_path / "small-disk", tmp_path / "out"
    mount.mkdir()
    out.mkdir()
    index = mount / "index"
    # A second document as large as the first: its vectors need several times the room left.
    other = tmp_path / "other.pdf"
    shutil.copy(sample_pdf_no_outline, other)
    size = _size_kb(source) + 3 * 1024  # room for the old index, not for a second document
    script = (
        f"mount -t tmpfs -o size={size}k tmpfs {mount} || exit {NOT_PERMITTED}\n"
        f"cp -r {source} {index}\n"
        + _cli("ingest", str(other), "--index-dir", str(index), out=out, name="ingest")
        + _cli("ask", QUESTION, "--json", "--index-dir", str(index), out=out, name="ask")
        + _cli("index", "list", "--json", "--index-dir", str(index), out=out, name="list")
    )  # fmt: skip
    _in_mount_namespace(script)

    code, _, err = _result(out, "ingest")
    assert code == 73, f"exit {code}: {err}"
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "full" in lines[0], err
    code, answer, err = _result(out, "ask")
    assert code == 0, f"ask after the failed ingest exited {code}: {err}"
    assert _cited(answer) == _cited_here(sample_settings), "the old index answers differently"
    code, listed, err = _result(out, "list")
    assert code == 0, err
    assert [d["key"] for d in json.loads(listed)["documents"]] == ["sample.pdf"]


def _read_only_script(index: Path, body: str) -> str:
    return (
        f"mount --bind {index} {index} && mount -o remount,bind,ro {index} "
        f"|| exit {NOT_PERMITTED}\n"
        f"touch {index}/probe 2>/dev/null && exit {NOT_PERMITTED}\n" + body
    )


@pytest.mark.slow
@pytest.mark.usefixtures("clean_env")  # the CLI children inherit its environment
def test_a_read_only_index_answers_and_refuses_ingest(
    tmp_path: Path, sample_index_copy: Path, sample_pdf: Path
) -> None:
    index, out = sample_index_copy, tmp_path / "out"
    shutil.rmtree(index / "bm25", ignore_errors=True)  # nothing cached: a reader must cope
    out.mkdir()
    before = {p.relative_to(index): p.stat().st_mtime_ns for p in index.rglob("*")}
    other = tmp_path / "other.pdf"
    shutil.copy(sample_pdf, other)
    script = _read_only_script(
        index,
        _cli("ask", QUESTION, "--json", "--index-dir", str(index), out=out, name="ask")
        + _cli("ingest", str(other), "--index-dir", str(index), out=out, name="ingest"),
    )
    _in_mount_namespace(script)

    code, answer, err = _result(out, "ask")
    assert code == 0, f"ask on a read-only index exited {code}: {err}"
    code, _, err = _result(out, "ingest")
    assert code == 73, f"exit {code}: {err}"
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "not writable" in lines[0], err
    after = {p.relative_to(index): p.stat().st_mtime_ns for p in index.rglob("*")}
    assert after == before, "the read-only folder changed"
    writable = Settings(data_dir=tmp_path / "data", index_dir=index)
    assert _cited(answer) == _cited_here(writable), "the read-only index answers differently"


@pytest.mark.slow
def test_a_read_only_index_serves_the_chat(
    tmp_path: Path, sample_index_copy: Path, clean_env: dict[str, str]
) -> None:
    from gradio_client import Client

    index = sample_index_copy
    port = free_port()
    chat = shlex.join(
        [sys.executable, "-m", "assistant.cli", "chat", "--port", str(port), "--index-dir",
         str(index)]
    )  # fmt: skip
    log = (tmp_path / "chat.log").open("w")
    server = subprocess.Popen(
        ["unshare", "-m", "sh", "-c", _read_only_script(index, f"exec {chat}\n")],
        cwd=ROOT, env=clean_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                if server.returncode == NOT_PERMITTED:
                    pytest.skip("mounting is not permitted on this machine")
                raise AssertionError((tmp_path / "chat.log").read_text())
            assert time.monotonic() < deadline, (tmp_path / "chat.log").read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        result = client.predict(QUESTION, [], [], False, api_name="/ask")
        text = json.dumps(result[0][-1])
        assert "Sorry" not in text and "[1]" in text, text
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
