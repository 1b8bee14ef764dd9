"""The chat UI in a real Chromium: streaming, sources, filter, export, XSS, API, PDF route.

One app (``launch(..., prevent_thread_lock=True)`` on 127.0.0.1), one browser, one page,
over a copy of the sample index; a tiny hostile PDF is added to it as a second document.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, free_port
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from assistant import Assistant
from assistant._ui_render import page_text
from index import open_index
from ingest import Settings, ingest_pdf

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
QUESTION = "Who should pay for training the candidates?"
HOSTILE_QUESTION = "What does the zebrafish payroll audit check?"
HOSTILE_MARKUP = '<img src=x onerror="window.__xss=1">'
SCREENSHOT = ROOT / "docs" / "screenshot.png"
TIMEOUT = 30_000

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} does not exist (apt-get install chromium)", allow_module_level=True)


def _hostile_pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle("Hostile test note")
    lines = [
        "Hostile test note",
        "The zebrafish payroll audit checks every quarterly ledger of the pilot.",
        f"Auditors copied this markup from a web form: {HOSTILE_MARKUP}",
        "The zebrafish payroll audit report goes to the steering committee each year.",
    ]
    for row, line in enumerate(lines):
        pdf.drawString(72, 780 - 20 * row, line)
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, sample_settings: Settings) -> Settings:
    """A copy of the session's sample index, served on a free port."""
    root = tmp_path_factory.mktemp("chat-browser")
    shutil.copytree(sample_settings.resolved_index_dir(), root / "index")
    settings = Settings(data_dir=root / "data", index_dir=root / "index")
    settings = settings.model_copy(
        update={"assistant": settings.assistant.model_copy(update={"port": free_port()})}
    )
    return settings


@pytest.fixture(scope="module")
def reference(settings: Settings) -> Assistant:
    return Assistant(settings=settings)


@pytest.fixture(scope="module")
def url(settings: Settings) -> Iterator[str]:
    from assistant._ui import launch

    demo = launch(settings, prevent_thread_lock=True)
    yield str(demo.local_url).rstrip("/")
    demo.close()


@pytest.fixture(scope="module")
def page(url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(url)
        page.locator("#question textarea").wait_for()
        yield page
        browser.close()


def _ask(page: Any, question: str) -> str:
    """Ask and wait for the streamed answer to finish; return the last bot message's text."""
    bots = page.locator("#chat .message.bot")
    before = bots.count()
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .message.bot').length > n", arg=before
    )
    page.wait_for_function(  # the handler clears the box only with its final update
        "() => !document.querySelector('#chat .generating, .progress-text')"
        " && document.querySelector('#question textarea').value === ''"
    )
    page.wait_for_timeout(200)
    return str(bots.last.inner_text())


def _card_chapters(page: Any) -> list[str]:
    return [
        str(c)
        for c in page.locator("#sources .smp-card").evaluate_all(
            "cards => cards.map(c => c.dataset.chapter)"
        )
    ]


def test_streamed_answer_and_sources_match_the_assistant(page: Any, reference: Assistant) -> None:
    page.evaluate(
        """() => {
          window.__lengths = [];
          new MutationObserver(() => {
            const bots = document.querySelectorAll('#chat .message.bot');
            if (bots.length) window.__lengths.push(bots[bots.length - 1].innerText.length);
          }).observe(document.querySelector('#chat'),
                     {childList: true, subtree: true, characterData: true});
        }"""
    )
    text = _ask(page, QUESTION)
    assert "[1]" in text, text
    lengths = page.evaluate("window.__lengths")
    assert len(set(lengths)) >= 3, f"the answer did not stream: lengths {lengths}"
    expected = reference.answer(QUESTION).citations[0]
    first = page.locator('#sources .smp-card[data-n="1"]')
    header = first.locator("header").inner_text()
    assert f"Chapter {expected.chapter}:" in header, header
    meta = first.locator(".smp-meta").inner_text()
    assert page_text(expected.page_labels, expected.page_indexes) in meta, meta
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size < 400_000, f"{SCREENSHOT} is too large"


def test_chapter_filter_changes_the_sources(page: Any, reference: Assistant) -> None:
    cited = {c.chapter for c in reference.answer(QUESTION).citations}
    chapter, label = next(
        (c.chapter, f"{c.chapter}. {c.chapter_title}")
        for c in sorted(reference.index.chunks(), key=lambda c: c.position)
        if c.chapter is not None and c.chapter not in cited
    )
    page.locator("#chapters input").click()
    page.get_by_role("option", name=label).click()
    page.keyboard.press("Escape")
    _ask(page, QUESTION)
    chapters = _card_chapters(page)
    assert chapters and set(chapters) == {str(chapter)}, f"wanted chapter {chapter}: {chapters}"


def test_export_downloads_a_markdown_brief(page: Any, reference: Assistant) -> None:
    page.locator("#export").click()
    link = page.locator("#brief a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# SMP Guide brief") and QUESTION in text, text[:300]
    assert f"[1] {reference.answer(QUESTION).citations[0].reference}" in text


def test_hostile_document_text_renders_as_text(page: Any, settings: Settings) -> None:
    # Indexed while the app runs: the app's index picks up the new document on its next search.
    hostile = _hostile_pdf(settings.data_dir / "hostile.pdf")
    open_index(settings=settings).add(ingest_pdf(hostile, settings=settings), pdf=hostile)
    page.locator("#chapters input").press("Backspace")  # clear the chapter filter
    text = _ask(page, HOSTILE_QUESTION)
    assert "zebrafish" in text, text
    assert page.evaluate("typeof window.__xss") == "undefined", "document markup ran as HTML"
    assert HOSTILE_MARKUP in page.locator("#sources").inner_text()
    assert "<img" in text, "the chat shows the markup as text"
    assert page.locator("#sources img, #chat .message.bot img").count() == 0


def test_gradio_client_calls_the_chat_endpoint(url: str) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    messages, sources, box = client.predict(QUESTION, [], [], False, api_name="/ask")
    last = messages[-1]
    content = last["content"] if isinstance(last["content"], str) else str(last["content"])
    assert last["role"] == "assistant" and "[1]" in content, last
    assert 'data-n="1"' in sources and box == ""


def test_pdf_route_serves_only_stored_pdfs(url: str, reference: Assistant) -> None:
    document_id = reference.answer(QUESTION).citations[0].document_id
    with urllib.request.urlopen(f"{url}/pdf/{document_id}", timeout=10) as response:
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.read(4) == b"%PDF"
    for path in ("/pdf/0000000000000000", "/pdf/..%2F..%2Fetc%2Fpasswd", "/pdf/%2E%2E"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{url}{path}", timeout=10)
        assert error.value.code == 404, path
