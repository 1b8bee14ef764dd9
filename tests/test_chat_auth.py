"""Chat web security: the login required by --auth, and the loopback-only default bind."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, free_port

from assistant import Assistant, AssistantSettings, Settings
from ingest import InputError

USER, PASSWORD = "alice", "s3cret-pass"
QUESTION = "Who should pay for training the candidates?"


def _with_login(sample_settings: Settings, tmp_path: Path) -> Settings:
    return sample_settings.model_copy(
        update={
            "auth": f"{USER}:{PASSWORD}",
            "data_dir": tmp_path / "data",
            "index_dir": sample_settings.resolved_index_dir(),
            "assistant": sample_settings.assistant.model_copy(update={"port": free_port()}),
        }
    )


@pytest.fixture(scope="module")
def served(
    sample_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Settings]]:
    from assistant.ui import launch

    settings = _with_login(sample_settings, tmp_path_factory.mktemp("chat-auth"))
    demo = launch(settings, prevent_thread_lock=True)
    try:
        yield str(demo.local_url).rstrip("/"), settings
    finally:
        demo.close()


def _login(url: str, user: str, password: str) -> tuple[int, float]:
    """POST the login form; its status and how long the answer took."""
    form = urllib.parse.urlencode({"username": user, "password": password}).encode()
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"{url}/login", form, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.monotonic() - start


def test_binds_loopback_by_default(served: tuple[str, Settings]) -> None:
    url, _ = served
    assert AssistantSettings.model_fields["host"].default == "127.0.0.1"
    assert url.startswith("http://127.0.0.1:"), url


def test_api_needs_the_login(served: tuple[str, Settings]) -> None:
    from gradio_client import Client

    url, _ = served
    with pytest.raises(Exception) as refused:  # gradio_client raises its own types here
        Client(url, verbose=False).predict(QUESTION, [], [], False, api_name="/ask")
    assert (
        "401" in str(refused.value)
        or "auth" in str(refused.value).lower()
        or ("login" in str(refused.value).lower())
    ), refused.value
    client = Client(url, auth=(USER, PASSWORD), verbose=False)
    messages, sources, _ = client.predict(QUESTION, [], [], False, api_name="/ask")
    assert "[1]" in str(messages[-1]["content"]) and 'data-n="1"' in sources


def test_pdf_and_page_routes_need_the_login(served: tuple[str, Settings]) -> None:
    url, settings = served
    document_id = Assistant(settings=settings).answer(QUESTION).citations[0].document_id
    for path in (f"/pdf/{document_id}", f"/page/{document_id}/0.png?quote=any"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{url}{path}", timeout=10)
        assert error.value.code in (401, 403), (path, error.value.code)


@pytest.mark.parametrize("auth", [f"{USER}:", f":{PASSWORD}", ":", "", f"  :{PASSWORD}"])
def test_launch_refuses_an_empty_user_or_password(auth: str, sample_settings: Settings) -> None:
    from assistant.ui import launch

    port = sample_settings.assistant.model_copy(update={"port": free_port()})
    with pytest.raises(InputError, match="neither part empty"):
        launch(
            sample_settings.model_copy(update={"auth": auth, "assistant": port}),
            prevent_thread_lock=True,
        ).close()  # reached only if launch() served the app after all


def test_failed_logins_are_slowed_then_locked_out(
    sample_settings: Settings, tmp_path: Path
) -> None:
    """Its own server: the lock-out applies to every client on 127.0.0.1."""
    from assistant.ui import launch

    demo = launch(_with_login(sample_settings, tmp_path), prevent_thread_lock=True)
    try:
        url = str(demo.local_url).rstrip("/")
        status, took = _login(url, USER, PASSWORD)
        assert status == 200 and took < 1, f"the right password: {status} in {took:.2f} s"
        wrong = [_login(url, USER, f"guess-{n}") for n in range(5)]
        assert [s for s, _ in wrong] == [400] * 5, wrong
        assert all(took >= 0.9 for _, took in wrong), f"failures are not slowed: {wrong}"
        status, took = _login(url, USER, PASSWORD)
        assert status == 429, f"the 6th attempt in a row got {status}"
        assert took < 1, "a locked-out attempt is refused at once"
    finally:
        demo.close()


@pytest.mark.browser
def test_a_brief_is_served_only_to_the_login_that_exported_it(
    served: tuple[str, Settings],
) -> None:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} does not exist (apt-get install chromium)")
    url, _ = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        owner, other = (_logged_in_page(browser, url) for _ in range(2))
        owner.locator("#question textarea").fill(QUESTION)
        owner.locator("#ask").click()
        owner.wait_for_function("() => document.querySelector('#question textarea').value === ''")
        owner.locator("#add-to-brief").click()
        owner.locator("#brief-list .smp-brief-count").wait_for()
        owner.locator("#export").click()
        owner.locator("#brief a").wait_for()
        href = str(owner.locator("#brief a").get_attribute("href"))
        mine = owner.context.request.get(f"{url}{href}")
        assert mine.status == 200 and QUESTION in mine.text(), mine.status
        theirs = other.context.request.get(f"{url}{href}")
        assert theirs.status == 404, f"another login fetched the brief: {theirs.status}"
        browser.close()
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(f"{url}{href}", timeout=10)
    assert anonymous.value.code == 401


def _logged_in_page(browser: Any, url: str) -> Any:
    context = browser.new_context()
    response = context.request.post(f"{url}/login", form={"username": USER, "password": PASSWORD})
    assert response.status == 200, response.status
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.locator("#question textarea").wait_for()
    return page
