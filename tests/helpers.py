"""Plain helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

TEST_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "RAGAS_DO_NOT_TRACK": "true",
}
"""What the ``smp-guide`` entry point sets; in-process tests never pass through it."""

ROOT = Path(__file__).resolve().parents[1]
KEPT = ("SMP_GUIDE_CACHE_DIR",)
"""Kept for a child: the session's query-encoder cache (conftest), never the user's."""


def served_copy(root: Path, settings: Any) -> Any:
    """Settings for a chat on a copy of ``settings``' index under ``root`` (its own data
    folder) and a free port: the browser tests' server, which must not share the index."""
    import shutil

    shutil.copytree(settings.resolved_index_dir(), root / "index")
    copy = settings.model_copy(update={"data_dir": root / "data", "index_dir": root / "index"})
    return with_free_port(copy)


def with_free_port(settings: Any) -> Any:
    return settings.model_copy(
        update={"assistant": settings.assistant.model_copy(update={"port": free_port()})}
    )


def child_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment for a ``smp-guide`` child: no SMP_GUIDE_* setting of the caller's
    shell but the session's cache, data under ``data_dir``, and ``settings`` (e.g.
    ``SMP_GUIDE_INDEX_DIR=...``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMP_GUIDE_") or k in KEPT}
    return env | TEST_ENV | {"SMP_GUIDE_DATA_DIR": str(data_dir)} | settings


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, never a downloaded browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def run_cli(
    *args: str, env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """The real ``smp-guide`` CLI in a child process, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_chat(
    index_dir: Path, *, port: int, env: dict[str, str], log: Path, timeout: float = 180
) -> subprocess.Popen[bytes]:
    """The real ``smp-guide chat`` server on 127.0.0.1:port, returned once it answers HTTP."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "chat", "--port", str(port),
             "--index-dir", str(index_dir)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("chat server did not start:\n" + log.read_text(errors="replace"))
