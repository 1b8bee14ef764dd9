"""The chat UI: a thin Gradio layer over ``Assistant.answer``.

``ChatSession`` holds the one Assistant of the process and the handlers, which are
plain functions and generators (tested without a browser); ``build_app`` lays out
the page; ``launch`` serves it with the ``/pdf/{document_id}`` route that opens a
stored PDF at a cited page. Rendering lives in ``_ui_render``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import HTTPException, Request
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute

from assistant._engine import Assistant
from assistant._records import Answer
from assistant._ui_render import (
    brief_markdown,
    escape_markdown_html,
    message_html,
    sources_html,
    status_line,
    stream_pieces,
)
from ingest import Settings, build_sample_pdf, ingest_pdf
from ingest.errors import IndexNotBuiltError, SmpGuideError

log = logging.getLogger(__name__)

Message = dict[str, Any]
Turn = dict[str, Any]
AskUpdate = tuple[list[Message], str, list[Turn], Any]

STREAM_DELAY = 0.02  # seconds between streamed pieces: enough for the page to show them
EXAMPLES = [
    "Who should pay for training the candidates?",
    "How should the partnership be governed?",
    "What should a skills mobility partnership agreement include?",
    "How can employers be involved in the design of the partnership?",
]
_DOCUMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_COPY_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-copy]');
  if (!button) return;
  const text = button.dataset.copy;
  const done = () => { button.textContent = 'Copied'; setTimeout(() => { button.textContent = 'Copy citation'; }, 1500); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand('copy'); area.remove(); done();
  }
});
"""
CSS = """
#sources .smp-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 10px; margin-bottom: 8px; }
#sources .smp-card header { font-weight: 600; }
#sources .smp-meta, #sources .smp-ref { font-size: 0.85em; opacity: 0.8; }
#sources .smp-quote { margin: 6px 0; padding-left: 8px; border-left: 3px solid #8aa; }
#sources mark { background: #ffe58a; color: inherit; }
#sources .smp-actions { display: flex; gap: 12px; align-items: center; margin-top: 4px; }
#sources .smp-copy { font-size: 0.85em; padding: 2px 8px; border: 1px solid #999;
  border-radius: 4px; cursor: pointer; }
"""
NO_INDEX_TEXT = (
    "**No publication is indexed yet.** Index the PDF with `smp-guide ingest PDF` "
    "(then restart `smp-guide chat`), or try the assistant on the generated sample document."
)


class ChatSession:
    """The handlers of one chat app; the Assistant is created once, on first need."""

    def __init__(self, assistant: Assistant | None, *, settings: Settings) -> None:
        self.settings = settings
        self._assistant = assistant
        self._lock = threading.Lock()

    # ------------------------------------------------------------ the assistant
    def assistant(self) -> Assistant:
        with self._lock:
            if self._assistant is None:
                self._assistant = Assistant(settings=self.settings)
            return self._assistant

    def has_documents(self) -> bool:
        return bool(self.assistant().index.status().documents)

    def status(self) -> str:
        return status_line(self.assistant().index.status())

    def chapter_choices(self) -> list[tuple[str, int]]:
        if not self.has_documents():
            return []
        titles: dict[int, str] = {}
        for chunk in self.assistant().index.chunks():
            if chunk.chapter is not None:
                titles.setdefault(chunk.chapter, chunk.chapter_title)
        return [(f"{n}. {titles[n]}", n) for n in sorted(titles)]

    def pdf_path(self, document_id: str) -> Path | None:
        try:
            return self.assistant().index.pdf_path(document_id)
        except IndexNotBuiltError:
            return None

    # ------------------------------------------------------------ handlers
    def ask(
        self,
        question: str,
        messages: list[Message] | None,
        turns: list[Turn] | None,
        chapters: Sequence[int] | None = None,
        recommendations_only: bool = False,
    ) -> Iterator[AskUpdate]:
        """Stream one answer: the growing text, then the final message and its sources."""
        history = list(messages or [])
        turns = list(turns or [])
        shown = " ".join((question or "").split())
        history.append({"role": "user", "content": escape_markdown_html(shown or "(empty)")})
        try:
            answer = self.assistant().answer(
                question or "",
                history=[t["question"] for t in turns],
                chapters=[int(c) for c in chapters or []] or None,
                recommendations_only=bool(recommendations_only),
            )
        except SmpGuideError as exc:
            yield self._failed(history, turns, f"Sorry: {exc}")
            return
        except Exception as exc:  # one plain line in the chat, never a traceback
            log.exception("chat handler failed")
            yield self._failed(
                history, turns, f"Sorry, something went wrong ({type(exc).__name__})."
            )
            return
        sources = sources_html(answer)
        final = _final_text(answer)
        history.append({"role": "assistant", "content": ""})
        for piece in stream_pieces(final):
            history[-1] = {"role": "assistant", "content": piece}
            if piece is final:
                break
            yield history, sources, turns, gr.skip()  # the box clears with the final update
            time.sleep(STREAM_DELAY)
        turns.append(_turn(answer, message_index=len(history) - 1))
        yield history, sources, turns, ""

    def _failed(self, history: list[Message], turns: list[Turn], text: str) -> AskUpdate:
        history.append({"role": "assistant", "content": escape_markdown_html(text)})
        return history, message_html(text), turns, ""

    def export(self, turns: list[Turn] | None) -> str | None:
        """Write the conversation as a Markdown brief under DATA_DIR/exports; return its path."""
        if not turns:
            gr.Warning("Ask a question first: there is nothing to export yet.")
            return None
        folder = self.settings.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        path = folder / f"smp-brief-{now.strftime('%Y%m%d-%H%M%S-%f')}.md"
        path.write_text(
            brief_markdown(turns, created=now.isoformat(timespec="seconds")), encoding="utf-8"
        )
        return str(path)

    def feedback(self, turns: list[Turn] | None, *, message_index: int, liked: bool) -> Path | None:
        """Append one JSON line to DATA_DIR/feedback.jsonl for the rated answer."""
        turn = next((t for t in turns or [] if t["message_index"] == message_index), None)
        if turn is None:
            return None
        record = {
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "question": turn["question"],
            "answer": turn["answer"],
            "rating": "up" if liked else "down",
            "covered": turn["covered"],
            "sources": turn["citations"] or turn["sources"],
        }
        path = self.settings.data_dir / "feedback.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return path

    def on_like(self, turns: list[Turn] | None, data: gr.LikeData) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        liked = data.liked if isinstance(data.liked, bool) else str(data.liked) == "Like"
        self.feedback(turns, message_index=index, liked=liked)

    def build_sample(self) -> tuple[str, Any, Any]:
        """Build, ingest and index the sample PDF; then the chat works on it."""
        try:
            path = self.settings.data_dir / "sample.pdf"
            path.parent.mkdir(parents=True, exist_ok=True)
            build_sample_pdf(path)
            result = ingest_pdf(path, settings=self.settings)
            assistant = self.assistant()
            assistant.index.add(result, pdf=path)
            assistant.warm_up()
        except SmpGuideError as exc:
            return f"Could not build the sample: {exc}", gr.update(), gr.update()
        return (
            self.status(),
            gr.update(choices=self.chapter_choices(), value=[]),
            gr.update(visible=False),
        )


def _final_text(answer: Answer) -> str:
    text = answer.text + "".join(f"\n\n_Note: {n}_" for n in answer.notices)
    return escape_markdown_html(text)


def _turn(answer: Answer, *, message_index: int) -> Turn:
    return {
        "question": answer.question,
        "answer": answer.text,
        "covered": answer.covered,
        "citations": [c.to_json() for c in answer.citations],
        "sources": [s.to_json() for s in answer.sources],
        "notices": list(answer.notices),
        "message_index": message_index,
    }


# -------------------------------------------------------------------- layout
def build_app(assistant: Assistant | None, *, settings: Settings) -> gr.Blocks:
    """The chat page over ``assistant`` (created on first use when None)."""
    return _layout(ChatSession(assistant, settings=settings))


def _layout(session: ChatSession) -> gr.Blocks:
    ready = session.has_documents()
    demo = gr.Blocks(title="SMP Guide", analytics_enabled=False)
    with demo:
        gr.Markdown(
            "## SMP Guide\nCited answers from *Skills Mobility Partnerships: Recommendations "
            "and Guidance for Policymakers and Practitioners* (IOM)."
        )
        status = gr.Markdown(escape_markdown_html(session.status()), elem_id="status")
        with gr.Column(visible=not ready, elem_id="onboarding") as onboarding:
            gr.Markdown(NO_INDEX_TEXT)
            build = gr.Button("Build and load the sample document", elem_id="build-sample")
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    elem_id="chat",
                    label="SMP Guide",
                    height=520,
                    sanitize_html=True,
                    render_markdown=True,
                    allow_tags=False,
                    latex_delimiters=[],
                    buttons=["copy"],
                )
                with gr.Row():
                    question = gr.Textbox(
                        elem_id="question",
                        show_label=False,
                        placeholder="Ask about skills mobility partnerships...",
                        max_length=session.settings.assistant.max_question_chars * 2,
                        scale=5,
                    )
                    ask = gr.Button("Ask", elem_id="ask", variant="primary", scale=1)
                gr.Examples(EXAMPLES, inputs=[question], label="Example questions")
            with gr.Column(scale=2):
                chapters = gr.Dropdown(
                    choices=session.chapter_choices(),
                    value=[],
                    multiselect=True,
                    label="Only these chapters",
                    elem_id="chapters",
                )
                recs_only = gr.Checkbox(label="Recommendations only", elem_id="recs-only")
                export = gr.Button("Export brief", elem_id="export", size="sm")
                brief = gr.File(label="Brief", elem_id="brief", interactive=False, height=70)
                sources = gr.HTML(
                    message_html("Sources of the answer appear here."),
                    elem_id="sources",
                    js_on_load=_COPY_JS,
                )
        gr.on(
            triggers=[ask.click, question.submit],
            fn=session.ask,
            inputs=[question, chat, turns, chapters, recs_only],
            outputs=[chat, sources, turns, question],
            api_name="ask",
            # Unbounded here: the engine bounds CPU work to the cores (cpu_slots) and an
            # LLM's HTTP wait holds no slot, so one user's slow answer never queues others.
            concurrency_id="ask",
            concurrency_limit=None,
            show_progress="minimal",
        )
        export.click(session.export, inputs=[turns], outputs=[brief], api_name="export")
        chat.like(session.on_like, inputs=[turns], outputs=None, api_visibility="private")
        build.click(
            session.build_sample,
            outputs=[status, chapters, onboarding],
            api_name="build_sample",
            concurrency_id="build_sample",
            concurrency_limit=1,
        )
    return demo


# -------------------------------------------------------------------- serving
def pdf_route(lookup: Callable[[str], Path | None]) -> APIRoute:
    """``GET /pdf/{document_id}``: the stored PDF of an indexed document, nothing else."""

    async def serve_pdf(document_id: str, request: Request) -> FileResponse:
        if not _logged_in(request):
            raise HTTPException(status_code=401, detail="Not authenticated")
        path = lookup(document_id) if _DOCUMENT_ID.fullmatch(document_id) else None
        if path is None:
            raise HTTPException(status_code=404, detail="No such document")
        return FileResponse(
            path, media_type="application/pdf", headers={"Content-Disposition": "inline"}
        )

    return APIRoute("/pdf/{document_id}", serve_pdf, methods=["GET"])


def _logged_in(request: Request) -> bool:
    """Gradio's own login (``launch(auth=...)``) guards the PDFs too."""
    app: Any = request.app
    if getattr(app, "auth", None) is None:
        return True
    cookie_id = getattr(app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    return token is not None and token in getattr(app, "tokens", {})


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def launch(settings: Settings, *, prevent_thread_lock: bool = False) -> gr.Blocks:
    """Load the index and model once, then serve the chat on ``settings.assistant.host``."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    assistant = Assistant(settings=settings)
    if assistant.index.status().documents:
        assistant.warm_up()
    session = ChatSession(assistant, settings=settings)
    demo = _layout(session)
    demo.queue(max_size=64, default_concurrency_limit=2)
    exports = settings.data_dir / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    auth = None
    if settings.auth:
        user, _, password = settings.auth.partition(":")
        auth = (user, password)
    options = settings.assistant
    demo.launch(
        server_name=options.host,
        server_port=options.port or _free_port(options.host),
        auth=auth,
        prevent_thread_lock=prevent_thread_lock,
        allowed_paths=[str(exports)],
        app_kwargs={"routes": [pdf_route(session.pdf_path)]},
        css=CSS,
        share=False,
        footer_links=[],
        quiet=True,
        ssr_mode=False,
    )
    return demo
