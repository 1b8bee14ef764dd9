"""Pure rendering for the chat UI: source cards, chat messages and the status line.

Everything taken from a document (titles, sections, quotes, references) is escaped
here before any markup is added: HTML-escaped where it lands in HTML, so a PDF
containing ``<img onerror=...>`` renders as text, and Markdown-escaped where it lands in
Markdown (chat messages, through ``assistant._markdown``, which the exported brief uses
too). The functions take records and return strings; they know nothing of Gradio.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from assistant._markdown import answer_markdown, literal
from assistant._query import content_words, stem
from assistant._records import Answer, Citation, Source
from index import IndexStatus

_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;"})
STREAM_WORDS = 6
TITLE_CHARS = 300  # of a quote in a citation chip's tooltip
VIEW_CHARS = 1500  # of a quote sent to the page view: enough to find it on the page
MORE_PAGES = 2  # pages after the first that the page view looks at for the quote's rest
# A citation chip as ``chip`` writes it: one token while the answer streams.
_CHIP = r'\[\[\d{1,3}\]\]\(#[\w-]+ "(?:[^"\\]|\\.)*"\)'


def escape(text: str) -> str:
    """HTML-escape document text; braces and dollars too, so no template engine reads them."""
    return html.escape(text, quote=True).translate(_BRACES)


def answer_message(answer: Answer, *, turn: int | None = None) -> str:
    """The chat message of an answer: its text and notes, document words literal.

    With ``turn``, each ``[n]`` is a chip that links to card n of that answer's sources.
    """
    notes = "".join(f"\n\n_Note: {literal(n)}_" for n in answer.notices)
    if turn is None:
        return answer_markdown(answer.text) + notes
    quotes = {c.n: c.quote for c in answer.citations}
    return answer_markdown(answer.text, marker=lambda n: _marker(turn, n, quotes)) + notes


def _marker(turn: int, n: int, quotes: dict[int, str]) -> str:
    return chip(turn, n, quotes[n]) if n in quotes else f"[{n}]"


def source_id(turn: int, n: int) -> str:
    """The element id of card ``n`` among the sources of answer ``turn``."""
    return f"smp-src-{turn}-{n}"


def chip(turn: int, n: int, quote: str) -> str:
    """``[n]`` as a Markdown link to its card, the quote as its title (shown on hover)."""
    title = " ".join(quote.split())
    if len(title) > TITLE_CHARS:
        title = title[:TITLE_CHARS].rsplit(" ", 1)[0] + " \u2026"
    # Inside a link title only a backslash, a quote and an entity reference are read.
    title = title.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return f'[[{n}]](#{source_id(turn, n)} "{title}")'


def highlight(text: str, question: str) -> str:
    """Escaped ``text`` with the question's content words (and their inflections) in <mark>."""
    safe = escape(text)
    stems = sorted({stem(w) for w in content_words(question) if len(stem(w)) > 2}, key=len)
    if not stems:
        return safe
    alternatives = "|".join(re.escape(s) for s in reversed(stems))
    # Not inside an entity such as &amp; or &#x27;, and only at the start of a word.
    pattern = re.compile(rf"(?<![&#\w])(?:{alternatives})[\w'-]*", re.IGNORECASE)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", safe)


def page_text(page_labels: Sequence[str], page_indexes: Sequence[int]) -> str:
    """'p. 45' (or 'pp. 45-46') from printed labels; 'PDF p. 3' when the page has none."""
    labels = [label for label in page_labels if label]
    if labels:
        return f"p. {labels[0]}" if len(labels) == 1 else f"pp. {labels[0]}-{labels[-1]}"
    if page_indexes:
        return f"PDF p. {page_indexes[0] + 1}"
    return "page unknown"


def pdf_link(document_id: str, page_indexes: Sequence[int]) -> str:
    page = page_indexes[0] + 1 if page_indexes else 1
    return f"/pdf/{url_quote(document_id, safe='')}#page={page}"


def page_view_link(document_id: str, page_index: int, quote: str) -> str:
    """The in-app view of a cited page, its quote highlighted (``/page/...png``)."""
    query = urlencode({"quote": " ".join(quote.split())[:VIEW_CHARS]})
    return f"/page/{url_quote(document_id, safe='')}/{page_index}.png?{query}"


def chapter_text(chapter: int | None, chapter_title: str) -> str:
    return f"Chapter {chapter}: {chapter_title}" if chapter is not None else chapter_title


def card(
    item: Citation | Source, *, number: int, question: str, quote: str, turn: int | None = None
) -> str:
    """One numbered source card (with the id ``source_id`` gives, for answer ``turn``)."""
    page = page_text(item.page_labels, item.page_indexes)
    details = [f"Section: {escape(item.section)}"] if item.section else []
    if item.rec_id:
        details.append(f"Recommendation {escape(item.rec_id)}")
    details.append(escape(page))
    copy = f"{item.reference} \u201c{quote}\u201d"
    chapter = "" if item.chapter is None else str(item.chapter)
    link = ""
    if item.document_id:
        link = (
            f'<a class="smp-pdf" href="{escape(pdf_link(item.document_id, item.page_indexes))}" '
            f'target="_blank" rel="noopener noreferrer">Open PDF at {escape(page)}</a>'
        )
    if item.document_id and item.page_indexes:
        first, *rest = sorted(set(item.page_indexes))
        view = page_view_link(item.document_id, first, quote)
        # The passage's next pages: the view adds those where the quote runs on.
        more = " ".join(page_view_link(item.document_id, p, quote) for p in rest[:MORE_PAGES])
        link = (
            f'<button type="button" class="smp-view" data-view="{escape(view)}" '
            f'data-more="{escape(more)}" data-title="{escape(page)}">Show on page</button>{link}'
        )
    anchor = "" if turn is None else f' id="{source_id(turn, number)}" tabindex="-1"'
    return (
        f'<article class="smp-card" data-n="{number}" data-chapter="{chapter}" '
        f'data-page="{escape(page)}"{anchor}>'
        f'<header><span class="smp-n">[{number}]</span> '
        f'<span class="smp-chapter">{escape(chapter_text(item.chapter, item.chapter_title))}'
        "</span></header>"
        f'<div class="smp-meta">{" · ".join(details)}</div>'
        f'<blockquote class="smp-quote">{highlight(quote, question)}</blockquote>'
        f'<div class="smp-ref">{escape(item.reference)}</div>'
        f'<div class="smp-actions"><button type="button" class="smp-copy" '
        f'data-copy="{escape(copy)}">Copy citation</button>{link}</div>'
        "</article>"
    )


def sources_html(answer: Answer, *, nearest: int = 3, turn: int | None = None) -> str:
    """Cards for the citations, or for the nearest sources when the question is not covered."""
    if answer.citations:
        cards = [
            card(c, number=c.n, question=answer.question, quote=c.quote, turn=turn)
            for c in answer.citations
        ]
        head = "Sources"
    else:
        cards = [
            card(s, number=s.rank, question=answer.question, quote=_excerpt(s.quote), turn=turn)
            for s in answer.sources[:nearest]
        ]
        head = "Nearest sources (the publication does not answer this directly)"
    if not cards:
        return '<div class="smp-sources-empty">No sources found.</div>'
    return f'<h3 class="smp-sources-head">{head}</h3>' + "".join(cards)


def sources_panel(sections: Sequence[tuple[int, str, str]], *, shown: int | None = -1) -> str:
    """Each answer's own cards (``(turn, question, cards)``), one section shown at a time.

    ``shown`` is the turn whose section is visible; -1 the last one, None none. A citation
    chip in an earlier answer shows its own section (the page's script).
    """
    if shown == -1:
        shown = sections[-1][0] if sections else None
    return "".join(
        f'<section class="smp-turn{" smp-shown" if turn == shown else ""}" data-turn="{turn}">'
        f'<div class="smp-turn-question">Answer to: {escape(question)}</div>{cards}</section>'
        for turn, question, cards in sections
    )


def message_html(text: str) -> str:
    return f'<div class="smp-sources-empty">{escape(text)}</div>'


def _excerpt(text: str, words: int = 60) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def stream_pieces(text: str, *, words: int = STREAM_WORDS) -> Iterator[str]:
    """The growing prefixes of ``text``, a few words at a time, whitespace kept."""
    tokens = re.findall(rf"(?:{_CHIP}|\S)+\s*", text)
    for end in range(words, len(tokens), words):
        yield "".join(tokens[:end]).rstrip()
    yield text


def status_html(text: str) -> str:
    return f'<div class="smp-status">{escape(text)}</div>'


def status_line(status: IndexStatus) -> str:
    if not status.documents:
        return f"No document indexed yet (index: {status.location})."
    docs = "; ".join(f"{d.title} ({d.n_pages} pages, {d.chunks} chunks)" for d in status.documents)
    return f"Indexed: {docs} · model {status.model}"
