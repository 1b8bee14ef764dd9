"""The printed table of contents: its entries, their levels and the pages they point to.

A contents page is found by its heading ("Contents", "Table of contents") or by its
shape (most lines end in a page number). Entries are read from the line text alone:
dotted leaders, spaced-out or right-aligned page numbers, titles wrapped over two
lines and page numbers split by letter spacing ("5 3") are all common in designed
PDFs. Printed page numbers are mapped to page indexes through the page labels.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest._layout import roman_to_int
from ingest._pdf import Line, Page

_HEADING = re.compile(r"^\s*(table of )?contents(\s+of\s+the\s+\w+)?\s*$", re.IGNORECASE)
_LEADER = re.compile(r"(?:\s?[.·…_]\s?){3,}")
_PAGE_AT_END = re.compile(r"^(?P<title>.*?\S)\s+(?P<page>\d{1,4}|[ivxlc]{1,7})\s*$", re.IGNORECASE)
_SPLIT_PAGE = re.compile(r"^(?P<title>.*?\S)\s+(?P<a>\d)\s(?P<b>\d)\s*$")
_GLYPH = re.compile(r"^(?:/c\d+|[•·▪■●◦\-–])\s*")
LABEL_WORDS = ("chapter", "part", "section", "module", "unit")
_NUMBERING = re.compile(
    rf"^(?:(?P<word>{'|'.join(LABEL_WORDS)})\s+)?"
    r"(?P<num>\d{1,2}(?:\.\d{1,2})*|[IVXL]{1,6}|[A-Z])(?=[.:)\s]|$)[.:)]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_MAX_SCAN = 0.4
"""Contents pages sit in the first part of a document."""


@dataclass(frozen=True)
class Entry:
    """One contents line: its title, numbering and the page it points to."""

    title: str
    page: str
    """The printed page number as it appears in the contents."""
    index: int | None
    """The PDF page index that printed number maps to, if it could be mapped."""
    word: str
    """A label word before the number ("chapter", "part"), lower case, or ''."""
    number: str
    """The printed number ("2", "IV", "1.3", "A"), or '' when unnumbered."""
    x: float
    contents_page: int


def parse_number(text: str) -> tuple[str, str, str]:
    """'Chapter II: Governance' -> ('chapter', 'II', 'Governance'); unnumbered -> ('', '', text)."""
    match = _NUMBERING.match(text.strip())
    if not match or not match["rest"] and not match["word"]:
        return "", "", text.strip()
    num = match["num"]
    single_letter = len(num) == 1 and num.isalpha() and num.upper() not in "IVX"
    if single_letter and not match["word"] and not re.match(r"^[A-Z][.)]", text.strip()):
        return "", "", text.strip()  # 'A new approach' is a title, 'A. Background' numbered
    return (match["word"] or "").lower(), num, match["rest"].strip()


def number_value(number: str) -> int | None:
    """'3' -> 3, 'IV' -> 4, '1.2' / 'A' -> None (not a top-level chapter number)."""
    if number.isdigit():
        return int(number)
    if len(number) > 1 or number.upper() in "IVX":
        return roman_to_int(number)
    return None


def read_contents(pages: Sequence[Page], labels: Sequence[str]) -> list[Entry]:
    """Entries of the document's contents pages, in order, each mapped to a page index."""
    found = _contents_pages(pages)
    entries: list[Entry] = []
    for index in found:
        entries.extend(_entries(pages[index]))
    return _mapped(entries, labels)


def _contents_pages(pages: Sequence[Page]) -> list[int]:
    limit = max(3, round(len(pages) * _MAX_SCAN))
    out: list[int] = []
    for page in pages[:limit]:
        headed = any(_HEADING.match(_dedup(ln.text)) for ln in page.lines[:4])
        follows = bool(out) and out[-1] == page.index - 1 and _continues_contents(page)
        if headed or (follows and _mostly_entries(page)) or _mostly_entries(page, strict=True):
            out.append(page.index)
    return out


def _continues_contents(page: Page) -> bool:
    """A contents page that runs on starts with an entry or a 'Contents' running head,
    not with the heading of another list (figures, boxes)."""
    first = next((ln.text.strip() for ln in page.lines if ln.text.strip()), "")
    return "contents" in first.lower() or _page_number(first) is not None or _starts_entry(first)


def _dedup(text: str) -> str:
    """'ContentsContents' (a heading drawn twice) -> 'Contents'."""
    text = text.strip()
    half = len(text) // 2
    return text[:half] if len(text) % 2 == 0 and text[:half] == text[half:] else text


def _mostly_entries(page: Page, *, strict: bool = False) -> bool:
    lines = [ln for ln in page.lines if ln.text.strip()]
    if len(lines) < (8 if strict else 1):
        return False
    ending = sum(1 for ln in lines if _page_number(ln.text) is not None)
    leaders = sum(1 for ln in lines if _LEADER.search(ln.text))
    if strict:  # without a heading, ask for leaders too: tables also end lines in numbers
        return ending >= 0.7 * len(lines) and leaders >= 0.5 * len(lines)
    return ending >= 0.5 * len(lines)


def _page_number(text: str) -> tuple[str, str] | None:
    """(title, printed page) when the line ends in a page number, else None."""
    text = _LEADER.sub(" ", _GLYPH.sub("", text.strip())).strip()
    split = _SPLIT_PAGE.match(text)
    if split and not re.search(r"\d\s*$", split["title"]):
        return split["title"], split["a"] + split["b"]
    match = _PAGE_AT_END.match(text)
    if not match or not re.search(r"[A-Za-z]{2}", match["title"]):
        return None
    page = match["page"]
    if not page.isdigit() and roman_to_int(page) is None:
        return None
    return match["title"].strip(" .:"), page


def _entries(page: Page) -> list[Entry]:
    out: list[Entry] = []
    held: list[Line] = []
    for line in page.lines:
        text = _GLYPH.sub("", line.text.strip())
        if not text or _HEADING.match(_dedup(text)) or text.lower() == "page":
            continue
        ended = _page_number(text)
        if ended is None:
            # A line without a page number: the first part of a wrapped title, unless the
            # next line starts a numbered entry (then it was a group header like "Annexes").
            if held and _starts_entry(text):
                held = []
            held = [*held, line] if not text.endswith(":") else []
            continue
        title, printed = ended
        first = held[0] if held and not _starts_entry(text) else line
        prefix = (
            " ".join(_GLYPH.sub("", ln.text.strip()) for ln in held) if first is not line else ""
        )
        held = []
        full = re.sub(r"\s+", " ", f"{prefix} {title}").strip()
        word, number, rest = parse_number(full)
        out.append(Entry(rest or full, printed, None, word, number, first.x, page.index))
    return out


def _starts_entry(text: str) -> bool:
    return bool(parse_number(text)[1])


def _mapped(entries: list[Entry], labels: Sequence[str]) -> list[Entry]:
    """Printed pages -> indexes via the labels; a common offset fills unlabelled pages."""
    positions: dict[str, int] = {}
    for position, label in enumerate(labels):
        positions.setdefault(label.lower(), position)
    offsets: Counter[int] = Counter()
    direct: list[int | None] = []
    for entry in entries:
        found = positions.get(entry.page.lower())
        if found is not None and found <= entry.contents_page and entry.page.isdigit():
            found = None  # a body page number cannot point at or before the contents
        direct.append(found)
        if found is not None and entry.page.isdigit():
            offsets[found - int(entry.page)] += 1
    offset = offsets.most_common(1)[0][0] if offsets else None
    out = []
    for entry, index in zip(entries, direct, strict=True):
        if index is None and offset is not None and entry.page.isdigit():
            guess = int(entry.page) + offset
            index = guess if 0 <= guess < len(labels) else None
        out.append(
            Entry(
                entry.title,
                entry.page,
                index,
                entry.word,
                entry.number,
                entry.x,
                entry.contents_page,
            )
        )
    return out


def chapter_level(entries: Sequence[Entry]) -> list[Entry]:
    """Entries at the top numbered level, in one increasing run.

    Labelled entries ("Chapter 2", "Part II") outrank bare numbers: a bare 1..n list then
    belongs inside one of them. Chapters outrank parts when both are labelled.
    """
    numbered = [e for e in entries if number_value(e.number) is not None and e.index is not None]
    words = {e.word for e in numbered if e.word}
    for word in LABEL_WORDS:
        if word in words:
            numbered = [e for e in numbered if e.word == word]
            break
    else:
        if not numbered:
            return []
        left = min(e.x for e in numbered)
        numbered = [e for e in numbered if e.x <= left + 20]
    run: list[Entry] = []
    for entry in numbered:
        value = number_value(entry.number)
        if run and value is not None and value <= (number_value(run[-1].number) or 0):
            break  # numbering restarts: annexes or a second list
        run.append(entry)
    return run
