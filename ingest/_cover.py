"""Title, author and year of a document, from its metadata checked against its cover.

PDF metadata is often wrong in ways a reader never sees: a layout tool's file name
("report_final.indd"), a publisher's boilerplate, a title cut at an apostrophe. The
cover and title pages set the real title in the largest type, so the metadata title
is kept only when those pages corroborate it; otherwise the cover's title wins. The
imprint page (copyright line, "Published in") gives the publisher and the year.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest._imprint import (
    BY_LINE,
    DATE_LINE,
    ORG_WORDS,
    Metadata,
    author_of,
    clean,
    looks_like_org,
    publisher_of,
    words_of,
    year_of,
)
from ingest._layout import BAND, roman_to_int
from ingest._marks import without_layer_copies
from ingest._pdf import Line, Page

_FRONT_PAGES = 3
"""Non-empty pages that may hold the cover and the title page."""
_IMPRINT_PAGES = 6
_DISPLAY = 1.4
"""Type at least this many times the body size is display type (titles, not text)."""
_WRAP_GAP = 1.7
"""A title that wraps keeps its lines within this many type sizes of each other."""
_SAME_STYLE = 1.35
"""Wrapped lines of one title differ in size by at most this ratio (designed covers vary it)."""
_SUBTITLE_GAP = 2.2
"""A subtitle starts within this many title sizes below the title's last line."""
_SUBTITLE_MIN = 1.15
"""... in type at least this many times the cover's small print ..."""
_SUBTITLE_STEP = 1.2
"""... and at least this step smaller than the title (same size: the title wrapping)."""
_SUBTITLE_WORDS = 16
_RUNNING_SHARE = 0.25
"""A running title names the work on at least this share of pages (one side of a spread)."""

_FILE_NAME = re.compile(
    r"\.(indd|vp|docx?|qxd|qxp|pdf|pm\d|p65|fm|rtf|odt|tex|pages)$", re.IGNORECASE
)
_LABEL = re.compile(
    r"^(chapter|part|module|section|volume|annex|appendix)\s+\w{1,4}$", re.IGNORECASE
)
_CHAPTER = re.compile(r"^(chapter|part)\s+(\d{1,3}|[ivxlc]{1,6})$", re.IGNORECASE)


@dataclass(frozen=True)
class CoverFacts:
    title: str
    author: str
    year: str


@dataclass(frozen=True)
class _Block:
    """Lines of display type that read as one unit (a title that wraps)."""

    text: str
    size: float
    page: int
    bottom: float = 0.0
    """Baseline of the block's last line."""


def cover_facts(meta: Metadata, pages: Sequence[Page], *, body_size: float) -> CoverFacts:
    """Title, author and year of the document, each from the best evidence found.

    ``pages`` are all pages as read, running headers included: a chapter issued as
    its own file names its work there.
    """
    front = [p for p in pages if p.lines][:_FRONT_PAGES]
    imprint = [p for p in pages if p.lines][:_IMPRINT_PAGES]
    blocks = [b for page in front for b in _blocks(page, body_size)]
    publisher = publisher_of(imprint)
    return CoverFacts(
        title=_title(meta, blocks, front, pages, publisher) or "Untitled document",
        author=author_of(meta, front, publisher),
        year=year_of(meta, imprint, front, body_size),
    )


def _blocks(page: Page, body: float) -> list[_Block]:
    display = sorted(
        (
            ln
            for ln in without_layer_copies(list(page.lines))
            if ln.size >= body * _DISPLAY and words_of(ln.text)
        ),
        key=lambda ln: -ln.y,
    )
    groups: list[list[Line]] = []
    for line in display:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and 0 <= last.y - line.y <= _WRAP_GAP * max(last.size, line.size)
            and max(last.size, line.size) <= _SAME_STYLE * min(last.size, line.size)
        ):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [
        _Block(_joined(g), max(ln.size for ln in g), page.index, g[-1].y)
        for g in groups
        if not _is_furniture_text(_joined(g))
    ]


def _joined(lines: Sequence[Line]) -> str:
    text = ""
    for line in lines:
        part = clean(line.text)
        if re.search(r"[a-z]-$", text) and part[:1].islower():
            text = text[:-1] + part  # a word hyphenated across the wrap
        else:
            text = f"{text} {part}" if text else part
    return text


def _is_furniture_text(text: str) -> bool:
    """Page numbers, dates, job numbers, part labels: never a title."""
    letters = [w for w in words_of(text) if not w.isdigit()]
    if len(letters) == 0 or _LABEL.match(text.strip()):
        return True
    return bool(DATE_LINE.search(text.strip())) and len(letters) <= 2


def _is_file_name(text: str) -> bool:
    bare = text.strip()
    return bool(_FILE_NAME.search(bare)) or ("_" in bare) or (" " not in bare and len(bare) > 12)


def _title(
    meta: Metadata,
    blocks: Sequence[_Block],
    front: Sequence[Page],
    pages: Sequence[Page],
    publisher: str,
) -> str:
    block = _cover_block(blocks, publisher)
    cover = block.text if block else ""
    if _metadata_title_holds(meta.title, cover, blocks, front, publisher):
        title = meta.title
    elif block is None:
        return ""
    else:
        title = _in_running_case(cover, pages[:_IMPRINT_PAGES])
    if block is not None:
        title = _with_subtitle(title, block, front, publisher)
    return _as_part_of_work(title, front, pages)


def _with_subtitle(title: str, block: _Block, front: Sequence[Page], publisher: str) -> str:
    """The title with the subtitle set right under it on the cover, when there is one.

    A subtitle sits within a couple of title sizes below the title's last line, in type
    smaller than the title but larger than the body, and reads as a phrase: a byline of
    names, a publisher, a date or a series label under the title is not one.
    """
    page = next((p for p in front if p.index == block.page), None)
    if page is None:
        return title
    below = sorted(
        (ln for ln in without_layer_copies(list(page.lines)) if ln.y < block.bottom),
        key=lambda ln: -ln.y,
    )
    lines: list[Line] = []
    top = block.bottom
    for line in below:
        near = top - line.y <= _SUBTITLE_GAP * (block.size if not lines else line.size)
        styled = _SUBTITLE_MIN * _body_of(page) <= line.size < block.size / _SUBTITLE_STEP
        if not (near and styled) or (lines and abs(line.size - lines[0].size) > 0.5):
            break
        lines.append(line)
        top = line.y
    text = _joined(lines) if lines else ""
    if not text or not _reads_as_subtitle(text, publisher):
        return title
    if set(words_of(text)) <= set(words_of(title)):
        return title
    return f"{title.rstrip(' :')}: {text}"


def _body_of(page: Page) -> float:
    """The page's most common type size, weighted by text: a cover's small print."""
    sizes: Counter[float] = Counter()
    for line in page.lines:
        sizes[line.size] += len(line.text.strip())
    return min(size for size, _ in sizes.most_common(3)) if sizes else 0.0


def _reads_as_subtitle(text: str, publisher: str) -> bool:
    words = text.split()
    # Two or three words under a title name its genre or edition ("Final report",
    # "Second edition"), not what it is about.
    if not 4 <= len(words) <= _SUBTITLE_WORDS or _is_furniture_text(text):
        return False
    if looks_like_org(text, publisher) or BY_LINE.match(text) or DATE_LINE.search(text):
        return False
    if any(ch.isdigit() for ch in text) or "@" in text or "," in text:
        return False  # edition lines, job numbers, lists of names
    if words_of(text)[-1] in ORG_WORDS:
        return False  # who issued it ("Report of the Joint Inspection Unit")
    # A phrase has its small words in lower case; a list of names has none.
    return any(w[:1].islower() for w in words[1:])


def _in_running_case(title: str, pages: Sequence[Page]) -> str:
    """An all-capitals cover title as the front matter writes it in running text.

    Capitals are a typographic choice; the same words set in mixed case elsewhere
    (a back-cover blurb, a catalogue entry) keep the acronyms a blind conversion loses.
    """
    if not title.isupper():
        return title
    target = words_of(title)
    for page in pages:
        lines = list(page.lines)
        for start in range(len(lines)):
            if not words_of(lines[start].text) or words_of(lines[start].text)[0] != target[0]:
                continue
            for stop in range(start + 1, min(start + 5, len(lines)) + 1):
                text = _joined(lines[start:stop])
                if words_of(text) == target and not text.isupper():
                    return text
    return title


def _cover_block(blocks: Sequence[_Block], publisher: str) -> _Block | None:
    candidates = [b for b in blocks if not looks_like_org(b.text, publisher)]
    if not candidates:
        return None
    # The first page with display type is the cover: a later page's big heading
    # ("Foreword") must not outrank it.
    cover = min(b.page for b in candidates)
    best = max((b for b in candidates if b.page == cover), key=lambda b: (b.size, len(b.text)))
    # A title set in mixed sizes breaks into fragments on the cover; the title page
    # usually sets the whole of it in one style, and that fuller block names it.
    words = set(words_of(best.text))
    fuller = [
        b
        for b in candidates
        if b is not best and words < set(words_of(b.text)) and len(words_of(b.text)) <= 30
    ]
    return max(fuller, key=lambda b: b.size) if fuller else best


def _metadata_title_holds(
    title: str, cover: str, blocks: Sequence[_Block], front: Sequence[Page], publisher: str
) -> bool:
    words = words_of(title)
    if len(title) <= 3 or not words or _is_file_name(title):
        return False
    if title.lower().startswith(("microsoft", "untitled")) or looks_like_org(title, publisher):
        return False
    if not blocks:
        # No display type to check against: any text of the first pages will do.
        seen = {w for p in front for ln in p.lines for w in words_of(ln.text)}
        return set(words) <= seen
    seen = {w for b in blocks for w in words_of(b.text)}
    if not set(words) <= seen:
        return False
    cover_words = words_of(cover)
    cut_short = len(words) < len(cover_words) and cover_words[: len(words)] == words
    return not cut_short


def _as_part_of_work(title: str, front: Sequence[Page], pages: Sequence[Page]) -> str:
    """A chapter issued as its own file is cited under the work its running header names."""
    labelled = any(_CHAPTER.match(clean(ln.text)) for p in front for ln in p.lines)
    work = _running_title(pages, title) if labelled else ""
    return f"{work}: {title}" if work else title


def _running_title(pages: Sequence[Page], title: str) -> str:
    """The most repeated header or footer naming something other than ``title``."""
    counts: Counter[str] = Counter()
    for page in pages:
        top, bottom = page.height * (1 - BAND), page.height * BAND
        band = [ln for ln in page.lines if ln.y >= top or ln.y <= bottom]
        counts.update({clean(ln.text) for ln in band})
    own = set(words_of(title))
    for text, count in counts.most_common(10):
        if count < _RUNNING_SHARE * len(pages) or count < 3:
            break
        # Numbers and numerals aside, a chapter's running head repeats its own title.
        letters = [w for w in words_of(text) if not w.isdigit() and not roman_to_int(w)]
        if len(letters) >= 3 and not _LABEL.match(text) and not set(letters) <= own:
            return text
    return ""
