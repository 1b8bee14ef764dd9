"""Lines in reading order become blocks (paragraphs, list items, recommendation
blocks, boxes), each placed in its chapter and section and knowing its pages."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ingest._pdf import Line, Page
from ingest._structure import Marker, Structure
from ingest._text import join_hyphenated, normalise_line, rejoin_spaced_letters

BlockKind = Literal["paragraph", "item", "recommendation", "box", "table", "footnote", "figure"]

_ITEM_START = re.compile(r"^(•|–|\(?[a-z0-9]{1,2}[.)])\s+\S")
_NUMBER_MARK = re.compile(r"^(•|–|\(?[a-z0-9]{1,2}[.)])\s+")
_REC_START = re.compile(r"^Recommendation\s+(\d{1,3})\b\.?\s*$", re.IGNORECASE)
_TABLE_START = re.compile(r"^\s*(Table|Exhibit)\s+[A-Z]?\d", re.IGNORECASE)
_PROSE_WORDS = 8
_RUNNING_LINES = 5
_BOX_START = re.compile(r"^Box\s+\d+(\.\d+)?\s*[.:]", re.IGNORECASE)


@dataclass
class Block:
    kind: BlockKind
    chapter: int
    """Index into the structure's chapters, or -1 before the first one."""
    section: str
    x: float
    bold: bool
    size: float
    text: str = ""
    term: str = ""
    """A bold term or label opening the block (glossary term, acronym), if any."""
    spans: list[tuple[int, int]] = field(default_factory=list)
    """(character offset in text, page index) at each line start."""
    last: Line | None = None

    def add(self, line: Line, text: str, vocab: Counter[str]) -> None:
        if not self.text:
            self.spans.append((0, line.page))
            self.text = text
        elif self.kind == "table" or (self.kind == "footnote" and _opens_note(line)):
            # A table keeps one row per line; footnotes one note per line.
            self.spans.append((len(self.text) + 1, line.page))
            self.text = f"{self.text}\n{text}"
        else:
            joined = join_hyphenated(self.text, text, vocab)
            offset = len(self.text) + (0 if joined is not None else 1)
            self.text = joined if joined is not None else f"{self.text} {text}"
            self.spans.append((offset if joined is None else offset - 1, line.page))
        self.last = line

    def pages_between(self, start: int, end: int) -> tuple[int, ...]:
        """Pages of the lines that overlap text[start:end]."""
        pages = []
        for i, (offset, page) in enumerate(self.spans):
            following = self.spans[i + 1][0] if i + 1 < len(self.spans) else len(self.text)
            if offset < end and following > start and page not in pages:
                pages.append(page)
        return tuple(pages) or (self.spans[0][1],)

    def marker_stripped(self) -> tuple[str, int]:
        """Text without its list marker, and the offset where the kept text starts."""
        match = _NUMBER_MARK.match(self.text)
        return (self.text[match.end() :], match.end()) if match else (self.text, 0)


_NOTE_NUMBER = re.compile(r"^\s*(\d{1,3}|[*†‡§]+)\s+\S")


def _opens_note(line: Line) -> bool:
    """A footnote line that starts a note: with its number, or with the room its raised
    number left when extraction dropped it as a call."""
    return line.text[:1].isspace() or bool(_NOTE_NUMBER.match(line.text))


def build_blocks(
    pages: Sequence[Page], structure: Structure, vocab: Counter[str], *, leading: float
) -> Iterator[Block]:
    current: Block | None = None
    # Placement only moves forward in reading order: on a two-column page the right
    # column's first line may sit higher than a heading in the left column.
    placed = (-1, -1)
    sparse = _little_running_text(pages)
    for page in pages:
        # A heading is known by its baseline; in columns, text in the next column may
        # share it, and the heading is the larger type on it.
        heading_size: dict[float, float] = {}
        for line in page.lines:
            if (line.page, line.y) in structure.heading_lines:
                heading_size[line.y] = max(heading_size.get(line.y, 0.0), line.size)
        # A heading takes effect where the reading reaches it: text of another column
        # beside or below it that is read first still belongs to the section before.
        pending = set(heading_size)
        for line in page.lines:
            if line.y in heading_size and line.size > heading_size[line.y] - 0.1:
                pending.discard(line.y)
                if current is not None:
                    yield current
                current = None
                continue
            text = rejoin_spaced_letters(normalise_line(line.text), vocab)
            if not text:
                continue
            placed = max(placed, _placement(structure, line, pending))
            chapter = placed[0]
            section = _section_title(structure, *placed)
            front = line.page in sparse and (
                chapter < 0
                or structure.chapters[chapter].kind == "front_matter"
                or structure.chapters[chapter].cover
            )
            if current is not None and (
                _continues_group(current, line, chapter)
                if front
                else _continues(current, line, text, chapter, section, leading)
            ):
                current.add(line, text, vocab)
                continue
            if current is not None:
                yield current
            current = Block(
                _kind(text, line),
                chapter,
                section,
                line.x,
                line.bold,
                line.size,
                term=normalise_line(line.lead_bold or (line.text if line.bold else "")),
            )
            current.add(line, text, vocab)
    if current is not None:
        yield current


def _little_running_text(pages: Sequence[Page]) -> set[int]:
    """Pages with hardly a line of running text (covers, title and imprint pages): lines
    in the body's type long enough to be prose are what running text is made of."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size)] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    return {
        page.index
        for page in pages
        if sum(round(ln.size) == body and len(ln.text.split()) >= _PROSE_WORDS for ln in page.lines)
        < _RUNNING_LINES
    }


_MARK_TO_LINE = 24.0
"""A heading's destination may sit a little above its baseline (the top of its type)."""


def _placement(structure: Structure, line: Line, pending: set[float]) -> tuple[int, int]:
    """(chapter index, section index) of the last markers at or above the line, leaving
    out the headings on its page the reading has not reached (``pending``)."""
    return (
        _last_before(structure.chapters, line, pending),
        _last_before(structure.sections, line, pending),
    )


def _last_before(markers: Sequence[Marker], line: Line, pending: set[float]) -> int:
    found = -1
    for i, marker in enumerate(markers):
        if marker.index == line.page and any(abs(marker.y - y) <= _MARK_TO_LINE for y in pending):
            continue
        if (marker.index, -marker.y) <= (line.page, -line.y - 2):
            found = i
    return found


def _section_title(structure: Structure, chapter: int, section: int) -> str:
    if chapter < 0:
        return ""
    start = structure.chapters[chapter]
    if section >= 0:
        marker = structure.sections[section]
        if (marker.index, -marker.y) >= (start.index, -start.y):
            return marker.title
    return start.title


def _kind(text: str, line: Line) -> BlockKind:
    if line.role:
        return line.role
    if _REC_START.match(text):
        return "recommendation"
    if _BOX_START.match(text):
        return "box"
    if _ITEM_START.match(text):
        return "item"
    return "paragraph"


def _opens_table(line: Line) -> bool:
    return line.role == "table" and bool(_TABLE_START.match(line.text))


def _continues_group(block: Block, line: Line, chapter: int) -> bool:
    """Front matter (covers, imprints, title pages, forewords) is read line group by line
    group: a line joins the block only directly below its last line, in the same type and
    on the same left edge (or back from a first-line indent), never over a page break."""
    last = block.last
    if last is None or chapter != block.chapter or line.page != last.page:
        return False
    if line.role or last.role or block.kind in ("table", "footnote", "figure"):
        return line.role == block.kind and not _opens_table(line)
    if abs(line.size - last.size) >= 0.5:
        return False
    # A line closer than its own type size overlaps the last one: another layer (a
    # template, a translation) printed on the same spot, not the next line.
    gap = last.y - line.y
    if not 0.8 * line.size <= gap <= 1.6 * max(line.size, last.size):
        return False
    # A first-line indent, or a hanging one (a reference entry's turnover lines).
    indented = len(block.spans) == 1 and 0.8 * line.size <= abs(last.x - line.x) < 4 * line.size
    return abs(line.x - last.x) < 2 or indented


def _continues(
    block: Block, line: Line, text: str, chapter: int, section: str, leading: float
) -> bool:
    last = block.last
    if last is None or chapter != block.chapter or section != block.section:
        return False
    if line.role or last.role or block.kind in ("table", "footnote", "figure"):
        # Tables and footnotes stay apart from prose; a new caption opens a new table.
        if line.role != block.kind or line.page != last.page or _opens_table(line):
            return False
        # A figure's caption, notes and source are set apart in size: each is read alone
        # (a caption has no full stop to end it before its source).
        return block.kind != "figure" or (
            abs(line.size - last.size) < 0.5 and 0 < last.y - line.y < 2 * line.size
        )
    if _REC_START.match(text) or _BOX_START.match(text):
        return False
    if block.kind == "box":
        return line.x >= block.x - 2
    if block.kind == "recommendation":
        return abs(line.x - block.x) < 4 and line.bold == block.bold
    if _ITEM_START.match(text) or line.lead_bold:
        return False  # a list item, or a run-in bold term, opens its own block
    if line.bold and not last.bold:
        return False
    if line.page != last.page:
        return not block.text.rstrip().endswith((".", "!", "?", ":")) and block.kind == "paragraph"
    gap = last.y - line.y
    if gap <= 0 or gap > max(leading * 1.25 + 0.5, 1.1 * max(line.size, last.size)):
        return False
    if block.kind == "item":
        return line.x > block.x + 1 or abs(line.x - block.x) < 1
    return abs(line.size - block.size) < 0.5 or (
        abs(line.size - block.size) < 1.5 and line.bold == block.bold
    )
