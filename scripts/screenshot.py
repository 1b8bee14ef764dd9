"""Refresh ``docs/screenshot.png``: a cited answer, its quote highlighted on the page.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png] [--question TEXT]

Builds the sample PDF and its index in a temporary folder, serves ``smp-guide chat`` there
on a free port, asks the question in a headless Chromium (Debian's, as the browser tests
use), clicks the answer's first citation chip and its card's **Show on page** (the cited
page with the quoted passage highlighted), and saves the page. The tests never write this
file; this script is the only writer.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
QUESTION = "Who should pay for training the candidates?"
ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=ROOT, env=env, check=True)


def served_chat(work: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """``smp-guide chat`` over the index in ``work``, with the URL it answers on."""
    port = free_port()
    log = (work / "chat.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "chat", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while process.poll() is None and time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the chat did not start:\n" + (work / "chat.log").read_text())


def screenshot(url: str, question: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.locator("#question textarea").fill(question)
        page.locator("#ask").click()
        page.wait_for_function(  # the handler clears the box only with its final update
            "() => document.querySelector('#chat .message.bot')"
            " && !document.querySelector('#chat .generating, .progress-text')"
            " && document.querySelector('#question textarea').value === ''",
            timeout=120_000,
        )
        page.locator('#chat .message.bot a[href^="#smp-src-"]').first.click()
        page.locator("#sources .smp-shown .smp-card.smp-selected .smp-view").click()
        page.wait_for_function(
            "() => { const i = document.querySelector('.smp-viewer img');"
            " return i && i.naturalWidth > 0; }",
            timeout=60_000,
        )
        page.wait_for_timeout(800)  # the view scrolls to the highlight once the image loads
        page.screenshot(path=str(out))
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--question", default=QUESTION)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} does not exist (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="smp-screenshot-") as folder:
        work = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SMP_GUIDE_")}
        env.update(ENV, SMP_GUIDE_DATA_DIR=str(work / "data"))
        env["SMP_GUIDE_INDEX_DIR"] = str(work / "index")
        cli("sample-pdf", str(work / "sample.pdf"), env=env)
        cli("ingest", str(work / "sample.pdf"), env=env)
        process, url = served_chat(work, env)
        try:
            screenshot(url, args.question, args.out)
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
