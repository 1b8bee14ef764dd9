"""Blocks become chunks: one per recommendation, box, glossary or acronym entry;
narrative and resource lists packed on sentence boundaries for the embedder."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ingest._blocks import Block
from ingest._records import ChunkKind, GlossaryEntry
from ingest._recs import in_rec_region, mark_recs
from ingest._structure import Marker
from ingest._text import split_sentences, word_count

_RESOURCES = re.compile(
    r"^(further resources|references|bibliography|further reading|sources)\b|existing guidance",
    re.IGNORECASE,
)
_ACRONYMS = re.compile(r"acronym|abbreviation", re.IGNORECASE)
_GLOSSARY = re.compile(r"glossary|definitions", re.IGNORECASE)
_ACRONYM_TOKEN = re.compile(r"^[A-Z][A-Za-z0-9&/\-]{0,14}$")
_REC_HEADER = re.compile(r"^(key |main )?recommendations?\b", re.IGNORECASE)
_GRADE_HEADER = re.compile(
    r"\b(strength|grade|grading|quality|certainty|level) of (the )?(evidence|recommendation)"
    r"|^(strength|grade|evidence|certainty)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Draft:
    """A chunk before it gets its document identity and ID."""

    chapter: int
    section: str
    kind: ChunkKind
    text: str
    pages: tuple[int, ...]
    is_rec: bool = False
    term: str | None = None
    rec_label: str | None = None
    """The document's own citable recommendation ID ("R3"), if it gives one."""
    entry: GlossaryEntry | None = None
    """The glossary or acronym entry the text quotes as "term: definition"."""


def draft_chunks(
    blocks: Sequence[Block], chapters: Sequence[Marker], *, max_words: int, overlap: int
) -> Iterator[Draft]:
    pending: list[Block] = []
    marks = mark_recs(blocks, [region(b, chapters) == "recommendations" for b in blocks])
    rec: list[Block] = []
    label: str | None = None
    for block, mark in zip(blocks, marks, strict=True):
        if rec and (mark is None or mark.role == "start"):
            yield _recommendation(rec, label)
            rec = []
        if mark is not None and (mark.role == "start" or rec):
            yield from _flush(pending, chapters, max_words, overlap)
            pending = []
            rec.append(block)
            label = mark.label if mark.role == "start" else label
            continue
        if pending and (_group(pending[0], chapters) != _group(block, chapters)):
            yield from _flush(pending, chapters, max_words, overlap)
            pending = []
        rows = _rec_rows(block)
        if rows:
            yield from _flush(pending, chapters, max_words, overlap)
            pending = []
            yield from rows
            continue
        unit = _unit(block, chapters)
        if unit is not None:
            yield from _flush(pending, chapters, max_words, overlap)
            pending = []
            yield unit
        else:
            pending.append(block)
    if rec:
        yield _recommendation(rec, label)
    yield from _flush(pending, chapters, max_words, overlap)


def region(block: Block, chapters: Sequence[Marker]) -> str:
    """What kind of text the block's place holds: acronyms, glossary, resources, recs, body."""
    chapter = chapters[block.chapter] if block.chapter >= 0 else None
    names = (block.section, chapter.title if chapter else "")
    if any(_ACRONYMS.search(n) for n in names):
        return "acronym"
    if any(_GLOSSARY.search(n) for n in names):
        return "glossary"
    if any(_RESOURCES.search(n) for n in names):
        return "further_resource"
    body = chapter is not None and chapter.kind != "front_matter" and not chapter.cover
    if in_rec_region(block.section, chapter.title if chapter else "", body):
        return "recommendations"
    if not body:
        return "front_matter"
    return "narrative"


def _group(block: Block, chapters: Sequence[Marker]) -> tuple[int, str, str]:
    return block.chapter, block.section, region(block, chapters)


def _unit(block: Block, chapters: Sequence[Marker]) -> Draft | None:
    where = region(block, chapters)
    pages = block.pages_between(0, len(block.text))
    if block.kind in ("table", "footnote"):
        return Draft(block.chapter, block.section, block.kind, block.text, pages)
    if block.kind == "figure":  # a caption is read on its own, never inside a paragraph
        kind: ChunkKind = "front_matter" if where == "front_matter" else "narrative"
        return Draft(block.chapter, block.section, kind, block.text, pages)
    if block.kind == "item" and where == "further_resource":
        # Each reference is its own unit: a list of them embeds as a blur of topics.
        text, start = block.marker_stripped()
        return Draft(
            block.chapter,
            block.section,
            "further_resource",
            text,
            block.pages_between(start, len(block.text)),
        )
    if block.kind == "box" and (
        where in ("narrative", "recommendations")
        or (block.last is not None and block.last.role == "box")
    ):
        return Draft(block.chapter, block.section, "box", block.text, pages)
    if where == "acronym":
        return _acronym(block, pages)
    if where == "glossary":
        return _glossary(block, pages)
    return None


def _rec_rows(block: Block) -> list[Draft]:
    """A table whose header names the recommendation and its strength or evidence gives
    one recommendation per row: the recommendation's cell first, then the others."""
    if block.kind != "table":
        return []
    rows = block.text.split("\n")
    offsets = [0]
    for row in rows[:-1]:
        offsets.append(offsets[-1] + len(row) + 1)
    for h, header in enumerate(rows[:4]):
        cells = [c.strip() for c in header.split(" | ")]
        rec = next((k for k, c in enumerate(cells) if _REC_HEADER.match(c)), None)
        if rec is None or not any(_GRADE_HEADER.search(c) for c in cells):
            continue
        drafts = []
        for row, at in zip(rows[h + 1 :], offsets[h + 1 :], strict=True):
            cells = [c.strip() for c in row.split(" | ")]
            if len(cells) < 2:
                continue  # a source or note line, or a group heading across the table
            first = cells.pop(min(rec, len(cells) - 1))
            drafts.append(
                Draft(
                    block.chapter,
                    block.section,
                    "recommendation",
                    " | ".join([first, *cells]),
                    block.pages_between(at, at + len(row)),
                    is_rec=True,
                )
            )
        return drafts
    return []


def _recommendation(blocks: Sequence[Block], label: str | None) -> Draft:
    """One recommendation with the rationale that follows it; a list marker is dropped
    unless it is the document's own citable number."""
    first = blocks[0]
    text, start = (
        first.marker_stripped() if first.kind == "item" and label is None else (first.text, 0)
    )
    pages = list(first.pages_between(start, len(first.text)))
    for block in blocks[1:]:
        text = f"{text} {block.text}"
        pages.extend(p for p in block.pages_between(0, len(block.text)) if p not in pages)
    return Draft(
        first.chapter,
        first.section,
        "recommendation",
        text,
        tuple(pages),
        is_rec=True,
        rec_label=label,
    )


def _acronym(block: Block, pages: tuple[int, ...]) -> Draft | None:
    head, _, rest = block.text.partition(" ")
    if not _ACRONYM_TOKEN.match(head) or sum(c.isupper() for c in head) < 2 or not rest:
        return None
    entry = GlossaryEntry(head, rest.strip(), "acronym")
    return Draft(
        block.chapter, block.section, "acronym", entry.text(), pages, term=head, entry=entry
    )


def _glossary(block: Block, pages: tuple[int, ...]) -> Draft | None:
    if block.term and block.text.startswith(block.term) and len(block.text) > len(block.term) + 3:
        term, sep, definition = block.term, ":", block.text[len(block.term) :].lstrip(" :–-")
    else:
        term, sep, definition = block.text.partition(":")
    if not sep or len(term.split()) > 6:
        term, sep, definition = block.text.partition(" – ")
    if not sep or len(term.split()) > 6 or not definition.strip():
        return None
    entry = GlossaryEntry(term.strip(), definition.strip(), "glossary")
    return Draft(
        block.chapter, block.section, "glossary", entry.text(), pages, term=entry.term, entry=entry
    )


def _flush(
    blocks: list[Block], chapters: Sequence[Marker], max_words: int, overlap: int
) -> Iterator[Draft]:
    if not blocks:
        return
    where = region(blocks[0], chapters)
    kind: ChunkKind = (
        "further_resource"
        if where == "further_resource"
        else "front_matter"
        if where in ("front_matter", "acronym", "glossary")
        else "narrative"
    )
    sentences = [s for block in blocks for s in _sentences(block)]
    # Front matter is line groups (a title, an address, a block of small print) and a
    # reference list is entries: each stays on a line of its own, so no sentence reads on
    # from one group or entry into the next.
    firsts = _first_sentences(blocks) if kind in ("front_matter", "further_resource") else set()
    start = 0
    while start < len(sentences):
        end, words = start, 0
        while end < len(sentences) and (end == start or words + sentences[end][1] <= max_words):
            words += sentences[end][1]
            end += 1
        text = "".join(
            ("\n" if i in firsts else " ") + s[0] if i > start else s[0]
            for i, s in enumerate(sentences[start:end], start)
        )
        pages = tuple(dict.fromkeys(p for s in sentences[start:end] for p in s[2]))
        yield Draft(blocks[0].chapter, blocks[0].section, kind, text, pages)
        if end >= len(sentences):
            break
        start = max(end - overlap, start + 1)


def _first_sentences(blocks: Sequence[Block]) -> set[int]:
    """Indexes, in the flushed run, of each block's first sentence."""
    firsts, at = set(), 0
    for block in blocks:
        firsts.add(at)
        at += sum(1 for _ in _sentences(block))
    return firsts


def _sentences(block: Block) -> Iterator[tuple[str, int, tuple[int, ...]]]:
    cursor = 0
    for sentence in split_sentences(block.text):
        at = block.text.find(sentence, cursor)
        at = cursor if at < 0 else at
        cursor = at + len(sentence)
        yield sentence, word_count(sentence), block.pages_between(at, cursor)
