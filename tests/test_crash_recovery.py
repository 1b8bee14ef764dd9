"""Crash recovery: ``kill -9`` during an ingest, and a Chroma server that goes away.

Real processes only: the CLI runs as a subprocess in its own process group (so its page
workers die with it), a private ``chroma run`` is stopped and restarted on the same data
folder and port. After every kill the previous index must answer exactly as before
(same chunk IDs and scores) and the next ingest must complete.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from helpers import child_env, run_cli

from assistant import Settings
from assistant.cli import exit_code_for
from index import ChromaUnavailableError
from index._library import REFRESH_SECONDS
from ingest import IngestResult

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Who should pay recruitment fees?",
    "How are skills recognised?",
    "What does the partnership do about visa processing?",
]
Snapshot = list[list[tuple[str, float]]]


def _discard_clients() -> None:
    """Chroma keeps one system per path in a process: drop it to re-read what others wrote."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def snapshot(settings: Settings) -> tuple[int, Snapshot]:
    from index import open_index

    _discard_clients()
    library = open_index(settings=settings)
    hits = [[(h.chunk.id, round(h.score, 9)) for h in library.search(q, k=6)] for q in QUESTIONS]
    return library.status().generation, hits


def cli(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env=env, timeout=timeout)


def start_ingest(pdf: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest", str(pdf)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: page workers are killed with it
    )


def kill_group(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def wait_for(condition: object, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 180
    while not condition():  # type: ignore[operator]
        assert process.poll() is None, f"ingest exited ({process.returncode}) before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@pytest.fixture
def ingest_env(tmp_path: Path) -> dict[str, str]:
    return child_env(tmp_path / "data", SMP_GUIDE_INDEX_DIR=str(tmp_path / "index"))


@pytest.mark.slow
def test_kill_9_during_ingest_keeps_the_old_index_and_the_next_ingest_completes(
    sample_pdf: Path,
    sample_pdf_no_outline: Path,
    sample_index_copy: Path,
    tmp_path: Path,
    ingest_env: dict[str, str],
) -> None:
    settings = Settings(index_dir=sample_index_copy)
    store = sample_index_copy / "store"
    # Two versions of the same file name; each trial replaces the live one with the other.
    # The index starts as a copy of the session's sample index (version "a" is live).
    versions = []
    for name, source in (("a", sample_pdf), ("b", sample_pdf_no_outline)):
        target = tmp_path / name / sample_pdf.name
        target.parent.mkdir()
        shutil.copy(source, target)
        versions.append(target)
    assert ingest_env["SMP_GUIDE_INDEX_DIR"] == str(sample_index_copy)
    live = 0

    # 1. Killed while reading pages: nothing of the new version may reach the index.
    generation, before = snapshot(settings)
    stored = set(store.iterdir())
    process = start_ingest(versions[1], ingest_env)
    wait_for(lambda: bool(psutil.Process(process.pid).children()), process, "page workers start")
    kill_group(process)
    assert set(store.iterdir()) == stored, "a write happened during the parse phase"
    assert snapshot(settings) == (generation, before), "a parse-phase kill changed the index"

    # 2. Killed right after the new version's chunk store file appears, and mid-embedding.
    for delay in (0.0, 1.2):
        generation, before = snapshot(settings)
        new = versions[1 - live]
        process = start_ingest(new, ingest_env)
        wait_for(lambda: len(list(store.glob("*.jsonl"))) >= 2, process, "the new chunk store")
        time.sleep(delay)
        assert process.poll() is None, f"ingest finished within {delay} s: no kill happened"
        kill_group(process)
        after = snapshot(settings)
        assert after == (generation, before), f"kill {delay} s into embedding changed answers"
        resumed = cli("ingest", str(new), "--json", env=ingest_env)
        assert resumed.returncode == 0, resumed.stderr
        (document,) = json.loads(resumed.stdout)["documents"]
        assert document["index"]["status"] == "replaced", document
        live = 1 - live
        generation_now, _ = snapshot(settings)
        assert generation_now == generation + 1, "the resumed ingest did not publish once"


# --- Chroma server down -----------------------------------------------------------------


class ChromaServer:
    """A private ``chroma run`` that the test can stop and start on the same port and data."""

    def __init__(self, data: Path, port: int) -> None:
        self.data, self.port = data, port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        chroma = Path(sys.executable).with_name("chroma")
        env = dict(os.environ, ANONYMIZED_TELEMETRY="False", CHROMA_TELEMETRY_IMPL="none")
        log = (self.data.parent / "server.log").open("ab")
        self.process = subprocess.Popen(
            [
                chroma,
                "run",
                "--path",
                str(self.data),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        log.close()
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1):
                    return
            except OSError:
                assert self.process.poll() is None, "chroma server exited at start"
                assert time.monotonic() < deadline, "chroma server did not start"
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.process = None


@pytest.fixture
def private_chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = ChromaServer(tmp_path / "chroma-db", port)
    server.start()
    yield server
    server.stop()


@pytest.mark.slow
@pytest.mark.server
def test_chroma_server_down_is_one_clear_error_and_restart_loses_nothing(
    private_chroma: ChromaServer,
    sample_ingested: IngestResult,
    tmp_path: Path,
    ingest_env: dict[str, str],
) -> None:
    from assistant import Assistant
    from index import open_index

    settings = Settings(
        data_dir=tmp_path / "data", index_dir=tmp_path / "index", chroma_url=private_chroma.url
    )
    assert open_index(settings=settings).add(sample_ingested).status == "added"
    assistant = Assistant(settings=settings)
    question = QUESTIONS[0]
    expected = assistant.answer(question)
    assert expected.covered and expected.citations, expected.text

    private_chroma.stop()
    flags = ["--chroma-url", private_chroma.url, "--index-dir", str(tmp_path / "index")]
    for args in (["ask", question, *flags], ["index", "list", *flags]):
        proc = cli(*args, env=ingest_env, timeout=120)
        lines = proc.stderr.splitlines()
        assert proc.returncode == exit_code_for(ChromaUnavailableError("probe")) == 3, (
            args,
            proc.stderr,
        )
        assert len(lines) == 1 and lines[0].startswith("error:"), (args, proc.stderr)
        assert "not reachable" in lines[0] and private_chroma.url in lines[0], lines[0]
    # A server's manifest is re-read at most every REFRESH_SECONDS: within that window the
    # answer comes from the view already loaded, so wait until the server is asked again.
    time.sleep(REFRESH_SECONDS + 0.5)
    with pytest.raises(ChromaUnavailableError, match="not reachable") as info:
        assistant.answer(question)
    assert type(info.value) is ChromaUnavailableError

    private_chroma.start()
    again = assistant.answer(question)
    assert again.text == expected.text
    assert [c.chunk_id for c in again.citations] == [c.chunk_id for c in expected.citations]
    fresh = Assistant(settings=settings).answer(question)
    assert fresh.text == expected.text, "a new process view of the restarted server differs"
