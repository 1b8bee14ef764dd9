"""The chat UI: a thin Gradio layer over ``Assistant.answer``.

``ChatSession`` (in ``_session``) holds the one Assistant of the process and the
handlers, which are plain functions and generators (tested without a browser);
``build_app`` lays out the page; ``launch`` serves it with the ``/pdf/{document_id}``
route that opens a stored PDF at a cited page and the ``/brief/{token}`` route of
exported briefs.
Rendering lives in ``_render``, the welcome and status lines in ``_welcome``, the
layout CSS (one column on narrow screens) in ``_style``; request limits, logins and
those routes in ``_guard``.

``/answer`` is the documented API endpoint; ``_api`` holds it and the ``POST /api/answer``
route. The page's own ``/ask`` is undocumented (left out of ``view_api`` but callable,
chapters given as numbers or digits: ``_chapters``). The page's other events are
private (hidden from ``view_api`` and refused by gradio_client); a raw HTTP client can
still send them, so each handler checks on the server what it may do.
"""

from __future__ import annotations

import json
import socket
from typing import Any, cast

import gradio as gr
from starlette.middleware import Middleware

from assistant._brief_model import Brief
from assistant._engine import Assistant
from assistant.settings import Settings
from assistant.ui._api import add_gradio_endpoint, answer_route
from assistant.ui._brief_panel import brief_panel_html
from assistant.ui._guard import LoginThrottle, RequestGuard, login_auth, page_route, pdf_route
from assistant.ui._page import (
    CSS,
    EXAMPLES,
    NO_INDEX_TEXT,
    SOURCES_JS,
    STORAGE_NOTICE,
)
from assistant.ui._render import message_html
from assistant.ui._session import NO_SOURCES_YET, ChatSession
from assistant.ui._style import LAYOUT_CSS


# -------------------------------------------------------------------- layout
def build_app(assistant: Assistant | None, *, settings: Settings) -> gr.Blocks:
    """The chat page over ``assistant`` (created on first use when None)."""
    return _layout(ChatSession(assistant, settings=settings))


def _layout(session: ChatSession) -> gr.Blocks:
    ready = session.has_documents()
    writable = session.check_storage() is None
    demo = gr.Blocks(title="SMP Guide", analytics_enabled=False)
    with demo:
        gr.Markdown("## SMP Guide")
        status = gr.HTML(session.welcome(), elem_id="status")
        gr.Markdown(STORAGE_NOTICE, elem_id="storage-notice", visible=not writable)
        with gr.Column(visible=not ready, elem_id="onboarding") as onboarding:
            gr.Markdown(NO_INDEX_TEXT)
            build = gr.Button("Build and load the sample document", elem_id="build-sample")
        turns = gr.State([])
        brief_state = gr.State(Brief())  # per conversation; Brief() empties it
        with gr.Row(elem_id="smp-main"):  # narrow screens reorder it: see _style
            with gr.Column(scale=3, elem_id="smp-chat-column"):
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
                with gr.Row(elem_id="smp-ask-row"):
                    question = gr.Textbox(
                        elem_id="question",
                        show_label=False,
                        placeholder="Ask a question",
                        max_length=session.settings.assistant.max_question_chars * 2,
                        scale=5,
                    )
                    ask = gr.Button("Ask", elem_id="ask", variant="primary", scale=1)
                _example_buttons(question)
            with gr.Column(scale=2, elem_id="smp-panel"):
                chapters = gr.Dropdown(
                    choices=session.chapter_choices(),
                    value=[],
                    multiselect=True,
                    # Checked by the handler (_chapters): /ask clients send "7" as often
                    # as 7, which Gradio's own check refuses with a traceback.
                    allow_custom_value=True,
                    label="Only these chapters",
                    elem_id="chapters",
                )
                recs_only = gr.Checkbox(label="Recommendations only", elem_id="recs-only")
                with gr.Group(elem_id="brief-panel"):
                    add = gr.Button("Add the latest answer", elem_id="add-to-brief", size="sm")
                    brief_list = gr.HTML(brief_panel_html(Brief()), elem_id="brief-list")
                    with gr.Row():
                        export = gr.Button(
                            "Export .md", elem_id="export", size="sm", interactive=writable
                        )
                        export_docx = gr.Button(
                            "Export .docx", elem_id="export-docx", size="sm", interactive=writable
                        )
                    brief = gr.HTML("", elem_id="brief")
                sources = gr.HTML(
                    message_html(NO_SOURCES_YET),
                    elem_id="sources",
                    js_on_load=SOURCES_JS,
                )
        gr.on(
            triggers=[ask.click, question.submit],
            fn=session.ask,
            inputs=[question, chat, turns, chapters, recs_only],
            outputs=[chat, sources, turns, question],
            api_name="ask",
            # Callable by clients (the page itself is one) but not in view_api: programs
            # are pointed at /answer, whose JSON does not change with the page's layout.
            api_visibility="undocumented",
            # Unbounded here: the engine bounds CPU work to the cores (cpu_slots) and an
            # LLM's HTTP wait holds no slot, so one user's slow answer never queues others.
            concurrency_id="ask",
            concurrency_limit=None,
            show_progress="minimal",
        )
        add.click(
            session.add_to_brief,
            inputs=[turns, brief_state],
            outputs=[brief_state, brief_list],
            api_name="add_to_brief",
            api_visibility="private",
        )
        sources.click(  # an answer's own "Add to brief" link: the page sends its number
            session.add_answer_to_brief,
            inputs=[turns, brief_state],
            outputs=[brief_state, brief_list],
            api_name="add_answer_to_brief",
            api_visibility="private",
        )
        for button, handler, name in (
            (export, session.export_markdown, "export"),
            (export_docx, session.export_docx, "export_docx"),
        ):
            button.click(
                handler,
                inputs=[brief_state],
                outputs=[brief],
                api_name=name,
                api_visibility="private",
            )
        chat.clear(  # a cleared chat leaves no sources, turns, brief or brief link behind
            session.clear,
            outputs=[sources, turns, brief, brief_state, brief_list],
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
        add_gradio_endpoint(session.assistant, keep=session.settings.assistant.max_history_messages)
    return demo


def _example_buttons(question: gr.Textbox) -> None:
    """Buttons that put an example into the question box, in the browser only.

    Not ``gr.Examples``: its gallery cuts a question at 60 characters.
    """
    with gr.Column(elem_id="examples"):
        gr.Markdown("Example questions", elem_classes="smp-examples-label")
        for text in EXAMPLES:
            button = gr.Button(text, size="sm", elem_classes="smp-example")
            button.click(None, outputs=[question], js=f"() => {json.dumps(text)}")


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
            "routes": [
                pdf_route(session.pdf_path),
                page_route(session.pdf_path),
                session.briefs.route(),
                answer_route(session.assistant, keep=options.max_history_messages),
            ],
            "middleware": [guard],
        },
        css=CSS + LAYOUT_CSS,
        share=False,
        footer_links=[],
        run_history=False,  # else every question and answer is kept in localStorage
        quiet=True,
        ssr_mode=False,
    )
    return demo
