"""The chat UI: a thin Gradio app over the assistant stage's public functions.

Public surface: ``launch`` serves the chat, ``build_app`` lays out the page and
``ChatSession`` holds its handlers (plain functions, testable without a browser).
Importing this package imports Gradio: the CLI does so only for ``smp-guide chat``.
"""

from assistant.ui._app import build_app, launch
from assistant.ui._session import ChatSession

__all__ = ["ChatSession", "build_app", "launch"]
