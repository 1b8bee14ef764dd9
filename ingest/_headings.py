"""Heading lines and the records that mark where a division starts.

Headings are found by type size and weight against the body text; a heading wrapped
over several lines is joined, and a "CHAPTER 2" label printed above its title is joined
to that title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ingest._dividers import LABEL_ONLY
from ingest._layout import roman_to_int
from ingest._pdf import Line, Page

DivisionKind = Literal["front_matter", "chapter", "back_matter"]


_NUMBERED = re.compile(
    r"^\s*(?:(?:chapter|part)\s+)?(?P<num>\d{1,2}|[IVXL]{1,6})(?:\s*[.:)]\s*|\s+)(?P<title>[A-Za-z\u00c0-\u024f].*)$",
    re.IGNORECASE,
)


_DOT_LEADER = re.compile(r"(\.\s?){4,}|…{2,}")


@dataclass(frozen=True)
class Marker:
    """Where a chapter or section starts: page index and the y of its heading."""

    title: str
    index: int
    y: float
    number: int | None = None
    kind: DivisionKind = "chapter"
    printed: str = ""
    """The chapter number as printed ("IV", "2"), for display."""
    cover: bool = False
    """A back cover: cover matter (line groups), not running text or a further part."""


def clean_title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def printed_number(title: str) -> str:
    """'VII. Oversight' -> 'VII'; '' when the title carries no chapter number."""
    match = _NUMBERED.match(title)
    return match["num"] if match and split_number(title)[0] is not None else ""


def split_number(title: str) -> tuple[int | None, str]:
    """'7. SKILLS ...' -> (7, 'SKILLS ...'); 'VII. Oversight' -> (7, 'Oversight')."""
    match = _NUMBERED.match(title)
    if not match:
        return None, clean_title(title)
    raw = match["num"]
    number = int(raw) if raw.isdigit() else roman_to_int(raw)
    if number is None or number > 60:
        return None, clean_title(title)
    return number, clean_title(match["title"])


@dataclass(frozen=True)
class Heading:
    text: str
    index: int
    y: float
    size: float
    bold: bool
    lines: tuple[Line, ...]


def join_headings(pages: Sequence[Page], body: float) -> list[Heading]:
    """Heading-like lines, with headings wrapped over several lines joined."""
    out: list[Heading] = []
    for page in pages:
        group: list[Line] = []
        for line in page.lines:
            if _heading_like(line, body) and group and _continues(group[-1], line):
                group.append(line)
                continue
            if group:
                out.append(_heading(group))
            group = [line] if _heading_like(line, body) else []
        if group:
            out.append(_heading(group))
    return out


def _heading_like(line: Line, body: float) -> bool:
    text = line.text.strip()
    if not text or len(text) > 160 or _DOT_LEADER.search(text):
        return False
    return line.size >= body * 1.15 or (line.bold and len(text) < 100 and line.size >= body * 0.95)


def _continues(prev: Line, line: Line) -> bool:
    return (
        abs(prev.size - line.size) < 0.3
        and prev.bold == line.bold
        and 0 < prev.y - line.y <= 1.6 * line.size
        and not _NUMBERED.match(line.text)
        and not prev.text.rstrip().endswith((".", ":"))
    )


def _heading(group: list[Line]) -> Heading:
    first = group[0]
    text = _undoubled(clean_title(" ".join(ln.text for ln in group)))
    return Heading(text, first.page, first.y, first.size, first.bold, tuple(group))


def with_labels_joined(headings: list[Heading]) -> list[Heading]:
    """A "CHAPTER 2" label heading joined to the title heading printed under it."""
    out: list[Heading] = []
    i = 0
    while i < len(headings):
        h = headings[i]
        nxt = headings[i + 1] if i + 1 < len(headings) else None
        if (
            nxt is not None
            and LABEL_ONLY.match(h.text)
            and nxt.index == h.index
            and 0 < h.y - nxt.y <= 4 * max(h.size, nxt.size)
            and not LABEL_ONLY.match(nxt.text)
        ):
            text = f"{h.text.strip()}: {nxt.text}"
            out.append(
                Heading(text, h.index, h.y, max(h.size, nxt.size), h.bold, h.lines + nxt.lines)
            )
            i += 2
            continue
        out.append(h)
        i += 1
    return out


def title_key(title: str) -> str:
    """Titles compared on letters and digits only: outlines and headings differ in spacing."""
    return re.sub(r"[^0-9a-z]", "", title.casefold())


def _undoubled(text: str) -> str:
    """'ContentsContents' -> 'Contents': a heading drawn twice (for weight or a shadow)."""
    half = len(text) // 2
    return (
        text[:half]
        if len(text) >= 8 and len(text) % 2 == 0 and text[:half] == text[half:]
        else text
    )
