"""Render a document's markup through the layout engine and record where everything landed.

Markup (one directive per line; plain lines form paragraphs separated by blank lines):
  = n|printed|Title        a chapter (or part), opened the way the document's spec says
  == Title / === Title     section / subsection headings
  @front Title             a front-matter page with that heading;  @back Title: back matter
  @numbering roman|arabic  restart the printed page numbers on the next page
  @contents                the table of contents (filled from the first pass)
  @rec Recommendation 3    the next paragraph is a recommendation block
  @recpara 23              the next paragraph is recommendation paragraph 23
  @reclist ... @end        numbered recommendations, one per line
  @rectable Table 4|Caption ... @end   rows 'text | strength | quality'; first row is the header
  @table ruled|aligned Table 3|Caption ... @end   rows separated by ' | '
  @box Box 2.1 Title ... @end,  @quote ... @end,  @figure Caption ... @end ('label = value')
  @acronyms ... @end ('ABC = expansion'),  @glossary ... @end ('term = definition')
  @spaced Heading          a letter-spaced heading
  @pool ... @end           sentences for '@fill N', which writes N paragraphs from them
  @endnotes                the notes collected from '{en:...}' calls
Inline: '{fn:text}' is a footnote, '{en:text}' an endnote; both print a superscript call.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ._art import callout, figure
from ._kit import Layout, Note
from ._tables import table, two_column_pairs

INLINE = re.compile(r"\{(fn|en):([^}]*)\}")

# layout, number, printed number, title, a callback marking the opening page; returns that
# page's index
Opener = Callable[[Layout, int, str, str, Callable[[], None]], int]


@dataclass
class Truth:
    chapters: list[dict[str, Any]] = field(default_factory=list)
    front_matter: list[str] = field(default_factory=list)
    back_matter: list[str] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    footnotes: list[dict[str, Any]] = field(default_factory=list)
    boxes: list[dict[str, Any]] = field(default_factory=list)
    acronyms: dict[str, str] = field(default_factory=dict)
    glossary: list[str] = field(default_factory=list)
    toc: list[tuple[int, str, int]] = field(default_factory=list)  # level, text, page index


@dataclass(frozen=True)
class Blocks:
    """Markup split into directives with their bodies."""

    items: tuple[tuple[str, str, tuple[str, ...]], ...]  # (directive, argument, body lines)


BODIED = {
    "@reclist",
    "@rectable",
    "@table",
    "@box",
    "@quote",
    "@figure",
    "@acronyms",
    "@glossary",
    "@pool",
}


def parse(text: str) -> Blocks:
    items: list[tuple[str, str, tuple[str, ...]]] = []
    lines = iter(text.splitlines())
    para: list[str] = []

    def flush() -> None:
        if para:
            items.append(("p", " ".join(para), ()))
            para.clear()

    for raw in lines:
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            flush()
        elif line.startswith(("@", "=")):
            flush()
            head, _, arg = line.partition(" ")
            body: tuple[str, ...] = ()
            if head in BODIED:
                body = tuple(_until_end(lines))
            items.append((head, arg.strip(), body))
        else:
            para.append(line)
    flush()
    return Blocks(tuple(items))


def _until_end(lines: Iterator[str]) -> Iterator[str]:
    for raw in lines:
        if raw.strip() == "@end":
            return
        if raw.strip():
            yield raw.strip()


def first_words(line: str, count: int = 6) -> str:
    return " ".join(re.sub(r"\{\d+\}", "", line).split()[:count])


@dataclass(frozen=True)
class Options:
    opener: Opener
    contents_line: Callable[[int, str, str], str]  # number, printed, title -> contents/outline text
    outline: bool
    drop_caps: bool
    toc_depth: int  # 0: chapters and matter only; 1: sections too
    leader_dots: bool
    seed: int


def contents_entries(blocks: Blocks, options: Options) -> list[tuple[int, str]]:
    """What the contents page lists, known before anything is laid out."""
    entries: list[tuple[int, str]] = []
    following = [head for head, _, _ in blocks.items[1:]] + [""]
    for (head, arg, _), after in zip(blocks.items, following, strict=True):
        if after == "@contents":
            continue  # the contents page does not list itself
        if head == "=":
            number, printed, title = (part.strip() for part in arg.split("|"))
            entries.append((0, options.contents_line(int(number), printed, title)))
        elif head in ("@front", "@back"):
            entries.append((0, arg))
        elif head == "==" and options.toc_depth:
            entries.append((1, arg))
    return entries


class Renderer:
    def __init__(
        self, lay: Layout, blocks: Blocks, options: Options, toc_pages: dict[str, str]
    ) -> None:
        self.lay = lay
        self.blocks = blocks
        self.options = options
        self.toc_pages = toc_pages
        self.toc_entries = contents_entries(blocks, options)
        self.truth = Truth()
        self.rng = random.Random(options.seed)
        self.pool: list[str] = []
        self.deck: list[str] = []
        self.footnote_count = 0
        self.endnotes: list[Note] = []
        self.pending_rec: tuple[str, str] | None = None  # (kind, id)
        self.drop_cap_next = False
        self.numbering: bool | None = None
        self.bookmarks = 0

    # lookups --------------------------------------------------------------------
    def label(self, index: int) -> str:
        folio = self.lay.folios.get(index)
        return folio or ""

    def mark(self, title: str, level: int) -> None:
        """An outline entry and a contents line for the current page."""
        self.truth.toc.append((level, title, self.lay.index))
        if self.options.outline:
            self.bookmarks += 1
            key = f"m{self.bookmarks}"
            self.lay.c.bookmarkPage(key, fit="XYZ", top=self.lay.y + 30)
            self.lay.c.addOutlineEntry(title, key, level=level)

    def new_page(self, kind: str) -> None:
        if self.numbering is not None:
            self.lay.restart_numbering(roman=self.numbering)
            self.numbering = None
        self.lay.start_page(kind)

    def inline(self, text: str) -> tuple[str, list[Note]]:
        notes: list[Note] = []

        def swap(match: re.Match[str]) -> str:
            if match.group(1) == "fn":
                self.footnote_count += 1
                notes.append(Note(self.footnote_count, match.group(2).strip()))
                return f"{{{self.footnote_count}}}"
            self.endnotes.append(Note(len(self.endnotes) + 1, match.group(2).strip()))
            return f"{{{len(self.endnotes)}}}"

        return INLINE.sub(swap, text), notes

    def add_rec(self, rec_id: str | None, index: int, line: str) -> None:
        self.truth.recommendations.append(
            {"id": rec_id, "page": self.label(index), "starts_with": first_words(line)}
        )

    # directives ------------------------------------------------------------------
    def run(self) -> Truth:
        for head, arg, body in self.blocks.items:
            name = _heading_name(head) if head.startswith("=") else "do_" + head.lstrip("@")
            getattr(self, name)(arg, body)
        self.lay.finish_page()
        self.truth.footnotes = [
            {"page": self.label(index), "starts_with": first_words(note.text)}
            for note, index in self.lay.placed_notes
        ]
        return self.truth

    def do_p(self, text: str, _body: tuple[str, ...]) -> None:
        text, notes = self.inline(text)
        if self.pending_rec:
            kind, rec_id = self.pending_rec
            self.pending_rec = None
            if kind == "para":
                index, line = self.lay.paragraph(text, notes=notes, hang=f"{rec_id}.")
            else:
                index = self.lay.heading(rec_id, 3)
                line = self.lay.paragraph(text, notes=notes, indent=12)[1]
            self.add_rec(rec_id, index, line)
            return
        self.lay.paragraph(text, notes=notes, drop_cap=self.drop_cap_next, indent=0)
        self.drop_cap_next = False

    def do_chapter(self, arg: str, _: tuple[str, ...]) -> None:
        number, printed, title = (part.strip() for part in arg.split("|"))
        if self.numbering is not None:
            self.lay.restart_numbering(roman=self.numbering)
            self.numbering = None
        self.lay.running = title
        text = self.options.contents_line(int(number), printed, title)
        # A chapter starts where its opener began: on its divider page if it has one.
        index = self.options.opener(
            self.lay, int(number), printed, title, lambda: self.mark(text, 0)
        )
        chapter = {
            "number": int(number),
            "printed_number": printed,
            "title": title,
            "start_page": self.label(index),
        }
        self.truth.chapters.append(chapter)
        self.drop_cap_next = self.options.drop_caps

    def do_section(self, arg: str, _: tuple[str, ...]) -> None:
        self.lay.heading(arg, 2)
        if self.options.toc_depth:
            self.mark(arg, 1)

    def do_subsection(self, arg: str, _: tuple[str, ...]) -> None:
        self.lay.heading(arg, 3)

    def do_front(self, arg: str, _: tuple[str, ...]) -> None:
        self.new_page("front")
        self.lay.running = arg
        self.mark(arg, 0)
        self.lay.heading(arg, 1)
        self.truth.front_matter.append(arg)

    def do_back(self, arg: str, _: tuple[str, ...]) -> None:
        self.new_page("body")
        self.lay.running = arg
        self.mark(arg, 0)
        self.lay.heading(arg, 1)
        self.truth.back_matter.append(arg)

    def do_numbering(self, arg: str, _: tuple[str, ...]) -> None:
        self.numbering = arg == "roman"

    def do_page(self, _: str, __: tuple[str, ...]) -> None:
        if self.lay.columns > 1 and self.lay.col == 0:
            self.lay.next_column()
        else:
            self.lay.start_page("body")

    def do_contents(self, _: str, __: tuple[str, ...]) -> None:
        for level, text in self.toc_entries:
            font = self.lay.look.bold if level == 0 else None
            page = self.toc_pages.get(text, "00")
            self.lay.dotted_entry(
                text, page, indent=14 * level, font=font, dots=self.options.leader_dots
            )

    def do_rec(self, arg: str, _: tuple[str, ...]) -> None:
        self.pending_rec = ("block", arg)

    def do_recpara(self, arg: str, _: tuple[str, ...]) -> None:
        self.pending_rec = ("para", arg)

    def do_reclist(self, _: str, body: tuple[str, ...]) -> None:
        for n, item in enumerate(body, start=1):
            index, line = self.lay.paragraph(item, hang=f"{n}.", indent=6)
            self.add_rec(str(n), index, line)

    def do_rectable(self, arg: str, body: tuple[str, ...]) -> None:
        rows = [[cell.strip() for cell in row.split("|")] for row in body]
        placed = self.place_table(arg, rows, ruled=True, widths=(0.6, 0.18, 0.22))
        for row, index in zip(rows[1:], placed, strict=True):
            self.add_rec(None, index, row[0])

    def do_table(self, arg: str, body: tuple[str, ...]) -> None:
        style, _, rest = arg.partition(" ")
        rows = [[cell.strip() for cell in row.split("|")] for row in body]
        self.place_table(rest, rows, ruled=style == "ruled", widths=None)

    def place_table(
        self, arg: str, rows: list[list[str]], *, ruled: bool, widths: Any
    ) -> tuple[int, ...]:
        label, _, title = (part.strip() for part in arg.partition("|"))
        caption = f"{label}. {title}"
        placed = table(self.lay, label, caption, rows, ruled=ruled, widths=widths)
        first = [
            row
            for row, index in zip(rows[1:], placed.row_pages, strict=True)
            if index == placed.first_page
        ]
        cells = [first[0][0], first[0][-1]] + ([first[1][0]] if len(first) > 1 else [])
        self.truth.tables.append(
            {"caption": caption, "page_index": placed.first_page, "cells": cells}
        )
        return placed.row_pages

    def do_box(self, arg: str, body: tuple[str, ...]) -> None:
        index = self.lay.box(arg, body)
        self.truth.boxes.append({"title": arg, "page": self.label(index)})

    def do_quote(self, _: str, body: tuple[str, ...]) -> None:
        callout(self.lay, " ".join(body))

    def do_figure(self, arg: str, body: tuple[str, ...]) -> None:
        bars = [(k.strip(), float(v)) for k, _, v in (line.partition("=") for line in body)]
        figure(self.lay, arg, bars)

    def do_acronyms(self, _: str, body: tuple[str, ...]) -> None:
        pairs = [(k.strip(), v.strip()) for k, _, v in (line.partition("=") for line in body)]
        two_column_pairs(self.lay, pairs)
        self.truth.acronyms.update(pairs)

    def do_glossary(self, _: str, body: tuple[str, ...]) -> None:
        for line in body:
            term, _, definition = (part.strip() for part in line.partition("="))
            self.lay.ensure(self.lay.look.leading * 3)
            self.lay.y -= self.lay.look.leading
            self.lay.c.setFont(self.lay.look.bold, self.lay.look.size)
            self.lay.c.drawString(self.lay.x, self.lay.y, term)
            self.lay.paragraph(definition, indent=14)
            self.truth.glossary.append(term)

    def do_spaced(self, arg: str, _: tuple[str, ...]) -> None:
        self.lay.spaced_heading(arg, self.lay.look.heading_sizes[1])

    def do_pool(self, _: str, body: tuple[str, ...]) -> None:
        self.pool.extend(body)

    def do_fill(self, arg: str, _: tuple[str, ...]) -> None:
        for _n in range(int(arg or 1)):
            self.do_p(" ".join(self.deal() for _k in range(self.rng.randint(4, 6))), ())

    def deal(self) -> str:
        """The next pool sentence; every sentence is used once before any repeats."""
        if not self.deck:
            self.deck = self.rng.sample(self.pool, len(self.pool))
        return self.deck.pop()

    def do_endnotes(self, _: str, __: tuple[str, ...]) -> None:
        for note in self.endnotes:
            self.lay.paragraph(note.text, hang=f"{note.number}.", size=self.lay.look.size * 0.9)


def _heading_name(head: str) -> str:
    return {"=": "do_chapter", "==": "do_section", "===": "do_subsection"}[head]
