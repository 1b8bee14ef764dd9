"""Several users at once: one Assistant shared by threads, and a chat server whose LLM is slow.

Real components throughout (the sample index, the embedding model, Chroma on disk, the
chat server in its own process); the only fake is the LLM at the model boundary, a slow
OpenAI-compatible HTTP server on 127.0.0.1 (``fake_llm``).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fake_llm import base_url, slow_llm
from helpers import ROOT, free_port, start_chat

from assistant import Assistant, Settings

GOLD = ROOT / "evals" / "datasets" / "sample_gold.jsonl"
COVERED = "Who should pay for training the candidates?"
NOT_COVERED = "What is the boiling point of liquid nitrogen at sea level?"


def _questions(n: int) -> list[str]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:n]


def _comparable(answer: Any) -> str:
    return json.dumps(answer.to_json(), sort_keys=True)


def _cold_copy(source: Settings, tmp_path: Path) -> Settings:
    """A copy of the sample index with nothing cached (no BM25 folder): lazy state races."""
    index = tmp_path / "index"
    shutil.copytree(source.resolved_index_dir(), index)
    shutil.rmtree(index / "bm25", ignore_errors=True)
    return Settings(index_dir=index, data_dir=tmp_path / "data")


@pytest.mark.slow
def test_threads_sharing_one_assistant_get_the_serial_answers(
    tmp_path: Path, sample_settings: Settings
) -> None:
    questions = _questions(12)
    shared = Assistant(settings=_cold_copy(sample_settings, tmp_path))  # not warmed up
    barrier = threading.Barrier(len(questions))
    results: dict[int, str] = {}
    errors: list[str] = []
    spans: list[tuple[float, float]] = []

    def ask(n: int) -> None:
        barrier.wait()
        started = time.monotonic()
        try:
            results[n] = _comparable(shared.answer(questions[n]))
        except Exception as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(f"{questions[n]!r}: {type(exc).__name__}: {exc}")
        spans.append((started, time.monotonic()))

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(len(questions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors

    serial = Assistant(settings=sample_settings)
    for n, question in enumerate(questions):
        assert results[n] == _comparable(serial.answer(question)), question
    # Answers overlapped: at some moment at least two were being computed at once.
    most = max(sum(a <= t < b for a, b in spans) for t, _ in spans)
    assert most >= 2, spans


@pytest.mark.slow
def test_a_slow_llm_answer_does_not_delay_other_users(
    tmp_path: Path, sample_index_copy: Path, clean_env: dict[str, str]
) -> None:
    from gradio_client import Client

    index = sample_index_copy
    delay = 6.0
    with slow_llm(delay) as llm:
        env = dict(
            clean_env,
            SMP_GUIDE_ASSISTANT__LLM="openai:fake",
            SMP_GUIDE_ASSISTANT__LLM_BASE_URL=base_url(llm),
        )
        port = free_port()
        server = start_chat(index, port=port, env=env, log=tmp_path / "chat.log")
        try:
            url = f"http://127.0.0.1:{port}/"
            slow, quick = Client(url, verbose=False), Client(url, verbose=False)
            quick.predict(NOT_COVERED, [], [], False, api_name="/ask")  # warm
            started = time.monotonic()
            job = slow.submit(COVERED, [], [], False, api_name="/ask")
            while not any(what == "start" for _, what in llm.events):
                assert time.monotonic() - started < 60, "the LLM was never called"
                time.sleep(0.05)
            asked = time.monotonic()
            reply = quick.predict(NOT_COVERED, [], [], False, api_name="/ask")
            quick_seconds = time.monotonic() - asked
            llm_reply = job.result(timeout=120)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert "does not appear to cover" in json.dumps(reply[0][-1]), reply[0][-1]
    assert "[1]" in json.dumps(llm_reply[0][-1]), llm_reply[0][-1]
    assert quick_seconds < delay / 2, (
        f"an answer that needs no LLM took {quick_seconds:.1f} s behind a {delay} s LLM call"
    )
