"""The chat UI's handlers called as plain functions on the real sample index (no browser)."""

from __future__ import annotations

import io
import itertools
import json
import re
import stat
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assistant import (
    Answer,
    Assistant,
    Brief,
    Citation,
    PageUnavailableError,
    Settings,
    answer_from_json,
    highlighted_page,
)
from assistant._brief_render import brief_markdown
from assistant._pages import SCALE, rendered_page
from assistant.ui import ChatSession
from assistant.ui._brief_panel import brief_panel_html
from assistant.ui._render import chip, sources_html, stream_pieces

QUESTION = "Who should pay for training the candidates?"
REFUSED = "What is zero trust architecture?"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, sample_settings: Settings) -> Settings:
    index_dir = sample_settings.resolved_index_dir()  # read-only here
    return Settings(data_dir=tmp_path_factory.mktemp("chat-data"), index_dir=index_dir)


@pytest.fixture(scope="module")
def session(settings: Settings) -> ChatSession:
    return ChatSession(Assistant(settings=settings), settings=settings)


def _final(session: ChatSession, question: str, **options: object) -> tuple:
    *_, last = session.ask(question, [], [], **options)  # type: ignore[arg-type]
    return last


def _cards_chapters(html: str) -> list[str]:
    return re.findall(r'class="smp-card" data-n="\d+" data-chapter="([^"]*)"', html)


def test_answer_streams_partial_updates_then_the_final_cited_answer(session: ChatSession) -> None:
    updates = list(session.ask(QUESTION, [], [], None, False))
    texts = [messages[-1]["content"] for messages, _, _, _ in updates]
    assert len(updates) >= 3, f"expected several streamed updates, got {len(updates)}"
    assert all(len(a) <= len(b) for a, b in itertools.pairwise(texts)), "text must only grow"
    assert all(texts[-1].startswith(t) for t in texts), "each update is a prefix of the answer"
    assert "[1]" in texts[-1], texts[-1]
    messages, sources, turns, box = updates[-1]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert box == "", "the question box is cleared by the final update"
    assert len(turns) == 1 and turns[0]["citations"], "the final update records the turn"
    assert 'data-n="1"' in sources, "the sources panel shows citation 1"


def test_chapter_filter_keeps_every_source_in_the_chosen_chapters(session: ChatSession) -> None:
    unfiltered = _final(session, QUESTION)[2][0]
    cited = {c["chapter"] for c in unfiltered["citations"]}
    chapter = next(n for _, n in session.chapter_choices() if n not in cited)
    _, sources, turns, _ = _final(session, QUESTION, chapters=[chapter])
    turn = turns[0]
    found = {c["chapter"] for c in turn["citations"]} | {s["chapter"] for s in turn["sources"]}
    assert found == {chapter}, f"filter on chapter {chapter} returned chapters {found}"
    assert _cards_chapters(sources), "cards are shown"
    assert set(_cards_chapters(sources)) == {str(chapter)}, sources


def test_recommendations_only_cites_only_recommendations(session: ChatSession) -> None:
    _, sources, turns, _ = _final(session, QUESTION, recommendations_only=True)
    kinds = {c["kind"] for c in turns[0]["citations"]}
    assert kinds == {"recommendation"}, f"kinds cited: {kinds}"
    assert "Recommendation R" in sources, "cards name the recommendation ID"


def test_export_writes_a_private_markdown_brief_with_the_references(
    session: ChatSession, settings: Settings
) -> None:
    turns = _final(session, QUESTION, chapters=[11], recommendations_only=True)[2]
    refused = _final(session, REFUSED)[2]
    brief, panel = session.add_to_brief(turns, Brief())
    assert brief.questions() == [QUESTION] and "1 answer" in panel, panel
    again, _ = session.add_to_brief(refused, brief)
    assert again is brief, "a refusal is not added"
    assert brief.entries[0].filters() == "chapter 11; recommendations only"
    token, path = session.save_brief(brief, owner=None)
    assert path.parent == settings.data_dir / "exports", path
    assert len(token) >= 40 and token in path.name, "the name must not be guessable"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
    text = path.read_text(encoding="utf-8")
    assert f"## 1. {QUESTION}" in text
    assert "_Filters: chapter 11; recommendations only_" in text, text
    for citation in turns[0]["citations"]:
        location = citation["reference"].split(citation["document"], 1)[1].lstrip(" ,")
        assert f"[{citation['n']}] {location}" in text, (location, text)
    token, path = session.save_brief(brief, owner=None, kind="docx")
    assert path.suffix == ".docx" and session.briefs.lookup(token, owner=None) is not None


def test_each_answer_is_added_to_the_brief_by_its_own_number(session: ChatSession) -> None:
    import gradio as gr

    first = _final(session, QUESTION)
    messages, _, turns, _ = list(session.ask(REFUSED, first[0], first[2]))[-1]
    messages, _, turns, _ = list(session.ask("What does RPL mean?", messages, turns))[-1]
    links = [re.findall(r"\(#smp-add-(\d+)\)", m["content"]) for m in messages[1::2]]
    assert links == [["1"], [], ["3"]], "a link per covered answer, none for a refusal"
    assert not any("#smp-add-" in t["answer"] for t in turns), "the link is no part of it"
    brief, panel = session.add_answer_to_brief(turns, Brief(), gr.EventData(None, {"turn": 1}))
    assert brief.questions() == [QUESTION] and "1 answer" in panel, "the first, not the latest"
    for number in (1, 2, 9, "1"):  # again; a refusal; no such answer; not a number
        same, _ = session.add_answer_to_brief(turns, brief, gr.EventData(None, {"turn": number}))
        assert same is brief, number
    cleared = session.clear()[1]
    kept, _ = session.add_answer_to_brief(cleared, Brief(), gr.EventData(None, {"turn": 1}))
    assert kept == Brief(), "a cleared chat has no answer to add"


def test_the_answer_message_carries_its_references_for_the_copy_button(
    session: ChatSession,
) -> None:
    messages, _, turns, _ = _final(session, QUESTION)
    text = messages[-1]["content"]
    assert "**References**" in text, text
    for citation in turns[0]["citations"]:
        assert f"[{citation['n']}] " in text.split("**References**")[1], text


def test_the_brief_shows_document_markdown_as_written() -> None:
    from markdown_it import MarkdownIt

    payload = "![x](http://beacon.invalid/b.png) [site](http://beacon.invalid/p) <b>bold</b>"
    turn = {
        "question": f"Why {payload}?",
        "answer": f"The guidance speaks to this in chapter 1 ({payload}).\n\n"
        f"**Chapter 1: {payload}**\n- Quote {payload} [1]",
        "citations": [
            {"n": 1, "document": "Doc", "reference": f"IOM. {payload}", "quote": f"Quote {payload}"}
        ],
        "notices": [f"LLM said {payload}"],
    }
    brief = Brief().add(answer_from_json(turn))
    text = brief_markdown(brief, created=datetime(2026, 1, 1, tzinfo=UTC))
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    assert "<img" not in html and "<a " not in html and "<b>" not in html, html
    assert "<strong>Chapter 1: ![x]" in html and "<li>Quote ![x]" in html, html
    assert "http\\://beacon.invalid" in text, "bare URLs must not autolink (GFM)"
    assert html.count("[site](http://beacon.invalid/p)") == 6, html


def test_feedback_appends_one_json_line(session: ChatSession, settings: Settings) -> None:
    messages, _, turns, _ = _final(session, QUESTION)
    path = settings.data_dir / "feedback.jsonl"
    before = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    session.feedback(turns, message_index=len(messages) - 1, liked=False)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(before) + 1
    record = json.loads(lines[-1])
    assert record["question"] == QUESTION and record["rating"] == "down"
    assert record["answer"] == turns[0]["answer"] and record["timestamp"]
    assert record["sources"] and record["sources"][0]["reference"]


def test_feedback_that_cannot_be_written_raises_and_is_logged(
    tmp_path: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """feedback.jsonl is a folder: open() fails for any user, root included."""
    broken = settings.model_copy(update={"data_dir": tmp_path})
    session = ChatSession(Assistant(settings=broken), settings=broken)
    (tmp_path / "feedback.jsonl").mkdir()
    messages, _, turns, _ = _final(session, QUESTION)
    with pytest.raises(OSError):
        session.feedback(turns, message_index=len(messages) - 1, liked=True)
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("feedback not saved" in m and QUESTION in m for m in logged), logged


def test_too_long_question_gets_one_polite_message(session: ChatSession) -> None:
    limit = session.settings.assistant.max_question_chars
    updates = list(session.ask("why " * limit, [], [], None, False))
    assert len(updates) == 1, "an error is one update, not a stream"
    messages, sources, turns, _ = updates[0]
    text = messages[-1]["content"]
    assert messages[-1]["role"] == "assistant" and text.startswith("Sorry: "), text
    assert f"keep it under {limit}" in text and "Traceback" not in text
    assert turns == [] and "keep it under" in sources


def test_html_in_a_source_quote_is_escaped_in_the_cards() -> None:
    citation = Citation(
        n=1,
        chunk_id="c1",
        document="Doc <b>title</b>",
        chapter=3,
        chapter_title="Chapter <script>x</script>",
        section="Section",
        kind="narrative",
        rec_id=None,
        page_labels=("12",),
        page_indexes=(20,),
        quote=f"Training costs {HOSTILE} are shared.",
        reference='Ref "quoted" <i>',
        document_id="doc1",
    )
    answer = Answer("Who pays training costs?", "text", True, (citation,), ())
    html = sources_html(answer)
    assert "<img" not in html and "<script" not in html and "<i>" not in html, html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<mark>Training</mark>" in html and "<mark>costs</mark>" in html
    assert 'href="/pdf/doc1#page=21"' in html and "p. 12" in html
    assert 'data-view="/page/doc1/20.png?quote=' in html and 'data-more=""' in html
    over = replace(citation, page_labels=("12", "13"), page_indexes=(20, 21))
    html = sources_html(replace(answer, citations=(over,)))
    assert 'data-view="/page/doc1/20.png?' in html and 'data-more="/page/doc1/21.png?' in html


def test_no_index_offers_the_sample_once_then_answers(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    session = ChatSession(None, settings=settings)
    assert not session.has_documents()
    messages = list(session.ask(QUESTION, [], [], None, False))[-1][0]
    assert "smp-guide ingest PDF" in messages[-1]["content"], messages[-1]
    results: list[tuple] = []
    builders = [threading.Thread(target=lambda: results.append(session.build_sample()))
                for _ in range(2)]  # fmt: skip
    for builder in builders:
        builder.start()
    for builder in builders:
        builder.join()
    refused = [str(s) for s, _, _ in results if "only while the index is empty" in str(s)]
    statuses = [str(s) for s, _, _ in results if str(s) not in refused]
    assert len(results) == 2 and len(refused) == 1, results
    assert "Skills Mobility Partnerships" in statuses[0], statuses
    built = next(r for r in results if "Skills Mobility" in str(r[0]))
    assert (settings.data_dir / "sample.pdf").is_file()
    assert built[1]["choices"] and built[2]["visible"] is False
    assert "[1]" in list(session.ask(QUESTION, [], [], None, False))[-1][0][-1]["content"]


def test_the_chat_keeps_its_last_messages_and_rates_the_right_answer(
    settings: Settings, tmp_path: Path
) -> None:
    small = settings.model_copy(
        update={
            "data_dir": tmp_path,
            "assistant": settings.assistant.model_copy(update={"max_history_messages": 4}),
        }
    )
    session = ChatSession(Assistant(settings=small), settings=small)
    questions = [QUESTION, "How should the partnership be governed?", "Who selects the trainees?"]
    messages: list = []
    turns: list = []
    for question in questions:
        messages, _, turns, _ = list(session.ask(question, messages, turns, None, False))[-1]
    assert len(messages) == 4 and len(turns) == 2, (len(messages), len(turns))
    assert [t["question"] for t in turns] == questions[1:]
    assert messages[2]["content"] == questions[2], "the newest exchange is last"
    session.feedback(turns, message_index=3, liked=True)  # the thumbs of the last answer
    record = json.loads((tmp_path / "feedback.jsonl").read_text(encoding="utf-8"))
    assert record["question"] == questions[2], record["question"]


def test_a_follow_up_says_how_it_was_read_and_stays_with_the_last_answer(
    session: ChatSession,
) -> None:
    messages, _, turns, _ = _final(session, QUESTION)
    first = {c["chapter"] for c in turns[0]["citations"]}
    *_, last = session.ask("what about the employers?", messages, turns)
    messages, _, turns, _ = last
    follow = turns[-1]
    assert follow["notices"] and follow["notices"][0].startswith("Searching for: "), follow
    assert "Searching for: what about the employers? (" in messages[-1]["content"]
    assert follow["covered"] and follow["citations"], follow["answer"]
    assert {c["chapter"] for c in follow["citations"]} & first, (first, follow["citations"])


# -------------------------------------------------------------------- citations in place
def _quote_lines(pdf: Path, page_index: int, quote: str) -> list[float]:
    """Baselines (PDF points from the bottom) of the page's text lines that the quote holds,
    read with pypdf's positions: a reading independent of the renderer's."""
    from pypdf import PdfReader

    folded = "".join(ch for ch in quote.lower() if ch.isalnum())
    lines: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
        words = "".join(ch for ch in text.lower() if ch.isalnum())
        if len(words) >= 15:  # the sample sets text unscaled: the baseline is cm's + tm's
            lines.append((words, cm[5] + tm[5]))

    PdfReader(pdf).pages[page_index].extract_text(visitor_text=visit)
    return [y for words, y in lines if words in folded]


def _images(png: bytes, plain: bytes) -> tuple[Any, Any]:
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB"), Image.open(io.BytesIO(plain)).convert("RGB")


def test_highlighted_page_marks_the_quote_and_nothing_else(
    session: ChatSession, sample_pdf: Path
) -> None:
    from PIL import ImageChops

    citation = session.assistant().answer(QUESTION).citations[0]
    page = citation.page_indexes[0]
    marked, plain = _images(
        highlighted_page(sample_pdf, page, citation.quote), highlighted_page(sample_pdf, page, "")
    )
    assert marked.size == plain.size and marked.size[0] > 500, marked.size
    box = ImageChops.difference(marked, plain).getbbox()
    assert box is not None, "nothing was highlighted"
    baselines = _quote_lines(sample_pdf, page, citation.quote)
    assert baselines, f"pypdf finds no line of the quote on page {page}: {citation.quote!r}"
    height = plain.size[1] / SCALE
    lowest, highest = ((height - y) * SCALE for y in (max(baselines), min(baselines)))
    line = 16 * SCALE  # a line of body type, in pixels
    assert lowest - line <= box[1] and box[3] <= highest + line, (box, lowest, highest)
    assert box[3] - box[1] >= highest - lowest, "every line of the quote is marked"
    top = rendered_page(sample_pdf, page, citation.quote).highlight_top()
    assert top is not None and abs(top * plain.size[1] - box[1]) <= 2, (top, box)
    elsewhere = highlighted_page(sample_pdf, page, "no such words anywhere on this page at all")
    assert elsewhere == highlighted_page(sample_pdf, page, ""), "a quote not found marks nothing"


def test_highlighted_page_refuses_a_page_the_document_lacks(sample_pdf: Path) -> None:
    with pytest.raises(PageUnavailableError, match="no page 1000"):
        highlighted_page(sample_pdf, 999, "anything")


def test_chips_link_each_marker_to_its_own_answers_card(session: ChatSession) -> None:
    first = _final(session, QUESTION)
    messages, sources, turns, _ = list(session.ask("What does RPL mean?", first[0], first[2]))[-1]
    assert [t["id"] for t in turns] == [1, 2]
    earlier = turns[0]["citations"][0]
    assert f'(#smp-src-1-1 "{" ".join(earlier["quote"].split())[:40]}' in messages[1]["content"]
    assert 'id="smp-src-1-1"' in sources and 'id="smp-src-2-1"' in sources, sources[:300]
    assert sources.count("smp-shown") == 1 and 'smp-shown" data-turn="2"' in sources
    pieces = list(stream_pieces(messages[1]["content"], words=3))
    for piece in pieces[:-1]:  # a chip arrives whole: no half link shows while streaming
        assert piece.count("(#smp-src-") == piece.count('")'), piece[-80:]


def test_a_chip_title_keeps_document_text_inert() -> None:
    text = chip(3, 2, 'He said "stop" \\ & <img src=x> [a](http://x)')
    assert text.startswith('[[2]](#smp-src-3-2 "') and text.endswith('")'), text
    assert '\\"stop\\"' in text and "&amp;" in text and "\\\\" in text, text


def test_clear_leaves_no_turns_and_old_turns_never_follow_a_cleared_chat(
    session: ChatSession,
) -> None:
    sources, turns, brief, kept, panel = session.clear()
    assert turns == [] and brief == "" and "smp-card" not in sources
    assert kept == Brief() and panel == brief_panel_html(Brief())
    _, _, old_turns, _ = _final(session, "What does RPL mean?")
    # The client cleared its chat but an old state came along: those turns are dropped.
    messages, _, turns, _ = list(session.ask(QUESTION, [], old_turns))[-1]
    assert [t["question"] for t in turns] == [QUESTION] and turns[0]["message_index"] == 1
    assert "Searching for" not in messages[-1]["content"]
