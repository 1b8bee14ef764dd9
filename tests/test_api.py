"""The chat server's JSON API: ``POST /api/answer`` and the Gradio endpoint ``/answer``.

The real ``smp-guide chat`` in its own process (with a login) over a copy of the sample
index; clients are plain HTTP (httpx, as curl would call it) and gradio_client. Answers
are compared with the real ``smp-guide ask --json`` on the same index.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import child_env, free_port, run_cli, start_chat

from assistant import Assistant, Settings
from assistant.ui import ChatSession

USER, PASSWORD = "alice", "s3cret-pass"
QUESTION = "Who should pay for training the candidates?"
FOLLOW_UP = "What about the employers?"
CHAPTER_QUESTION = "How are skills recognised?"
WHO_PAYS = "and who pays for it?"  # after CHAPTER_QUESTION: only its context finds chapter 7
NOT_AN_INT = "chapters[0]: Input should be a valid integer"
BAD_ROLE = [{"role": "bot", "content": "x"}]


@dataclass(frozen=True)
class Server:
    url: str
    index: Path
    log: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def server(sample_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("json-api")
    index = root / "index"
    shutil.copytree(sample_settings.resolved_index_dir(), index)
    env = child_env(root / "data")
    port, log = free_port(), root / "chat.log"
    process = start_chat(
        index, port=port, env=env | {"SMP_GUIDE_AUTH": f"{USER}:{PASSWORD}"}, log=log
    )
    try:
        yield Server(f"http://127.0.0.1:{port}", index, log, env)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client logged in through the chat's own login form (its cookie kept)."""
    with httpx.Client(base_url=server.url, timeout=120) as http:
        login = http.post("/login", data={"username": USER, "password": PASSWORD})
        assert login.status_code == 200, login.text
        yield http


def _ask_json(server: Server, *args: str) -> dict[str, Any]:
    proc = run_cli("ask", *args, "--json", "--index-dir", str(server.index), env=server.env)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _post(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post("/api/answer", json=body)


def _same_answer(got: dict[str, Any], expected: dict[str, Any]) -> None:
    assert set(got) == set(expected), sorted(got)
    for key in ("question", "covered", "answer", "citations", "search_query", "notices"):
        assert got[key] == expected[key], f"{key} differs:\n{got[key]!r}\n{expected[key]!r}"
    ranked = [(s["rank"], s["chunk_id"]) for s in got["sources"]]
    assert ranked == [(s["rank"], s["chunk_id"]) for s in expected["sources"]]


def test_answer_is_the_json_of_ask(server: Server, client: httpx.Client) -> None:
    response = _post(client, {"question": QUESTION})
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["covered"] and got["citations"], got
    _same_answer(got, _ask_json(server, QUESTION))


def test_chapter_filter_and_recommendations_only(server: Server, client: httpx.Client) -> None:
    body = {"question": CHAPTER_QUESTION, "chapters": [7], "recommendations_only": True}
    response = _post(client, body)
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["citations"], got["answer"]
    assert {c["chapter"] for c in got["citations"]} == {7}, got["citations"]
    assert {s["chapter"] for s in got["sources"]} == {7}
    _same_answer(
        got, _ask_json(server, CHAPTER_QUESTION, "--chapter", "7", "--recommendations-only")
    )


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"question": QUESTION, "chapters": ["7"]}, 422, NOT_AN_INT),
        ({"question": QUESTION, "chapters": [True]}, 422, "chapters[0]"),
        ({"question": QUESTION, "top_k": 3}, 422, "top_k: Extra inputs are not permitted"),
        ({"question": 7}, 422, "question: Input should be a valid string"),
        ({}, 422, "question: Field required"),
        ({"question": QUESTION, "history": BAD_ROLE}, 422, "history[0].role"),
        ({"question": QUESTION, "chapters": [99]}, 400, "no chapter 99"),
        ({"question": "   "}, 400, "the question is empty"),
        ({"question": "x" * 1001}, 400, "keep it under 1000"),
    ],
)  # fmt: skip
def test_a_bad_request_is_one_line(
    client: httpx.Client, server: Server, body: dict[str, Any], status: int, words: str
) -> None:
    response = _post(client, body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert words in error and "\n" not in error, error
    assert "Traceback" not in server.log.read_text(errors="replace")


def test_a_body_that_is_not_json(client: httpx.Client) -> None:
    response = client.post(
        "/api/answer", content=b'{"question": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422 and "Invalid JSON" in response.json()["error"]


def test_follow_up_is_read_against_the_history_sent(client: httpx.Client) -> None:
    alone = _post(client, {"question": FOLLOW_UP}).json()
    assert alone["search_query"] == FOLLOW_UP, alone["search_query"]
    history = [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "Employers and governments share it [1]."},
    ]
    followed = _post(client, {"question": FOLLOW_UP, "history": history}).json()
    query = followed["search_query"]
    assert query.startswith(FOLLOW_UP) and "training" in query and "candidates" in query, query
    assert f"Searching for: {query}" in followed["notices"], followed["notices"]
    # Only what the caller sends counts: the server kept nothing from the call above.
    assert _post(client, {"question": FOLLOW_UP}).json()["search_query"] == FOLLOW_UP


def test_the_login_and_the_body_limit_guard_the_route(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as anonymous:
        refused = anonymous.post("/api/answer", json={"question": QUESTION})
        assert refused.status_code in (401, 403), refused.text
        assert "log" in refused.json()["error"], refused.text
        huge = {"question": QUESTION, "history": [{"role": "user", "content": "x" * 2_000_000}]}
        assert anonymous.post("/api/answer", json=huge).status_code == 413


def test_gradio_client_gets_the_same_json(server: Server, client: httpx.Client) -> None:
    from gradio_client import Client

    gradio = Client(server.url, auth=(USER, PASSWORD), verbose=False)
    got = gradio.predict(question=QUESTION, api_name="/answer")
    _same_answer(got, _post(client, {"question": QUESTION}).json())
    filtered = gradio.predict(CHAPTER_QUESTION, [], [7], True, api_name="/answer")
    assert {c["chapter"] for c in filtered["citations"]} == {7}, filtered["citations"]
    history = [{"role": "user", "content": QUESTION}]
    followed = gradio.predict(FOLLOW_UP, history, [], False, api_name="/answer")
    assert "training" in followed["search_query"], followed["search_query"]


def test_gradio_client_refuses_string_chapters_in_one_line(server: Server) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    gradio = Client(server.url, auth=(USER, PASSWORD), verbose=False)
    with pytest.raises(AppError, match=re.escape(NOT_AN_INT)):
        gradio.predict(QUESTION, [], ["7"], False, api_name="/answer")
    assert "Traceback" not in server.log.read_text(errors="replace")


def test_view_api_names_the_parameters(server: Server) -> None:
    from gradio_client import Client

    info = Client(server.url, auth=(USER, PASSWORD), verbose=False).view_api(
        print_info=False, return_format="dict"
    )
    endpoint = info["named_endpoints"]["/answer"]
    names = [p["parameter_name"] for p in endpoint["parameters"]]
    assert names == ["question", "history", "chapters", "recommendations_only"], names
    chapters = endpoint["parameters"][2]["python_type"]["type"]
    assert "list[int]" in chapters, chapters


def test_no_index_is_503(tmp_path: Path) -> None:
    from assistant.ui import launch

    settings = Settings(data_dir=tmp_path / "data", index_dir=tmp_path / "index")
    settings = settings.model_copy(
        update={"assistant": settings.assistant.model_copy(update={"port": free_port()})}
    )
    demo = launch(settings, prevent_thread_lock=True)
    try:
        url = str(demo.local_url).rstrip("/")
        response = httpx.post(f"{url}/api/answer", json={"question": QUESTION}, timeout=60)
    finally:
        demo.close()
    assert response.status_code == 503, response.text
    assert "smp-guide ingest" in response.json()["error"], response.text


# ------------------------------------------------------------ follow-ups, as in the chat
def _chat_two_turns(sample_assistant: Assistant, settings: Settings) -> tuple[list[Any], Any]:
    """CHAPTER_QUESTION then WHO_PAYS through the chat's own handler: its messages after
    the first turn and the follow-up's answer turn (what the chat remembers of it)."""
    session = ChatSession(sample_assistant, settings=settings)
    *_, (messages, _, turns, _) = session.ask(CHAPTER_QUESTION, [], [])
    *_, (_, _, followed, _) = session.ask(WHO_PAYS, messages, turns)
    return messages, followed[-1]


def _cited(answer: dict[str, Any]) -> list[str]:
    return [c["chunk_id"] for c in answer["citations"]]


def test_a_follow_up_gets_the_chat_s_context_from_the_history_sent(
    client: httpx.Client, sample_assistant: Assistant, sample_settings: Settings
) -> None:
    messages, chat_turn = _chat_two_turns(sample_assistant, sample_settings)
    in_chat = _cited(chat_turn)
    assert in_chat and {c["chapter"] for c in chat_turn["citations"]} == {7}, chat_turn
    first = _post(client, {"question": CHAPTER_QUESTION}).json()
    histories = {
        "the chat's own messages": [{"role": m["role"], "content": m["content"]} for m in messages],
        "the chat's messages as Gradio keeps them": [
            {
                "role": m["role"],
                "content": [{"type": "text", "text": m["content"]}],
                "metadata": {"title": None},
                "options": [],
            }
            for m in messages
        ],
        "the API's answer text": [
            {"role": "user", "content": CHAPTER_QUESTION},
            {"role": "assistant", "content": first["answer"]},
        ],
        "the API's citations": [
            {"role": "user", "content": CHAPTER_QUESTION},
            {"role": "assistant", "content": "(shown elsewhere)", "citations": first["citations"]},
        ],
    }
    for name, history in histories.items():
        response = _post(client, {"question": WHO_PAYS, "history": history})
        assert response.status_code == 200, f"{name}: {response.text}"
        assert _cited(response.json()) == in_chat, f"{name}: {response.json()['citations']}"
    # The previous question alone does not carry the chat's context: the test can fail.
    asked_only = [{"role": "user", "content": CHAPTER_QUESTION}]
    alone = _post(client, {"question": WHO_PAYS, "history": asked_only}).json()
    assert _cited(alone) != in_chat, alone["citations"]


def test_history_citations_are_checked(client: httpx.Client) -> None:
    history = [{"role": "assistant", "content": "x", "citations": [{"chapter": "7"}]}]
    response = _post(client, {"question": WHO_PAYS, "history": history})
    assert response.status_code == 422, response.text
    assert "history[0].citations[0].chapter" in response.json()["error"], response.text


# ------------------------------------------------------------ the page's own /ask event
def test_ask_is_left_out_of_view_api_for_answer(server: Server) -> None:
    from gradio_client import Client

    gradio = Client(server.url, auth=(USER, PASSWORD), verbose=False)
    info = gradio.view_api(print_info=False, return_format="dict")
    assert sorted(info["named_endpoints"]) == ["/answer"], info["named_endpoints"].keys()


def test_ask_takes_chapters_as_numbers_or_digits(server: Server) -> None:
    from gradio_client import Client

    gradio = Client(server.url, auth=(USER, PASSWORD), verbose=False)
    sources = {}
    for chapters in ([7], ["7"], [" 7"], "7"):
        messages, html, _ = gradio.predict(CHAPTER_QUESTION, [], chapters, False, api_name="/ask")
        assert len(messages) == 2 and "Chapter 7" in html, (chapters, html[:300])
        sources[repr(chapters)] = html
    assert len(set(sources.values())) == 1, "the same filter gave different sources"


@pytest.mark.parametrize(
    ("chapters", "words"),
    [
        (["x"], "chapters: 'x' is not a chapter number; chapters are 1-13."),
        ([99], "chapters: no chapter 99 in the indexed documents; chapters are 1-13."),
        (["99"], "chapters: no chapter 99 in the indexed documents"),
        ([True], "chapters: True is not a chapter number"),
        ([7.5], "chapters: 7.5 is not a chapter number"),
    ],
)  # fmt: skip
def test_ask_refuses_a_bad_chapter_in_one_line(server: Server, chapters: Any, words: str) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    gradio = Client(server.url, auth=(USER, PASSWORD), verbose=False)
    with pytest.raises(AppError, match=re.escape(words)):
        gradio.predict(QUESTION, [], chapters, False, api_name="/ask")
    assert "Traceback" not in server.log.read_text(errors="replace")
