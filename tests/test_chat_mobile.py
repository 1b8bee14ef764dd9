"""The chat's layout in a real Chromium, on a phone-sized and a desktop-sized window.

One app over a copy of the sample index, one browser. At 420 px the question box spans
the column on one line, the sources follow the chat, nothing scrolls sideways and the
example questions show in full; at 1,400 px the chat and the panel sit side by side.
Screenshots go under ``tmp_path``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, served_copy

from assistant import Assistant, Settings
from assistant.ui._page import EXAMPLES

pytestmark = pytest.mark.browser

QUESTION = "Who should pay for training the candidates?"
PHONE = {"width": 420, "height": 900}
DESKTOP = {"width": 1400, "height": 900}
TIMEOUT = 30_000
BOX = """s => { const b = document.querySelector(s).getBoundingClientRect();
  return {x: b.x, y: b.y + window.scrollY, width: b.width, height: b.height}; }"""

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} does not exist (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, sample_settings: Settings) -> Settings:
    return served_copy(tmp_path_factory.mktemp("chat-mobile"), sample_settings)


@pytest.fixture(scope="module")
def url(settings: Settings) -> Iterator[str]:
    from assistant.ui import launch

    demo = launch(settings, prevent_thread_lock=True)
    yield str(demo.local_url).rstrip("/")
    demo.close()


def _open(browser: Any, url: str, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    page.locator("#question textarea").wait_for()
    page.wait_for_timeout(300)  # Gradio settles the layout after the first paint
    return page


@pytest.fixture(scope="module")
def phone(browser: Any, url: str) -> Iterator[Any]:
    page = _open(browser, url, PHONE)
    yield page
    page.context.close()


def _ask(page: Any, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    page.locator("#sources .smp-card").first.wait_for()
    page.wait_for_function(
        "() => !document.querySelector('#chat .generating, .progress-text')"
        " && document.querySelector('#question textarea').value === ''"
    )


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px wide"


def test_phone_question_box_spans_the_column_on_one_line(phone: Any, tmp_path: Path) -> None:
    margins = phone.evaluate(BOX, "#status")  # the page's content column
    box = phone.evaluate(BOX, "#question textarea")
    assert box["width"] >= 0.9 * margins["width"], (box, margins)
    line = phone.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('#question textarea'))"
        ".lineHeight)"
    )
    assert box["height"] < 2 * line + 20, f"the placeholder wraps: {box['height']} px, line {line}"
    ask = phone.evaluate(BOX, "#ask")
    assert ask["x"] + ask["width"] <= PHONE["width"] and ask["y"] >= box["y"], ask
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(tmp_path / "phone-empty.png"), full_page=True)


def test_phone_welcome_names_the_document(phone: Any, settings: Settings) -> None:
    title = Assistant(settings=settings).index.status().documents[0].title
    welcome = phone.locator("#status .smp-welcome-line").inner_text()
    assert title in welcome, welcome
    status = phone.locator("#status .smp-status")
    assert status.inner_text().startswith(f"Answering from: {title} ("), status.inner_text()
    tooltip = str(status.get_attribute("title"))
    assert "chunks" not in status.inner_text(), "technical details belong in the tooltip"
    assert "chunks" in tooltip, tooltip


def test_phone_examples_show_in_full(phone: Any) -> None:
    examples = phone.locator("#examples .smp-example")
    shown = examples.evaluate_all(
        "es => es.map(e => [e.innerText.trim(), e.scrollWidth <= e.clientWidth,"
        " e.getBoundingClientRect().right])"
    )
    assert [text for text, _, _ in shown] == EXAMPLES, shown
    assert all(fits and right <= PHONE["width"] for _, fits, right in shown), shown


def test_phone_example_fills_the_question_box(phone: Any) -> None:
    phone.locator("#examples .smp-example").nth(2).click()
    value = phone.locator("#question textarea")
    phone.wait_for_function(
        "t => document.querySelector('#question textarea').value === t", arg=EXAMPLES[2]
    )
    value.fill("")


def test_phone_sources_follow_the_chat(phone: Any, tmp_path: Path) -> None:
    _ask(phone, QUESTION)
    tops = {name: phone.evaluate(BOX, name)["y"] for name in ("#chat", "#question", "#sources")}
    tops["#chapters"] = phone.evaluate(BOX, "#chapters")["y"]
    tops["#brief-panel"] = phone.evaluate(BOX, "#brief-panel")["y"]
    order = sorted(tops, key=tops.__getitem__)
    assert order == ["#chat", "#question", "#sources", "#chapters", "#brief-panel"], tops
    assert tops["#sources"] <= 1.5 * PHONE["height"], f"sources start at {tops['#sources']} px"
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(tmp_path / "phone-answer.png"), full_page=True)


def test_phone_hides_the_empty_brief_parts(phone: Any) -> None:
    assert phone.locator("#brief-list .smp-brief-empty").is_visible()
    assert not phone.locator("#export").is_visible(), "exports of an empty brief take space"
    assert not phone.locator("#brief").is_visible(), "an empty download box takes space"
    phone.locator("#add-to-brief").click()
    phone.locator("#brief-list .smp-brief-count").wait_for()
    assert phone.locator("#export").is_visible() and phone.locator("#export-docx").is_visible()


def test_desktop_chat_and_panel_side_by_side(browser: Any, url: str, tmp_path: Path) -> None:
    page = _open(browser, url, DESKTOP)
    chat, panel = page.evaluate(BOX, "#smp-chat-column"), page.evaluate(BOX, "#smp-panel")
    assert chat["x"] + chat["width"] <= panel["x"], f"the panel is not right of the chat: {panel}"
    assert abs(chat["y"] - panel["y"]) < 5, (chat, panel)
    chapters, sources = page.evaluate(BOX, "#chapters"), page.evaluate(BOX, "#sources")
    assert chapters["y"] < sources["y"] and sources["x"] >= panel["x"], (chapters, sources)
    question = page.evaluate(BOX, "#question textarea")
    assert question["height"] < 60, f"the placeholder wraps: {question}"
    shown = page.locator("#examples .smp-example").evaluate_all(
        "es => es.map(e => e.scrollWidth <= e.clientWidth)"
    )
    assert shown and all(shown), shown
    assert page.evaluate("document.scrollingElement.scrollWidth") <= DESKTOP["width"]
    page.screenshot(path=str(tmp_path / "desktop.png"))
    page.context.close()
