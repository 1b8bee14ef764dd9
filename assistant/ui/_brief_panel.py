"""The chat's brief panel: what the brief holds, its download links, and copyable answers.

Each covered answer's message ends with its own "Add to brief" link (``#smp-add-<n>``,
n its number in the chat): the page's script sends that number to the handler, which
adds that answer, not only the latest. Pure rendering over ``assistant.Brief`` and
``Answer``; the handlers live in ``_session``.
"""

from __future__ import annotations

from assistant._brief_model import Brief
from assistant._markdown import literal
from assistant._records import Answer
from assistant.ui._render import escape

FORMAT_NAMES = {"md": "Markdown", "docx": "Word"}
ADD_PREFIX = "#smp-add-"
ADD_TEXT = "Add to brief"


def brief_panel_html(brief: Brief) -> str:
    """'Brief: 2 answers' and the list of their questions."""
    if not len(brief):
        return '<div class="smp-brief-empty">The brief is empty: add answers to it.</div>'
    count = f"{len(brief)} answer" + ("" if len(brief) == 1 else "s")
    items = "".join(f"<li>{escape(q)}</li>" for q in brief.questions())
    return (
        f'<div class="smp-brief-panel"><strong>Brief: <span class="smp-brief-count">'
        f"{count}</span></strong><ol>{items}</ol></div>"
    )


def download_html(token: str, kind: str) -> str:
    name = FORMAT_NAMES.get(kind, kind)
    return (
        f'<a class="smp-brief smp-brief-{escape(kind)}" href="/brief/{escape(token)}" '
        f"download>Download the brief ({escape(name)})</a>"
    )


def references_markdown(answer: Answer) -> str:
    """The answer's numbered references, appended to its chat message so that the chat's
    copy button copies the answer with them."""
    if not answer.citations:
        return ""
    lines = [f"[{c.n}] {literal(c.reference)}" for c in answer.citations]
    return "\n\n**References**\n\n" + "  \n".join(lines)


def add_link(answer: Answer, *, turn: int) -> str:
    """The answer's own "Add to brief" link, appended to its message; none for a refusal,
    which a brief leaves out."""
    if not answer.covered:
        return ""
    return f"\n\n[{ADD_TEXT}]({ADD_PREFIX}{turn})"
