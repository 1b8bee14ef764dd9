"""The chat UI in a real Chromium: streaming, sources, filter, export, XSS, API, PDF route.

One app (``launch(..., prevent_thread_lock=True)`` on 127.0.0.1), one browser, one page,
over a copy of the sample index; a tiny hostile PDF is added to it as a second document.
A second app serves an index holding only a PDF whose text, title and chapter titles
carry Markdown images and links, to check that the page shows them as text.
"""

from __future__ import annotations

import os
import re
import stat
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, served_copy, with_free_port
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from assistant import Assistant, Settings
from assistant.ui._guard import BRIEF_TYPES
from assistant.ui._render import page_text
from index import index_pdf

pytestmark = pytest.mark.browser

QUESTION = "Who should pay for training the candidates?"
HOSTILE_QUESTION = "What does the zebrafish payroll audit check?"
MARKUP_QUESTION = "What did auditors copy from a web form?"
LEDGER_QUESTION = "What did the auditors copy and paste into the ledger?"
HOSTILE_MARKUP = '<img src=x onerror="window.__xss=1">'
BEACON = "http://beacon.invalid"  # never resolves: any request to it shows in page.on("request")
IMAGE, LINK, BARE = f"![x]({BEACON}/beacon.png)", f"[site]({BEACON}/phish)", f"{BEACON}/bare"
TITLE_IMAGE, CHAPTER_IMAGE = f"![t]({BEACON}/title.png)", f"![c]({BEACON}/chapter.png)"
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


def _markdown_pdf(path: Path) -> Path:
    """Two chapters (from the outline) whose titles, text and /Title carry Markdown."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    title = f"Hostile note {TITLE_IMAGE} [t]({BEACON}/title)"
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 16)  # the cover shows the title too, so ingest keeps it
    pdf.drawString(40, 810, title)
    pdf.setFont("Helvetica", 12)
    first = f"1. Zebrafish audits {CHAPTER_IMAGE}"
    lines = [
        first,
        "The zebrafish payroll audit checks every quarterly ledger of the pilot.",
        f"Auditors copied {IMAGE} and {LINK} and pasted {BARE} and www.beacon.invalid "
        "into the ledger.",
        "The zebrafish payroll audit report goes to the steering committee each year.",
    ]
    for row, line in enumerate(lines):
        pdf.drawString(72, 780 - 20 * row, line)
    pdf.bookmarkPage("one")
    pdf.addOutlineEntry(first, "one", level=0)
    pdf.showPage()
    second = f"2. Ledgers [l]({BEACON}/chapter2)"
    pdf.drawString(72, 780, second)
    pdf.drawString(72, 760, "Ledgers of the pilot are kept for seven years by the finance office.")
    pdf.bookmarkPage("two")
    pdf.addOutlineEntry(second, "two", level=0)
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, sample_settings: Settings) -> Settings:
    """A copy of the session's sample index, served on a free port."""
    return served_copy(tmp_path_factory.mktemp("chat-browser"), sample_settings)


@pytest.fixture(scope="module")
def reference(settings: Settings) -> Assistant:
    return Assistant(settings=settings)


@pytest.fixture(scope="module")
def demo(settings: Settings) -> Iterator[Any]:
    from assistant.ui import launch

    demo = launch(settings, prevent_thread_lock=True)
    yield demo
    demo.close()


@pytest.fixture(scope="module")
def url(demo: Any) -> str:
    return str(demo.local_url).rstrip("/")


def _open(browser: Any, url: str) -> Any:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.requested = []  # every URL the page asks for, images included
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(url)
    page.locator("#question textarea").wait_for()
    return page


@pytest.fixture(scope="module")
def page(browser: Any, url: str) -> Any:
    return _open(browser, url)


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
        for c in page.locator("#sources .smp-shown .smp-card").evaluate_all(
            "cards => cards.map(c => c.dataset.chapter)"
        )
    ]


def test_streamed_answer_and_sources_match_the_assistant(
    page: Any, reference: Assistant, tmp_path: Path
) -> None:
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
    first = page.locator('#sources .smp-shown .smp-card[data-n="1"]')
    header = first.locator("header").inner_text()
    assert f"Chapter {expected.chapter}:" in header, header
    meta = first.locator(".smp-meta").inner_text()
    assert page_text(expected.page_labels, expected.page_indexes) in meta, meta
    screenshot = tmp_path / "screenshot.png"  # docs/screenshot.png: scripts/screenshot.py only
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size < 400_000, f"{screenshot} is too large"


def test_the_browser_keeps_no_question_or_answer(page: Any) -> None:
    stored = page.evaluate(
        "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"
    )
    assert QUESTION not in stored and "[1]" not in stored, stored[:500]


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


def _download(page: Any, button: str, kind: str) -> tuple[str, Path]:
    """Click an export button, then its link; the link and the downloaded file.

    The link is found by its format: an earlier export's link may still be on the page
    until this one replaces it.
    """
    page.locator(button).click()
    link = page.locator(f"#brief a.smp-brief-{kind}").first
    link.wait_for()
    href = str(link.get_attribute("href"))
    assert re.fullmatch(r"/brief/[A-Za-z0-9_-]{40,}", href), href
    with page.expect_download() as info:
        link.click()
    return href, Path(info.value.path())


def test_two_answers_added_to_the_brief_export_as_word_and_markdown(
    browser: Any, reference: Assistant, settings: Settings, demo: Any, url: str
) -> None:
    import docx

    page = _open(browser, url)  # a conversation of its own: no filter, an empty brief
    questions = [QUESTION, "What does R11.2 say?"]
    for number, question in enumerate(questions, start=1):
        _ask(page, question)
        page.locator("#add-to-brief").click()
        count = f"{number} answer" + ("s" if number > 1 else "")
        page.locator("#brief-list .smp-brief-count", has_text=count).wait_for()
    listed = page.locator("#brief-list li").all_inner_texts()
    assert listed == questions, listed
    word_href, word = _download(page, "#export-docx", "docx")
    with urllib.request.urlopen(f"{url}{word_href}", timeout=10) as served:
        assert served.headers["Content-Type"] == BRIEF_TYPES[".docx"], served.headers
    lines = [p.text for p in docx.Document(str(word)).paragraphs]
    assert [ln for ln in lines if re.match(r"\d\. ", ln)] == [
        f"{n}. {q}" for n, q in enumerate(questions, start=1)
    ]
    refs = [ln for ln in lines if re.match(r"\[\d+\] ", ln)]
    assert refs and len(refs) == len(set(refs)), refs
    cited = {c.reference for q in questions for c in reference.answer(q).citations}
    assert len(refs) == len(cited), (refs, cited)
    href, markdown = _download(page, "#export", "md")
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("# SMP Guide brief") and QUESTION in text, text[:300]
    first = reference.answer(QUESTION).citations[0]
    assert first.reference.split(first.document, 1)[1].lstrip(" ,") in text, text
    page.context.close()
    saved = [
        p for p in (settings.data_dir / "exports").iterdir() if p.read_bytes() == text.encode()
    ]
    assert len(saved) == 1 and href.rsplit("/", 1)[1] in saved[0].name, saved
    assert stat.S_IMODE(saved[0].stat().st_mode) == 0o600, oct(saved[0].stat().st_mode)
    cache = Path(demo.GRADIO_CACHE)  # Gradio's own temporary copies of served files
    copies = [p for p in cache.rglob("*") if p.is_file() and p.read_bytes() == text.encode()]
    assert not copies, f"copies of the brief in Gradio's cache: {copies}"
    for path in (f"/gradio_api/file={saved[0]}", "/brief/" + "A" * 43):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}{path}", timeout=10)
        assert refused.value.code in (403, 404), (path, refused.value.code)


def test_hostile_document_text_renders_as_text(page: Any, settings: Settings) -> None:
    # Indexed while the app runs: the app's index picks up the new document on its next search.
    hostile = _hostile_pdf(settings.data_dir / "hostile.pdf")
    index_pdf(hostile, settings=settings)
    page.locator("#chapters input").press("Backspace")  # clear the chapter filter
    text = _ask(page, MARKUP_QUESTION)
    assert "web form" in text, text
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


# -------------------------------------------------------------------- Markdown from a PDF
@pytest.fixture(scope="module")
def markdown_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app over an index holding only the Markdown-carrying PDF."""
    from assistant.ui import launch

    root = tmp_path_factory.mktemp("chat-markdown")
    settings = Settings(data_dir=root / "data", index_dir=root / "index")
    pdf = _markdown_pdf(root / "markdown.pdf")
    index_pdf(pdf, settings=settings)
    demo = launch(with_free_port(settings), prevent_thread_lock=True)
    yield str(demo.local_url).rstrip("/")
    demo.close()


def test_document_markdown_shows_as_text_and_fetches_nothing(
    browser: Any, markdown_url: str
) -> None:
    page = _open(browser, markdown_url)
    assert TITLE_IMAGE in page.locator("#status").inner_text(), "the title, as written"
    page.locator("#chapters input").click()
    options = page.get_by_role("option").all_inner_texts()
    assert any(CHAPTER_IMAGE in option for option in options), options
    page.keyboard.press("Escape")
    text = _ask(page, LEDGER_QUESTION)
    sources = page.locator("#sources").inner_text()
    for payload in (IMAGE, LINK, BARE, "www.beacon.invalid", CHAPTER_IMAGE):
        assert payload in text, f"the chat does not show {payload} as written: {text}"
        assert payload in sources, f"the sources do not show {payload} as written"
    made = page.evaluate(
        """() => [...document.querySelectorAll('img, a')]
                 .map(e => e.getAttribute('src') || e.getAttribute('href') || '')
                 .filter(u => u.includes('beacon'))"""
    )
    assert made == [], f"images or links made from document text: {made}"
    page.wait_for_timeout(500)
    fetched = [u for u in page.requested if "beacon" in u]
    assert not fetched, f"the page requested {fetched}"
    page.context.close()


# -------------------------------------------------------------------- write failures
def test_export_and_feedback_failures_are_shown(page: Any, settings: Settings) -> None:
    """The exports folder is a file and feedback.jsonl a folder: writes fail, even for root."""
    exports = settings.data_dir / "exports"
    feedback = settings.data_dir / "feedback.jsonl"
    kept = exports.rename(settings.data_dir / "exports.kept")
    try:
        exports.write_text("a file where the exports folder was\n")
        feedback.mkdir()
        page.locator("#add-to-brief").click()
        page.locator("#brief-list .smp-brief-count").wait_for()
        page.locator("#export").click()
        page.locator(".toast-body", has_text="The brief could not be saved").wait_for()
        page.locator("#chat button[aria-label='Dislike']").last.click()
        page.locator(".toast-body", has_text="Your rating could not be saved").wait_for()
    finally:
        exports.unlink()
        kept.rename(exports)
        if feedback.is_dir():
            os.rmdir(feedback)
