"""The chat server against hostile clients, through HTTP only (no browser).

A real app (``launch(..., prevent_thread_lock=True)`` on 127.0.0.1) over a small
"production" index: one reportlab PDF, not the sample. Clients are gradio_client and
raw HTTP calls to Gradio's API routes, which reach every event the page can send,
private ones included.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from helpers import free_port
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from assistant import Settings
from index import index_pdf, open_index

QUESTION = "What does the zebrafish payroll audit check?"
LINES = [
    "The zebrafish payroll audit checks every quarterly ledger of the pilot.",
    "Auditors compare the ledger with the bank statements of the employer.",
    "The zebrafish payroll audit report goes to the steering committee each year.",
]


def _production_pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle("Payroll audit note")
    for row, line in enumerate(LINES):
        pdf.drawString(72, 780 - 20 * row, line)
    pdf.showPage()
    pdf.save()
    return path


def _documents(settings: Settings) -> list[str]:
    return sorted(d.id for d in open_index(settings=settings).manifest().documents.values())


def _call(url: str, name: str, data: list[Any], *, timeout: float = 60) -> tuple[str, Any]:
    """A raw call of the event named ``name`` (public or not): its last SSE event and data."""
    body = json.dumps({"data": data}).encode()
    request = urllib.request.Request(
        f"{url}/gradio_api/call/{name}", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        event_id = json.load(response)["event_id"]
    with urllib.request.urlopen(f"{url}/gradio_api/call/{name}/{event_id}", timeout=timeout) as r:
        stream = r.read().decode()
    events = [line[len("event: ") :] for line in stream.splitlines() if line.startswith("event: ")]
    datas = [line[len("data: ") :] for line in stream.splitlines() if line.startswith("data: ")]
    return events[-1], json.loads(datas[-1])


def _text(message: dict[str, Any]) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(p["text"] for p in content)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("chat-server")
    settings = Settings(data_dir=root / "data", index_dir=root / "index")
    pdf = _production_pdf(root / "payroll.pdf")
    index_pdf(pdf, settings=settings)
    return settings.model_copy(
        update={"assistant": settings.assistant.model_copy(update={"port": free_port()})}
    )


@pytest.fixture(scope="module")
def url(settings: Settings) -> Iterator[str]:
    from assistant.ui import launch

    demo = launch(settings, prevent_thread_lock=True)
    yield str(demo.local_url).rstrip("/")
    demo.close()


def test_only_the_answer_endpoint_is_documented(url: str) -> None:
    from gradio_client import Client

    api = Client(url, verbose=False).view_api(print_info=False, return_format="dict")
    assert isinstance(api, dict)
    # /ask, the page's own event, is callable but undocumented: programs use /answer.
    assert sorted(api["named_endpoints"]) == ["/answer"], api["named_endpoints"].keys()
    assert not api["unnamed_endpoints"], api["unnamed_endpoints"].keys()


def test_no_client_can_build_the_sample_into_a_live_index(url: str, settings: Settings) -> None:
    from gradio_client import Client

    before = _documents(settings)
    with pytest.raises(ValueError, match="build_sample"):  # private: gradio_client refuses it
        Client(url, verbose=False).predict(api_name="/build_sample")
    event, data = _call(url, "build_sample", [])  # what a raw HTTP client can still send
    assert event == "complete", (event, data)
    assert "only while the index is empty" in data[0], data
    assert _documents(settings) == before, "the index changed"
    assert not (settings.data_dir / "sample.pdf").exists(), "the sample was built"


def _status_of_a_post_announcing(url: str, path: str, length: int) -> int:
    """Send only the headers of a ``length``-byte POST (``Expect: 100-continue``); the status.

    A server that means to read the body answers ``100 Continue``; one that refuses it
    answers at once, before a byte of it is sent.
    """
    address = urlsplit(url)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n"
        "Expect: 100-continue\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head.encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


def test_an_oversized_request_is_refused_unread(url: str) -> None:
    for path in ("/gradio_api/call/ask", "/gradio_api/queue/join", "/gradio_api/run/ask"):
        start = time.monotonic()
        status = _status_of_a_post_announcing(url, path, 20 * 1024 * 1024)
        elapsed = time.monotonic() - start
        assert status == 413, f"{path}: a 20 MB body got {status}"
        assert elapsed < 2, f"{path}: refusing took {elapsed:.1f} s"


def test_a_long_history_is_cut_and_does_not_stall_another_client(
    url: str, settings: Settings
) -> None:
    from gradio_client import Client

    keep = settings.assistant.max_history_messages
    history = [
        {
            "role": "user" if n % 2 == 0 else "assistant",
            "content": [{"type": "text", "text": f"message {n} " + "x" * 100}],
        }
        for n in range(5_000)
    ]  # about 700 KB: under the body limit, far over the history limit
    client = Client(url, verbose=False)
    waited: list[float] = []

    def other_client() -> None:
        start = time.monotonic()
        messages, _, _ = client.predict(QUESTION, [], [], False, api_name="/ask")
        if "zebrafish" in _text(messages[-1]):
            waited.append(time.monotonic() - start)

    other = threading.Thread(target=other_client)
    start = time.monotonic()
    other.start()
    event, data = _call(url, "ask", [QUESTION, history, [], False])
    messages = data[0]
    elapsed = time.monotonic() - start
    other.join(timeout=120)
    assert event == "complete"
    assert len(messages) == keep, f"{len(messages)} messages came back, the limit is {keep}"
    assert "message 4999" in _text(messages[-3]), "the newest messages are kept"
    assert "zebrafish" in _text(messages[-1]) and elapsed < 15, elapsed
    assert waited and waited[0] < 15, f"the other client was not answered promptly: {waited}"


def test_a_question_over_the_limit_is_refused_and_not_echoed_in_full(
    url: str, settings: Settings
) -> None:
    limit = settings.assistant.max_question_chars
    event, data = _call(url, "ask", ["why " * 50_000, [], [], False])
    messages, sources = data[0], data[1]
    assert event == "complete"
    shown = _text(messages[0])
    assert len(shown) <= limit + 10, f"the question is echoed at {len(shown)} characters"
    assert "keep it under" in _text(messages[-1]) and "keep it under" in sources


# -------------------------------------------------------------------- read-only data folder
def test_a_data_folder_that_cannot_be_written_turns_export_and_feedback_off(
    tmp_path: Path, sample_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """DATA_DIR under a regular file: no one can create it, root included.

    Tests run as root, which ignores permission bits, so a chmod'ed folder would still
    be writable; a path below a file fails with ENOTDIR for every user.
    """
    from gradio_client import Client

    from assistant.ui import launch

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder's parent should be\n")
    settings = sample_settings.model_copy(
        update={
            "data_dir": blocker / "data",
            "index_dir": sample_settings.resolved_index_dir(),
            "assistant": sample_settings.assistant.model_copy(update={"port": free_port()}),
        }
    )
    caplog.set_level(logging.WARNING, logger="assistant")
    demo = launch(settings, prevent_thread_lock=True)
    try:
        url = str(demo.local_url).rstrip("/")
        with urllib.request.urlopen(f"{url}/config", timeout=10) as response:
            config = json.load(response)
        props = {
            c["props"].get("elem_id"): c["props"] for c in config["components"] if "props" in c
        }
        assert props["storage-notice"]["visible"] is True, props["storage-notice"]
        assert "Export and feedback are off" in props["storage-notice"]["value"]
        assert props["export"]["interactive"] is False, props["export"]
        assert props["export-docx"]["interactive"] is False, props["export-docx"]
        triggers = {t[1] for d in config["dependencies"] for t in d["targets"]}
        assert "like" not in triggers, "the thumbs are shown though feedback cannot be saved"
        messages, _, _ = Client(url, verbose=False).predict(
            "Who should pay for training the candidates?", [], [], False, api_name="/ask"
        )
        assert "[1]" in _text(messages[-1]), "the chat still answers"
    finally:
        demo.close()
    warnings = [
        r for r in caplog.records if r.levelno == logging.WARNING and "data folder" in r.msg
    ]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
    assert not (blocker / "data").exists()
