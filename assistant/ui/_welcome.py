"""The chat's first lines: a welcome saying what the tool answers from, and a status for people.

The status names the indexed documents with their pages and the day they were indexed;
the technical details (chunks, embedding model, index location) go into the line's
tooltip, where an administrator can still find them. Pure functions over ``IndexStatus``;
document titles are escaped like every other document text.
"""

from __future__ import annotations

from assistant.ui._render import escape, status_line
from index import DocumentInfo, IndexStatus

NOTHING_INDEXED = (
    "Nothing is indexed yet: build the sample document below, or index a PDF with "
    "<code>smp-guide ingest PDF</code> and restart <code>smp-guide chat</code>."
)


def welcome_html(status: IndexStatus) -> str:
    """The welcome line and the status line, one block for the page's ``#status``."""
    return (
        '<div class="smp-welcome">'
        f'<p class="smp-welcome-line">{welcome_text(status)}</p>'
        f'<p class="smp-status" title="{escape(status_line(status))}">'
        f"{people_status(status)}</p></div>"
    )


def welcome_text(status: IndexStatus) -> str:
    """What the tool answers from, as escaped HTML."""
    if not status.documents:
        return f"Welcome to SMP Guide. {NOTHING_INDEXED}"
    return (
        f"Ask a question about {_titles(status.documents)}: each answer quotes the "
        "text with its chapter, section and page, ready to cite."
    )


def people_status(status: IndexStatus) -> str:
    """'Answering from: <title> (106 pages, indexed 2026-12-01)', as escaped HTML."""
    if not status.documents:
        return "Answering from: no document yet."
    return "Answering from: " + "; ".join(_described(d) for d in status.documents)


def _described(document: DocumentInfo) -> str:
    pages = f"{document.n_pages} page" + ("" if document.n_pages == 1 else "s")
    day = document.ingested_at[:10]  # an ISO timestamp: its date is what people need
    return (
        f'{escape(document.title)} <span class="smp-when">({pages}, indexed {escape(day)})</span>'
    )


def _titles(documents: tuple[DocumentInfo, ...]) -> str:
    first = f"<cite>{escape(documents[0].title)}</cite>"
    others = len(documents) - 1
    if not others:
        return first
    return f"{first} and {others} other document" + ("" if others == 1 else "s")
