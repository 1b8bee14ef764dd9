"""Chapter divider pages and "CHAPTER n" labels printed above a chapter title.

Designed reports often open a chapter on a page of its own: a "CHAPTER 2" or "PART II"
label, the title in large type, and little else; the text starts on a following page.
Such a page is recognised by its shape (few lines, type much larger than the body)
and its label, never by its wording beyond the label word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest._contents import LABEL_WORDS, number_value
from ingest._pdf import Page

LABEL_ONLY = re.compile(
    rf"^\s*(?P<word>{'|'.join(LABEL_WORDS)})\s+(?P<num>\d{{1,2}}|[IVXL]{{1,6}})\s*$",
    re.IGNORECASE,
)
_MAX_LINES = 10
_MAX_CHARS = 300
_LARGE = 1.6
"""A divider's biggest type, as a multiple of the body size."""


@dataclass(frozen=True)
class Divider:
    index: int
    top: float
    """The y just above the page's highest line: the whole page belongs to the chapter."""
    word: str
    number: int
    printed: str
    title: str
    repeated: bool = False
    """The next page is a divider for the same chapter too (a second, independent signal)."""


def find_dividers(pages: Sequence[Page], body: float) -> list[Divider]:
    """Divider pages; a run of dividers for the same chapter (title page, then label page)
    counts once, at its first page."""
    out: list[Divider] = []
    for page in pages:
        divider = _divider(page, body)
        if divider is None:
            continue
        if out and out[-1].number == divider.number and divider.index - out[-1].index <= 2:
            first = out[-1]
            out[-1] = Divider(
                first.index, first.top, first.word, first.number, first.printed, first.title, True
            )
            continue
        out.append(divider)
    return out


def _divider(page: Page, body: float) -> Divider | None:
    lines = [ln for ln in page.lines if ln.text.strip()]
    if not lines or len(lines) > _MAX_LINES or sum(len(ln.text) for ln in lines) > _MAX_CHARS:
        return None
    label = next((ln for ln in lines if LABEL_ONLY.match(ln.text)), None)
    if label is None:
        return None
    biggest = max(ln.size for ln in lines)
    if biggest < body * _LARGE:
        return None
    floor = max(body * 1.3, biggest * 0.7 if label.size < biggest * 0.9 else label.size * 0.9)
    title_lines = [ln for ln in lines if ln is not label and ln.size >= floor]
    if not title_lines:
        return None
    match = LABEL_ONLY.match(label.text)
    assert match is not None
    number = number_value(match["num"].upper() if not match["num"].isdigit() else match["num"])
    if number is None:
        return None
    title = re.sub(r"\s+", " ", " ".join(ln.text for ln in title_lines)).strip(" ;:,")
    top = max(ln.y + ln.size for ln in lines)
    return Divider(page.index, top, match["word"].lower(), number, match["num"], title)
