"""Every stored sentence must be on its pages: a check against stitched text.

A chunk's sentences are looked up in the raw text of the pages the chunk names, as pypdf
extracted it before any furniture removal or reordering. Text glued together across
columns, boxes, tables or pages does not occur there, so it is reported.

Both sides are compared in one canonical form: ``normalise_line`` per line (NFKC,
private-use glyphs and soft hyphens gone, dot leaders collapsed), no whitespace at all,
and no hyphen between two letters, so a word broken at a line end matches whether the
chunk joined it or kept the hyphen, and a drop cap or letter-spaced word the chunk
re-joined matches the split form extraction gives. Case is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from ingest._columns import column_ends
from ingest._pdf import Page
from ingest._records import Chunk, OffPage, VerbatimReport
from ingest._text import normalise_line, split_sentences

MIN_WORDS = 4
"""Shorter fragments (labels, numbers, headings) are too common to prove anything."""

_SPACES = re.compile(r"\s+")
_LETTER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_DOTS = re.compile(r"\.{3,}")
_DOT_CHARS = ".…"
_CALL = re.compile(r"(?<!\d[.,])(?<=[^\W\d_]|[.,;:)\]”’\"])\d{1,3}(?!\d)(?![.,]\d)")
"""Footnote call digits right after a word or punctuation (spaces are gone by then)."""
_SHORT_TAIL = 16


@dataclass(frozen=True)
class _PageText:
    text: str
    line_starts: frozenset[int]
    line_ends: frozenset[int]
    column_breaks: tuple[tuple[int, int], ...] = ()
    """(end of a column's last line, start of the next column's first line): where a
    sentence may run on from the foot of one column to the head of the next."""


def canonical(text: str) -> str:
    """The comparison form of a stretch of text (see the module docstring)."""
    # NFKC spells the leader ellipsis as three dots on a second pass: one form for both.
    text = normalise_line(text).replace("…", "...")
    # Spaces are not evidence: extraction splits drop caps ("T he") and letter-spaced
    # words ("D evelopment") that the page shows whole, and text stitched from two places
    # differs in its characters, not in its spacing.
    text = _SPACES.sub("", text)
    # One ellipsis for any run of dots: a quotation's "of..." and "...the" on two lines
    # meet as one run in a chunk that joined them.
    text = _DOTS.sub("…", text) if "..." in text else text
    return _LETTER_HYPHEN.sub("", text) if "-" in text else text


def page_texts(pages: Sequence[Page]) -> dict[int, _PageText]:
    """Each page's canonical text, with where its lines start and end in it."""
    return {page.index: _page_text(page) for page in pages}


def _page_text(page: Page, *, without_calls: bool = False) -> _PageText:
    parts: list[str] = []
    size = 0
    starts: set[int] = set()
    ends: set[int] = set()
    lasts, firsts = column_ends(page)
    at_end: dict[int, int] = {}
    at_start: dict[int, int] = {}
    for k, line in enumerate(page.lines):
        piece = canonical(line.text)
        if without_calls and piece:
            piece = _CALL.sub("", piece)
        if not piece:
            continue
        if parts:
            last = parts[-1]
            if last.endswith("-") and last[-2:-1].isalpha() and piece[0].isalpha():
                parts[-1] = last[:-1]  # a word broken at the line end
                size -= 1
            elif last[-1:] in _DOT_CHARS and piece[:1] in _DOT_CHARS:
                last, piece = _dots_joined(last, piece)
                ends.discard(size)
                size += len(last) - len(parts[-1])
                parts[-1] = last
                ends.add(size)
                if not piece:
                    continue
        starts.add(size)
        if k in firsts:
            at_start[firsts[k]] = size
        parts.append(piece)
        size += len(piece)
        ends.add(size)
        if k in lasts:
            at_end[lasts[k]] = size
    breaks = tuple((at_end[c], at_start[c + 1]) for c in sorted(at_end) if c + 1 in at_start)
    return _PageText("".join(parts), frozenset(starts), frozenset(ends), breaks)


def _dots_joined(last: str, piece: str) -> tuple[str, str]:
    """Two lines meeting in dots ("of..." and "...the", or a column of "." cells) read
    as one run, canonical like the same run inside one line."""
    tail = last[len(last.rstrip(_DOT_CHARS)) :]
    head = piece[: len(piece) - len(piece.lstrip(_DOT_CHARS))]
    run = (tail + head).replace("…", "...")
    return last[: -len(tail)] + _DOTS.sub("…", run), piece[len(head) :]


def checked_parts(chunk: Chunk) -> Iterator[str]:
    """The pieces of a chunk's text that must each occur on its pages."""
    if chunk.kind == "table":  # rows on lines, cells joined by " | "
        parts: list[str] = [c for row in chunk.text.split("\n") for c in row.split(" | ")]
    elif chunk.kind == "recommendation" and " | " in chunk.text:  # a table's row
        parts = [s for cell in chunk.text.split(" | ") for s in split_sentences(cell)]
    elif (entry := chunk.entry()) is not None:
        parts = [entry.term, *split_sentences(entry.definition)]
    elif chunk.kind == "front_matter":  # line groups on lines of their own
        parts = [s for group in chunk.text.split("\n") for s in split_sentences(group)]
    else:
        parts = split_sentences(chunk.text)
    for part in parts:
        if _word_count(part) >= MIN_WORDS:
            yield part


def _word_count(text: str) -> int:
    # A run of dots or bullets spaced out is no words at all: it proves nothing either.
    return sum(any(ch.isalnum() for ch in token) for token in text.split())


def verbatim_report(chunks: Sequence[Chunk], pages: Sequence[Page]) -> VerbatimReport:
    texts = page_texts(pages)
    by_index = {page.index: page for page in pages}
    bare: dict[int, _PageText] = {}
    checked = 0
    off: list[OffPage] = []
    for chunk in chunks:
        indexes = [i for i in chunk.page_indexes if i in texts]
        for part in checked_parts(chunk):
            checked += 1
            wanted = canonical(part)
            if _on_pages(wanted, [texts[i] for i in indexes]):
                continue
            # Ingest drops a footnote call ("options3." reads "options."): the sentence
            # may stand on the page once the calls are gone, and nowhere else.
            for i in indexes:
                if i not in bare:
                    bare[i] = _page_text(by_index[i], without_calls=True)
            if not _on_pages(wanted, [bare[i] for i in indexes]):
                off.append(OffPage(chunk.id, chunk.position, chunk.kind, chunk.page_indexes, part))
    return VerbatimReport(checked, tuple(off))


def off_page_sentences(chunks: Sequence[Chunk], pages: Sequence[Page]) -> list[OffPage]:
    """Sentences (table cells, glossary terms and definitions) not verbatim on their pages."""
    return list(verbatim_report(chunks, pages).off_page)


def _on_pages(wanted: str, pages: Sequence[_PageText]) -> bool:
    if any(wanted in page.text for page in pages):
        return True
    if any(_over_column_break(wanted, page) for page in pages):
        return True
    return any(_across(wanted, a, b) for a, b in pairwise(pages))


def _across(wanted: str, before: _PageText, after: _PageText) -> bool:
    """A sentence running on over a page break: its head ends a line of one page and its
    tail starts a line of the next. Furniture between the two (a footer, a header) is
    allowed; a join anywhere else is not."""
    for cut in _cuts(wanted, after):
        head, tail = wanted[:cut].rstrip(), wanted[cut:]
        if head and _ends_line(head, before) and _starts_line(tail, after):
            return True
        # "into..." ends one page and "...three" starts the next: one ellipsis in the chunk.
        if tail.startswith("…") and _ends_line(head + "…", before) and _starts_line(tail, after):
            return True
    return False


def _over_column_break(wanted: str, page: _PageText) -> bool:
    """A sentence running on from the last line of one column to the first of the next,
    which the extraction may have drawn far apart."""
    for end, start in page.column_breaks:
        for form in (page.text[:end], page.text[:end].removesuffix("-")):
            for cut in range(1, len(wanted)):
                if form.endswith(wanted[:cut]) and page.text.startswith(wanted[cut:], start):
                    return True
    return False


def _cuts(wanted: str, after: _PageText) -> set[int]:
    """Where in ``wanted`` a line of the next page could begin."""
    cuts = set(range(max(1, len(wanted) - _SHORT_TAIL), len(wanted)))
    for start in after.line_starts:
        probe = after.text[start : start + _SHORT_TAIL]
        at = wanted.find(probe, 1)
        while at > 0:
            cuts.add(at)
            at = wanted.find(probe, at + 1)
    return cuts


def _ends_line(head: str, page: _PageText) -> bool:
    # A word broken over the page break keeps its hyphen on the page but not in the chunk.
    for form in (head, head + "-"):
        at = page.text.find(form)
        while at >= 0:
            if at + len(form) in page.line_ends:
                return True
            at = page.text.find(form, at + 1)
    return False


def _starts_line(tail: str, page: _PageText) -> bool:
    tail = tail.lstrip()
    return any(page.text.startswith(tail, start) for start in page.line_starts)
