"""The chat UI: a thin Gradio layer over ``Assistant.answer``.

``ChatSession`` holds the one Assistant of the process and the handlers, which are
plain functions and generators (tested without a browser); ``build_app`` lays out
the page; ``launch`` serves it with the ``/pdf/{document_id}`` route that opens a
stored PDF at a cited page and the ``/brief/{token}`` route of exported briefs.
Rendering lives in ``_ui_render``; request limits, logins and those routes in
``_ui_guard``.

Only ``/ask`` is a public API endpoint. The page's other events are private (hidden
from ``view_api`` and refused by gradio_client); a raw HTTP client can still send them,
so each handler checks on the server what it may do.
"""

from __future__ import annotations

import json
import logging
import socket
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import gradio as gr
from starlette.middleware import Middleware

from assistant._engine import Assistant
from assistant._records import Answer, FollowUp
from assistant._ui_guard import (
    BriefStore,
    LoginThrottle,
    RequestGuard,
    login_auth,
    login_token,
    pdf_route,
)
from assistant._ui_page import (
    COPY_JS,
    CSS,
    EXAMPLES,
    NO_INDEX_TEXT,
    STORAGE_NOTICE,
)
from assistant._ui_render import (
    answer_message,
    brief_markdown,
    escape,
    literal,
    message_html,
    sources_html,
    status_html,
    status_line,
    stream_pieces,
)
from assistant.settings import Settings
from index import IndexNotBuiltError
from ingest import SmpGuideError, build_sample_pdf, ingest_pdf

log = logging.getLogger(__name__)

Message = dict[str, Any]
Turn = dict[str, Any]
AskUpdate = tuple[list[Message], str, list[Turn], Any]

STREAM_DELAY = 0.02  # seconds between streamed pieces: enough for the page to show them
SAMPLE_REFUSED = "The sample is built only while the index is empty; nothing was changed."


class ChatSession:
    """The handlers of one chat app; the Assistant is created once, on first need."""

    def __init__(self, assistant: Assistant | None, *, settings: Settings) -> None:
        self.settings = settings
        self._assistant = assistant
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()  # one sample build at a time
        self._write_lock = threading.Lock()  # one feedback line at a time
        self.briefs = BriefStore(settings.data_dir / "exports")
        self.storage_problem: str | None = None

    def check_storage(self) -> str | None:
        """Why exports and feedback cannot be written to DATA_DIR, or None if they can."""
        try:
            self.briefs.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            for folder in (self.settings.data_dir, self.briefs.folder):
                with tempfile.TemporaryFile(dir=folder):
                    pass
        except OSError as exc:
            self.storage_problem = exc.strerror or str(exc)
            log.warning(
                "data folder %s is not writable (%s): chat export and feedback are off",
                self.settings.data_dir,
                self.storage_problem,
            )
        else:
            self.storage_problem = None
        return self.storage_problem

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
        """Stream one answer: the growing text, then the final message and its sources.

        The client sends the chat shown so far; only its last messages are kept and
        returned (follow-ups read the server-side ``turns``, never the client's chat).
        """
        options = self.settings.assistant
        history, turns = _recent(messages, turns, keep=options.max_history_messages - 2)
        shown = " ".join((question or "")[: options.max_question_chars * 4].split())
        if len(shown) > options.max_question_chars:
            shown = shown[: options.max_question_chars] + "\u2026"
        history.append({"role": "user", "content": literal(shown or "(empty)")})
        try:
            answer = self.assistant().answer(
                question or "",
                history=[t["question"] for t in turns],
                chapters=[int(c) for c in chapters or []] or None,
                recommendations_only=bool(recommendations_only),
                previous=FollowUp.of(turns[-1]["citations"]) if turns else None,
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
        final = answer_message(answer)
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
        history.append({"role": "assistant", "content": literal(text)})
        return history, message_html(text), turns, ""

    def save_brief(self, turns: list[Turn], *, owner: str | None) -> tuple[str, Path]:
        """Write the conversation as a private Markdown brief; its token and path (OSError)."""
        now = datetime.now(UTC)
        return self.briefs.save(
            brief_markdown(turns, created=now.isoformat(timespec="seconds")),
            owner=owner,
            filename=f"smp-brief-{now.strftime('%Y%m%d-%H%M%S')}.md",
        )

    def export(self, turns: list[Turn] | None, request: gr.Request) -> Any:
        """The page's Export button: a download link only this login can follow."""
        if self.storage_problem is not None:
            gr.Warning("Export is off: the server cannot write to its data folder.")
            return gr.skip()
        if not turns:
            gr.Warning("Ask a question first: there is nothing to export yet.")
            return gr.skip()
        try:
            token, _ = self.save_brief(turns, owner=_owner(request))
        except OSError as exc:
            log.error("brief not saved under %s: %s", self.briefs.folder, exc)
            raise gr.Error(
                f"The brief could not be saved ({exc.strerror or exc}); try again later.",
                print_exception=False,  # logged above, in one line
            ) from exc
        return (
            f'<a class="smp-brief" href="/brief/{escape(token)}" download>'
            "Download the brief (Markdown)</a>"
        )

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
        line = json.dumps(record, ensure_ascii=False)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._write_lock, path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError:
            log.error("feedback not saved to %s; the record: %s", path, line)  # kept in the log
            raise
        return path

    def on_like(self, turns: list[Turn] | None, data: gr.LikeData) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        liked = data.liked if isinstance(data.liked, bool) else str(data.liked) == "Like"
        try:
            self.feedback(turns, message_index=index, liked=liked)
        except OSError as exc:
            gr.Warning(
                f"Your rating could not be saved ({exc.strerror or exc}); "
                "it is kept in the server log."
            )

    def build_sample(self) -> tuple[str, Any, Any]:
        """Build, ingest and index the sample PDF, only while the index is empty.

        Checked here, at call time and under a lock, not by hiding the button: any
        client can send the event, and two calls at once must not both build.
        """
        with self._build_lock:
            if self.has_documents():
                return status_html(SAMPLE_REFUSED), gr.update(), gr.update(visible=False)
            try:
                path = self.settings.data_dir / "sample.pdf"
                path.parent.mkdir(parents=True, exist_ok=True)
                build_sample_pdf(path)
                result = ingest_pdf(path, settings=self.settings)
                assistant = self.assistant()
                assistant.index.add(result, pdf=path)
                assistant.warm_up()
            except (SmpGuideError, OSError) as exc:
                message = f"Could not build the sample: {exc}"
                return status_html(message), gr.update(), gr.update()
        return (
            status_html(self.status()),
            gr.update(choices=self.chapter_choices(), value=[]),
            gr.update(visible=False),
        )


def _recent(
    messages: list[Message] | None, turns: list[Turn] | None, *, keep: int
) -> tuple[list[Message], list[Turn]]:
    """The last ``keep`` messages and the turns they show, their indexes shifted to match."""
    messages = list(messages or [])
    turns = list(turns or [])
    dropped = max(0, len(messages) - keep)
    recent = turns[max(0, len(turns) - keep // 2) :]
    return messages[dropped:], [dict(t, message_index=t["message_index"] - dropped) for t in recent]


def _owner(request: gr.Request | None) -> str | None:
    """The login that asks (its Gradio cookie), or None when the app has no login."""
    raw = getattr(request, "request", None) if request is not None else None
    if raw is None or getattr(raw.app, "auth", None) is None:
        return None
    return login_token(raw)


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
    writable = session.check_storage() is None
    demo = gr.Blocks(title="SMP Guide", analytics_enabled=False)
    with demo:
        gr.Markdown(
            "## SMP Guide\nCited answers from *Skills Mobility Partnerships: Recommendations "
            "and Guidance for Policymakers and Practitioners* (IOM)."
        )
        status = gr.HTML(status_html(session.status()), elem_id="status")
        gr.Markdown(STORAGE_NOTICE, elem_id="storage-notice", visible=not writable)
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
                export = gr.Button(
                    "Export brief", elem_id="export", size="sm", interactive=writable
                )
                brief = gr.HTML("", elem_id="brief")
                sources = gr.HTML(
                    message_html("Sources of the answer appear here."),
                    elem_id="sources",
                    js_on_load=COPY_JS,
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
        export.click(
            session.export,
            inputs=[turns],
            outputs=[brief],
            api_name="export",
            api_visibility="private",
        )
        if writable:  # without a like event the chatbot shows no thumbs
            chat.like(session.on_like, inputs=[turns], outputs=None, api_visibility="private")
        build.click(
            session.build_sample,
            outputs=[status, chapters, onboarding],
            api_name="build_sample",
            api_visibility="private",
            concurrency_id="build_sample",
            concurrency_limit=1,
        )
    return demo


# -------------------------------------------------------------------- serving
def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def launch(settings: Settings, *, prevent_thread_lock: bool = False) -> gr.Blocks:
    """Load the index and model once, then serve the chat on ``settings.assistant.host``."""
    auth = login_auth(settings.auth)
    assistant = Assistant(settings=settings)
    if assistant.index.status().documents:
        assistant.warm_up()
    session = ChatSession(assistant, settings=settings)
    demo = _layout(session)
    demo.queue(max_size=64, default_concurrency_limit=2)
    options = settings.assistant
    guard = Middleware(RequestGuard, max_body=options.max_request_kb * 1024, logins=LoginThrottle())
    demo.launch(
        server_name=options.host,
        server_port=options.port or _free_port(options.host),
        auth=cast(Any, auth),  # an async check: Gradio awaits it (its annotation says sync)
        prevent_thread_lock=prevent_thread_lock,
        app_kwargs={
            "routes": [pdf_route(session.pdf_path), session.briefs.route()],
            "middleware": [guard],
        },
        css=CSS,
        share=False,
        footer_links=[],
        run_history=False,  # else every question and answer is kept in localStorage
        quiet=True,
        ssr_mode=False,
    )
    return demo
