"""Chapters and sections: from the PDF outline when it is sane, else from the reading
the contents page, divider pages and headings agree on (see _agreement).

A division starts at a position (page index, y): lines at or below that point on
its first page belong to it, so a chapter that starts mid-page (after the end of
the previous one) is split where its heading stands, not at the page top.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pypdf

from ingest._agreement import agreed_chapters
from ingest._headings import (
    DivisionKind,
    Heading,
    Marker,
    clean_title,
    join_headings,
    printed_number,
    split_number,
    title_key,
    with_labels_joined,
)
from ingest._pdf import Page

__all__ = ["Marker", "Structure", "find_structure"]

_FRONT_TITLES = re.compile(
    r"^(table of )?contents\b|^list of (boxes|figures|tables)|^acronyms|^abbreviations|"
    r"^glossary|^foreword|^preface|^acknowledg|^executive summary|^summary$|^abstract$",
    re.IGNORECASE,
)
_BACK_ITEM = re.compile(r"^(annex|appendix)\s+\w{1,4}\b", re.IGNORECASE)
_JUNK_OUTLINE = re.compile(r"^_|^\s*$")
_TOC_ENTRY = re.compile(r"\s(\d{1,4}|[ivxlc]{1,6})$")


@dataclass(frozen=True)
class Structure:
    chapters: tuple[Marker, ...]
    sections: tuple[Marker, ...]
    heading_lines: frozenset[tuple[int, float]]
    """(page, y) of lines that are chapter or section headings, kept out of body text."""


def find_structure(
    reader: pypdf.PdfReader,
    pages: Sequence[Page],
    body: float,
    *,
    labels: Sequence[str] = (),
) -> Structure:
    """Chapters from the outline when it is sane; else from the reading that the contents
    page, divider pages and headings agree on; sections from the outline or headings."""
    headings = with_labels_joined(join_headings(pages, body))
    outline = _outline_markers(reader)
    sections: Sequence[Marker]
    if outline is not None:
        chapters = [_placed(m, headings) for m in outline[0]]
        sections = [_placed(m, headings) for m in outline[1]]
    else:
        chapters = agreed_chapters(pages, headings, body, labels)
        sections = ()
    chapters = _with_front_matter(chapters, headings, body)
    chapters = _with_back_cover(chapters, pages, labels)
    if not sections:
        sections = _sections_from_headings(headings, chapters, body)
    heading_lines = _heading_positions(headings, chapters, sections)
    return Structure(tuple(chapters), tuple(sections), frozenset(heading_lines))


def _placed(marker: Marker, headings: list[Heading]) -> Marker:
    """The marker at the y of its heading on the page: outlines often point at the page top."""
    key = title_key(split_number(marker.title)[1])
    for h in headings:
        if h.index != marker.index:
            continue
        found = title_key(split_number(h.text)[1])
        if key and found and (found == key or (len(key) > 12 and found.startswith(key[:40]))):
            return replace(marker, y=h.y + 0.5)
    return marker


def _outline_markers(reader: pypdf.PdfReader) -> tuple[list[Marker], list[Marker]] | None:
    try:
        entries = list(_walk_outline(reader, reader.outline, 0))
    except (
        pypdf.errors.PyPdfError,  # includes LimitReachedError: outline too deep or too long
        pypdf.errors.PdfReadError,
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        RecursionError,
        IndexError,
    ):
        return None
    top_level = [e for e in entries if e[0] == 0]
    if len(top_level) == 1:  # a single root (the document title) holding the chapters
        entries = [(lvl - 1, *rest) for lvl, *rest in entries if lvl > 0]
        top_level = [e for e in entries if e[0] == 0]
    starts = [e[2] for e in top_level]
    if len(top_level) < 2 or starts != sorted(starts):
        return None
    chapters = _classify([Marker(t, i, y) for lvl, t, i, y in top_level])
    sections = [Marker(clean_title(t), i, y) for lvl, t, i, y in entries if lvl == 1]
    return _groups_opened(chapters, entries), sections


def _groups_opened(chapters: list[Marker], entries: list[Any]) -> list[Marker]:
    """A back-matter group ("Appendixes") whose outline children are each an appendix or
    annex gives way to those children: each is a division of its own."""
    tops = [k for k, e in enumerate(entries) if e[0] == 0] + [len(entries)]
    out: list[Marker] = []
    for marker, start, stop in zip(chapters, tops, tops[1:], strict=False):
        children = [
            Marker(clean_title(title), index, y, None, "back_matter")
            for level, title, index, y in entries[start + 1 : stop]
            if level == 1
        ]
        if (
            marker.kind == "back_matter"
            and len(children) >= 2
            and all(_BACK_ITEM.match(c.title) for c in children)
        ):
            out.extend(children)
        else:
            out.append(marker)
    return out


def _walk_outline(reader: pypdf.PdfReader, items: Any, level: int) -> Any:
    for item in items:
        if isinstance(item, list):
            yield from _walk_outline(reader, item, level + 1)
            continue
        title = clean_title(str(item.title or ""))
        index = reader.get_destination_page_number(item)
        if _JUNK_OUTLINE.match(title) or index is None or index < 0:
            continue
        top = item.get("/Top")
        y = float(top) if isinstance(top, (int, float)) else 1e9
        yield level, title, index, y


def _classify(markers: list[Marker]) -> list[Marker]:
    """Numbered entries are chapters; unnumbered ones before/after them front/back matter."""
    parsed = [(split_number(m.title), m) for m in markers]
    numbered = [i for i, ((num, _), _) in enumerate(parsed) if num is not None]
    first, last = (numbered[0], numbered[-1]) if numbered else (len(parsed), -1)
    out = []
    for i, ((num, title), m) in enumerate(parsed):
        if num is not None and first <= i <= last:
            out.append(Marker(title, m.index, m.y, num, "chapter", printed_number(m.title)))
        else:
            kind: DivisionKind = "front_matter" if i < first else "back_matter"
            out.append(Marker(m.title, m.index, m.y, None, kind))
    return out


def _with_front_matter(
    chapters: list[Marker], headings: list[Heading], body: float
) -> list[Marker]:
    """Add front-matter parts (contents, acronyms...) that the outline or numbering missed."""
    if not chapters:
        return chapters
    first = next((c for c in chapters if c.kind == "chapter"), chapters[0])
    known = {c.title.casefold() for c in chapters}
    extra = [
        Marker(h.text, h.index, h.y, None, "front_matter")
        for h in headings
        if (h.index, -h.y) < (first.index, -first.y)
        and _FRONT_TITLES.match(h.text)
        and not _TOC_ENTRY.search(h.text)
        and h.text.casefold() not in known
        and (h.size >= body * 1.1 or h.bold)
        and not any(c.index == h.index and abs(c.y - h.y) < 5 for c in chapters)
    ]
    return sorted(chapters + extra, key=lambda m: (m.index, -m.y))


_COVER_LINE = 12
"""Letters and digits from which a line shared by the first and last page is a cover's."""


def _with_back_cover(
    chapters: list[Marker], pages: Sequence[Page], labels: Sequence[str]
) -> list[Marker]:
    """The last page as a back cover when it starts no division, prints no page number
    and repeats a line of the pages before the first division (the cover, the title
    page: the title, the publisher's blurb), however those break it into lines."""
    if len(pages) < 3 or not chapters:
        return chapters
    last = pages[-1]
    label = labels[last.index] if last.index < len(labels) else ""
    if any(c.index >= last.index for c in chapters) or _printed_page_number(label):
        return chapters
    front = "".join(
        _alnum(ln.text) for page in pages[: max(1, chapters[0].index)] for ln in page.lines
    )
    keys = (_alnum(ln.text) for ln in last.lines)
    if not any(len(k) >= _COVER_LINE and k in front for k in keys):
        return chapters
    return [*chapters, Marker("Back cover", last.index, 1e9, None, "back_matter", cover=True)]


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _printed_page_number(label: str) -> bool:
    token = label.strip().lower()
    return token.isdigit() or bool(token) and set(token) <= set("ivxlc")


def _sections_from_headings(
    headings: list[Heading], chapters: list[Marker], body: float
) -> list[Marker]:
    chapter_spots = {(c.index, round(c.y)) for c in chapters}
    out = []
    for h in headings:
        if (h.index, round(h.y)) in chapter_spots or h.size < body * 1.1 and not h.bold:
            continue
        if re.match(r"^(recommendation\s+\d+|box\s+\d)", h.text, re.IGNORECASE):
            continue
        if h.size >= body * 1.1:
            out.append(Marker(h.text, h.index, h.y))
    return out


def _heading_positions(
    headings: list[Heading], chapters: Sequence[Marker], sections: Sequence[Marker]
) -> set[tuple[int, float]]:
    spots = {(m.index, title_key(m.title)) for m in (*chapters, *sections)}
    out: set[tuple[int, float]] = set()
    for h in headings:
        _number, title = split_number(h.text)
        if (
            (h.index, title_key(title)) in spots
            or (h.index, title_key(h.text)) in spots
            or any(m.index == h.index and abs(m.y - h.y) < 3 for m in (*chapters, *sections))
        ):
            out.update((ln.page, ln.y) for ln in h.lines)
    return out
