"""Chat web security: the login required by --auth, and the loopback-only default bind."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from helpers import free_port

from assistant import Assistant
from ingest import Settings
from ingest.settings import AssistantSettings

USER, PASSWORD = "alice", "s3cret-pass"
QUESTION = "Who should pay for training the candidates?"


@pytest.fixture(scope="module")
def served(sample_settings: Settings) -> Iterator[tuple[str, Settings]]:
    from assistant._ui import launch

    settings = sample_settings.model_copy(
        update={
            "auth": f"{USER}:{PASSWORD}",
            "assistant": sample_settings.assistant.model_copy(update={"port": free_port()}),
        }
    )
    demo = launch(settings, prevent_thread_lock=True)
    try:
        yield str(demo.local_url).rstrip("/"), settings
    finally:
        demo.close()


def test_binds_loopback_by_default(served: tuple[str, Settings]) -> None:
    url, _ = served
    assert AssistantSettings.model_fields["host"].default == "127.0.0.1"
    assert url.startswith("http://127.0.0.1:"), url


def test_api_needs_the_login(served: tuple[str, Settings]) -> None:
    from gradio_client import Client

    url, _ = served
    with pytest.raises(Exception) as refused:  # gradio_client raises its own types here
        Client(url, verbose=False).predict(QUESTION, [], [], [], False, api_name="/ask")
    assert (
        "401" in str(refused.value)
        or "auth" in str(refused.value).lower()
        or ("login" in str(refused.value).lower())
    ), refused.value
    client = Client(url, auth=(USER, PASSWORD), verbose=False)
    messages, sources, _ = client.predict(QUESTION, [], [], [], False, api_name="/ask")
    assert "[1]" in str(messages[-1]["content"]) and 'data-n="1"' in sources


def test_pdf_route_needs_the_login(served: tuple[str, Settings]) -> None:
    url, settings = served
    document_id = Assistant(settings=settings).answer(QUESTION).citations[0].document_id
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{url}/pdf/{document_id}", timeout=10)
    assert error.value.code in (401, 403), error.value.code
