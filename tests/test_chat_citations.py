"""Citations checked in place, and a Clear that resets the conversation, in real Chromium.

One app over a copy of the sample index; each test opens its own page (a fresh Gradio
session), so no test sees another's conversation.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import served_copy
from test_chat_browser import QUESTION, _ask, _download, _open
from test_chat_handlers import _quote_lines

from assistant import Assistant, Settings
from assistant._pages import SCALE
from assistant.ui._page import EXAMPLES

pytestmark = pytest.mark.browser

RPL = "What does RPL mean?"
FOLLOW_UP = "what about the employers?"
OFF_TOPIC = "What is zero trust architecture?"
CHIPS = 'a[href^="#smp-src-"]'


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, sample_settings: Settings) -> Settings:
    return served_copy(tmp_path_factory.mktemp("chat-citations"), sample_settings)


@pytest.fixture(scope="module")
def reference(settings: Settings) -> Assistant:
    return Assistant(settings=settings)


@pytest.fixture(scope="module")
def url(settings: Settings) -> Iterator[str]:
    from assistant.ui import launch

    demo = launch(settings, prevent_thread_lock=True)
    yield str(demo.local_url).rstrip("/")
    demo.close()


@pytest.fixture
def page(browser: Any, url: str) -> Iterator[Any]:
    page = _open(browser, url)
    yield page
    page.context.close()


def _words(text: str) -> str:
    return " ".join(text.split())


def _shown_turn(page: Any) -> str:
    return str(page.locator("#sources .smp-turn.smp-shown").get_attribute("data-turn"))


# -------------------------------------------------------------------- chips and page view
def test_a_chip_of_an_earlier_answer_selects_that_answers_card(
    page: Any, reference: Assistant, tmp_path: Path
) -> None:
    question = next(q for q in EXAMPLES if len(reference.answer(q).citations) >= 2)
    expected = reference.answer(question).citations
    _ask(page, question)
    _ask(page, RPL)
    assert _shown_turn(page) == "2", "the newest answer's sources are shown"
    chip = page.locator("#chat .message.bot").first.locator(CHIPS, has_text="[2]").first
    assert chip.get_attribute("href") == "#smp-src-1-2"
    title = str(chip.get_attribute("title"))
    assert _words(expected[1].quote).startswith(title.removesuffix(" \u2026")), title
    chip.click()
    assert _shown_turn(page) == "1", "the chip shows its own answer's sources"
    selected = page.locator("#sources .smp-card.smp-selected")
    assert selected.count() == 1 and selected.get_attribute("id") == "smp-src-1-2"
    assert selected.is_visible()
    quote = _words(selected.locator(".smp-quote").inner_text())
    assert quote == _words(expected[1].quote), quote
    page.screenshot(path=str(tmp_path / "chip-selected.png"))


def test_a_chip_is_reached_by_keyboard_and_shows_its_quote_on_focus(
    page: Any, reference: Assistant, tmp_path: Path
) -> None:
    _ask(page, QUESTION)
    _ask(page, RPL)
    chip = page.locator("#chat .message.bot").first.locator(CHIPS).first
    chip.focus()
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#smp-src-1-1"
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # focus from the keyboard: :focus-visible applies
    shown = page.evaluate("() => getComputedStyle(document.activeElement, '::after').content")
    first = _words(reference.answer(QUESTION).citations[0].quote)
    assert first[:40] in str(shown), f"the tooltip shows {shown!r}"
    page.screenshot(path=str(tmp_path / "chip-focused.png"))
    page.keyboard.press("Enter")
    assert _shown_turn(page) == "1"
    assert page.evaluate("() => document.activeElement.id") == "smp-src-1-1"


def test_the_page_view_highlights_the_quote_where_it_is_printed(
    page: Any, reference: Assistant, url: str, tmp_path: Path
) -> None:
    from PIL import Image, ImageChops

    _ask(page, QUESTION)
    citation = reference.answer(QUESTION).citations[0]
    page.locator("#sources .smp-shown .smp-card[data-n='1'] .smp-view").click()
    image = page.locator(".smp-viewer img")
    image.wait_for()
    page.wait_for_function("() => document.querySelector('.smp-viewer img').naturalWidth > 0")
    page.wait_for_timeout(200)  # the view scrolls to the highlight once the image loads
    page.screenshot(path=str(tmp_path / "page-view.png"))
    source = str(image.get_attribute("data-src"))
    parts = urlsplit(source)
    assert parts.path == f"/page/{citation.document_id}/{citation.page_indexes[0]}.png", source
    assert _words(parse_qs(parts.query)["quote"][0]) == _words(citation.quote)
    with urllib.request.urlopen(url + source, timeout=30) as response:
        assert response.headers["content-type"] == "image/png"
        marked = Image.open(io.BytesIO(response.read())).convert("RGB")
    with urllib.request.urlopen(f"{url}{parts.path}", timeout=30) as response:
        plain = Image.open(io.BytesIO(response.read())).convert("RGB")
    box = ImageChops.difference(marked, plain).getbbox()
    assert box is not None, "the page view highlights nothing"
    pdf = reference.index.pdf_path(citation.document_id)
    baselines = _quote_lines(pdf, citation.page_indexes[0], citation.quote)
    assert baselines, "pypdf finds the quote's lines on the cited page"
    height = plain.size[1] / SCALE
    top, bottom = ((height - y) * SCALE for y in (max(baselines), min(baselines)))
    line = 16 * SCALE
    assert top - line <= box[1] and box[3] <= bottom + line, (box, top, bottom)
    shown = page.evaluate(  # where the highlight's top is, in the browser's viewport
        f"""() => {{ const r = document.querySelector('.smp-viewer img').getBoundingClientRect();
                   return [r.top + r.height * {box[1] / marked.size[1]}, innerHeight]; }}"""
    )
    assert 0 <= shown[0] <= shown[1] / 2, f"the highlight is not in view: {shown}"
    page.keyboard.press("Escape")
    assert page.locator(".smp-viewer").count() == 0, "Escape closes the page view"
    assert page.locator("#sources .smp-shown .smp-card[data-n='1'] a.smp-pdf").count() == 1
    for path in (f"/page/{citation.document_id}/9999.png", "/page/0000000000000000/0.png",
                 f"/page/{citation.document_id}/..%2F0.png"):  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + path, timeout=10)
        assert refused.value.code == 404, path


def test_copying_an_answer_copies_its_chips_as_plain_markers_and_leaves_add_to_brief_out(
    page: Any,
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _ask(page, QUESTION)
    page.locator("#chat button[aria-label='Copy message']").last.click()
    page.wait_for_timeout(500)  # the page rewrites the chat's own copy
    copied = str(page.evaluate("() => navigator.clipboard.readText()"))
    assert "[1]" in copied and "#smp-src-" not in copied, copied
    assert "Add to brief" not in copied and "#smp-" not in copied, copied
    assert page.locator("#chat .message.bot a[href^='#smp-add-']").is_visible()


# -------------------------------------------------------------------- "Add to brief" per answer
def _location(citation: Any) -> str:
    return str(citation.reference.split(citation.document, 1)[1].lstrip(" ,"))


def test_each_answer_has_its_own_add_to_brief_and_the_first_one_is_added(
    page: Any, reference: Assistant, tmp_path: Path
) -> None:
    _ask(page, QUESTION)
    _ask(page, RPL)
    assert "does not appear to cover" in _ask(page, OFF_TOPIC)
    bots = page.locator("#chat .message.bot")
    adds = [bots.nth(i).locator('a[href^="#smp-add-"]') for i in range(3)]
    assert [a.count() for a in adds] == [1, 1, 0], "a refusal has no Add to brief"
    assert adds[0].inner_text() == "Add to brief" and adds[0].get_attribute("href") == "#smp-add-1"
    adds[0].focus()  # from the keyboard: a real link, reached by Tab and followed by Enter
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#smp-add-1"
    page.keyboard.press("Enter")
    page.locator("#brief-list .smp-brief-count", has_text="1 answer").wait_for()
    assert page.locator("#brief-list li").all_inner_texts() == [QUESTION]
    page.screenshot(path=str(tmp_path / "added-first.png"))
    adds[0].click()  # the same answer again: not duplicated
    page.locator(".toast-body", has_text="already in the brief").wait_for()
    assert page.locator("#brief-list li").all_inner_texts() == [QUESTION]
    _, markdown = _download(page, "#export", "md")
    text = markdown.read_text(encoding="utf-8")
    assert f"## 1. {QUESTION}" in text and RPL not in text and "## 2." not in text, text
    first = reference.answer(QUESTION).citations
    for citation in first:
        assert _location(citation) in text, (citation.reference, text)
    others = {_location(c) for c in reference.answer(RPL).citations} - set(map(_location, first))
    assert others and not [o for o in others if o in text], f"the second answer's: {others}"
    assert "[1, p. " in text, "the text cites in short form with the page"


# -------------------------------------------------------------------- Clear chat
def _clear(page: Any) -> None:
    page.locator("#chat button[aria-label='Clear']").click()
    page.wait_for_function("() => !document.querySelector('#chat .message.bot')")
    page.wait_for_timeout(300)  # the clear event's outputs


def test_clear_empties_the_sources_panel(page: Any, tmp_path: Path) -> None:
    _ask(page, RPL)
    assert page.locator("#sources .smp-card").count() > 0
    _clear(page)
    page.wait_for_function("() => !document.querySelector('#sources .smp-card')")
    assert "Sources of the answer appear here" in page.locator("#sources").inner_text()
    page.screenshot(path=str(tmp_path / "cleared.png"))


def test_clear_leaves_nothing_to_export(page: Any) -> None:
    _ask(page, RPL)
    page.locator("#add-to-brief").click()
    page.locator("#brief-list", has_text=RPL).wait_for()
    page.locator("#export").click()
    page.locator("#brief a").wait_for()
    _clear(page)
    assert page.locator("#brief a").count() == 0, "the old brief link is gone"
    assert RPL not in page.locator("#brief-list").inner_text(), "the brief is emptied"
    page.locator("#export").click()
    page.locator(".toast-body", has_text="The brief is empty").wait_for()
    _ask(page, QUESTION)
    page.locator("#add-to-brief").click()
    page.locator("#brief-list", has_text=QUESTION).wait_for()
    page.locator("#export").click()
    link = page.locator("#brief a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    brief = Path(info.value.path()).read_text(encoding="utf-8")
    assert QUESTION in brief and RPL not in brief, brief[:400]


def test_clear_ends_the_follow_up_context(page: Any) -> None:
    _ask(page, QUESTION)
    assert "Searching for:" in _ask(page, FOLLOW_UP), "a follow-up reads the last answer"
    _clear(page)
    assert "Searching for:" not in _ask(page, FOLLOW_UP), "a cleared chat has no last answer"


def test_a_rating_after_clear_goes_to_the_answer_shown(page: Any, settings: Settings) -> None:
    feedback = settings.data_dir / "feedback.jsonl"
    before = feedback.read_text(encoding="utf-8").count("\n") if feedback.exists() else 0
    _ask(page, RPL)
    _clear(page)
    _ask(page, QUESTION)
    page.locator("#chat button[aria-label='Like']").last.click()
    for _ in range(50):  # the like event is sent at once; its line follows
        if feedback.exists() and feedback.read_text(encoding="utf-8").count("\n") > before:
            break
        page.wait_for_timeout(100)
    lines = feedback.read_text(encoding="utf-8").splitlines()[before:]
    assert len(lines) == 1, lines
    record = json.loads(lines[0])
    assert (record["question"], record["rating"]) == (QUESTION, "up"), record
