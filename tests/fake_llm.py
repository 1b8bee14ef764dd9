"""A slow OpenAI-compatible chat server on 127.0.0.1: the model boundary, faked.

It speaks the ``POST /v1/chat/completions`` protocol that llama-index's ``OpenAILike``
(``assistant._llm.build_llm("openai:MODEL", ...)``) uses, waits ``delay`` seconds, and
answers with one sentence citing source [1] in its own words taken from the prompt.
Used by tests and stress scripts to hold an LLM answer in flight.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from typing_extensions import override

_FIRST_SOURCE = re.compile(r"\[1\] \([^)]*\)\n<<<\n(.*?)\n>>>", re.DOTALL)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.record(time.monotonic(), "start")
        time.sleep(self.server.delay)
        prompt = " ".join(str(m.get("content", "")) for m in body.get("messages", []))
        found = _FIRST_SOURCE.search(prompt)
        words = (found.group(1) if found else "the publication").split()[:25]
        reply = {
            "id": "fake-1",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": " ".join(words) + " [1]."},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.server.record(time.monotonic(), "end")

    @override
    def log_message(self, format: str, *args: object) -> None:
        return  # quiet: the tests read the recorded timings, not a log


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay = delay
        self.events: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def record(self, when: float, what: str) -> None:
        with self._lock:
            self.events.append((when, what))


@contextmanager
def slow_llm(delay: float) -> Iterator[_Server]:
    """The server, running; its base URL is ``base_url(server)``."""
    server = _Server(delay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def base_url(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/v1"
