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

import pypdf

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
_RUNNING_SHARE = 0.25
"""A running title names the work on at least this share of pages (one side of a spread)."""

_FILE_NAME = re.compile(
    r"\.(indd|vp|docx?|qxd|qxp|pdf|pm\d|p65|fm|rtf|odt|tex|pages)$", re.IGNORECASE
)
_LABEL = re.compile(
    r"^(chapter|part|module|section|volume|annex|appendix)\s+\w{1,4}$", re.IGNORECASE
)
_CHAPTER = re.compile(r"^(chapter|part)\s+(\d{1,3}|[ivxlc]{1,6})$", re.IGNORECASE)
_COPYRIGHT = re.compile(
    r"^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:(?P<y1>(?:19|20)\d\d),?\s+)?"
    r"(?P<org>[A-Za-z][\w .&'’-]*?[\w.])\s*,?\s*(?P<y2>(?:19|20)\d\d)?\.?$",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(
    r"\b(?:first\s+)?(?:published|publication date|printed)\b\D{0,25}?((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_BY = re.compile(r"^(?:prepared|written|edited|compiled)\s+by\s+(.+)$", re.IGNORECASE)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE_LINE = re.compile(
    rf"^(?:(?:{_MONTHS})\s+)?((?:19|20)\d\d)$|,\s*((?:19|20)\d\d)$", re.IGNORECASE
)
_ORG_WORDS = frozenset(
    [
        "nations",
        "organization",
        "organisation",
        "bank",
        "office",
        "institute",
        "agency",
        "department",
        "ministry",
        "commission",
        "council",
        "unit",
        "programme",
        "program",
        "fund",
        "union",
        "university",
        "publishing",
        "association",
        "foundation",
        "secretariat",
        "centre",
        "center",
        "bureau",
        "group",
        "government",
    ]
)
_ACCOUNT_NAMES = frozenset(
    [
        "administrator",
        "admin",
        "user",
        "owner",
        "author",
        "unknown",
        "guest",
        "default",
        "windows",
        "microsoft",
    ]
)


@dataclass(frozen=True)
class Metadata:
    """The document information dictionary's fields that name the document."""

    title: str = ""
    author: str = ""
    created: str = ""


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


def read_metadata(reader: pypdf.PdfReader) -> Metadata:
    def field(key: str) -> str:
        try:
            info = reader.metadata
            value = info.get(key) if info is not None else None
        except (pypdf.errors.PdfReadError, KeyError, TypeError, ValueError):
            return ""
        return _clean(str(value)) if value else ""

    return Metadata(field("/Title"), field("/Author"), field("/CreationDate"))


def cover_facts(meta: Metadata, pages: Sequence[Page], *, body_size: float) -> CoverFacts:
    """Title, author and year of the document, each from the best evidence found.

    ``pages`` are all pages as read, running headers included: a chapter issued as
    its own file names its work there.
    """
    front = [p for p in pages if p.lines][:_FRONT_PAGES]
    imprint = [p for p in pages if p.lines][:_IMPRINT_PAGES]
    blocks = [b for page in front for b in _blocks(page, body_size)]
    publisher = _publisher(imprint)
    return CoverFacts(
        title=_title(meta, blocks, front, pages, publisher) or "Untitled document",
        author=_author(meta, front, publisher),
        year=_year(meta, imprint, front, body_size),
    )


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.casefold().replace("’", "'").replace("'", ""))


def _blocks(page: Page, body: float) -> list[_Block]:
    display = sorted(
        (
            ln
            for ln in without_layer_copies(list(page.lines))
            if ln.size >= body * _DISPLAY and _words(ln.text)
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
        _Block(_joined(g), max(ln.size for ln in g), page.index)
        for g in groups
        if not _is_furniture_text(_joined(g))
    ]


def _joined(lines: Sequence[Line]) -> str:
    text = ""
    for line in lines:
        part = _clean(line.text)
        if re.search(r"[a-z]-$", text) and part[:1].islower():
            text = text[:-1] + part  # a word hyphenated across the wrap
        else:
            text = f"{text} {part}" if text else part
    return text


def _is_furniture_text(text: str) -> bool:
    """Page numbers, dates, job numbers, part labels: never a title."""
    letters = [w for w in _words(text) if not w.isdigit()]
    if len(letters) == 0 or _LABEL.match(text.strip()):
        return True
    return bool(_DATE_LINE.search(text.strip())) and len(letters) <= 2


def _is_file_name(text: str) -> bool:
    bare = text.strip()
    return bool(_FILE_NAME.search(bare)) or ("_" in bare) or (" " not in bare and len(bare) > 12)


def _looks_like_org(text: str, publisher: str) -> bool:
    words = _words(text)
    if not words:
        return False
    if publisher and words == _words(publisher):
        return True
    if len(words) == 1 and text.strip().isupper() and len(text.strip()) <= 6:
        return True  # a lone acronym: a logo
    return len(words) <= 5 and words[-1] in _ORG_WORDS


def _title(
    meta: Metadata,
    blocks: Sequence[_Block],
    front: Sequence[Page],
    pages: Sequence[Page],
    publisher: str,
) -> str:
    cover = _cover_title(blocks, publisher)
    if _metadata_title_holds(meta.title, cover, blocks, front, publisher):
        return _as_part_of_work(meta.title, front, pages)
    if not cover:
        return ""
    return _as_part_of_work(_in_running_case(cover, pages[:_IMPRINT_PAGES]), front, pages)


def _in_running_case(title: str, pages: Sequence[Page]) -> str:
    """An all-capitals cover title as the front matter writes it in running text.

    Capitals are a typographic choice; the same words set in mixed case elsewhere
    (a back-cover blurb, a catalogue entry) keep the acronyms a blind conversion loses.
    """
    if not title.isupper():
        return title
    target = _words(title)
    for page in pages:
        lines = list(page.lines)
        for start in range(len(lines)):
            if not _words(lines[start].text) or _words(lines[start].text)[0] != target[0]:
                continue
            for stop in range(start + 1, min(start + 5, len(lines)) + 1):
                text = _joined(lines[start:stop])
                if _words(text) == target and not text.isupper():
                    return text
    return title


def _cover_title(blocks: Sequence[_Block], publisher: str) -> str:
    candidates = [b for b in blocks if not _looks_like_org(b.text, publisher)]
    if not candidates:
        return ""
    # The first page with display type is the cover: a later page's big heading
    # ("Foreword") must not outrank it.
    cover = min(b.page for b in candidates)
    best = max((b for b in candidates if b.page == cover), key=lambda b: (b.size, len(b.text)))
    # A title set in mixed sizes breaks into fragments on the cover; the title page
    # usually sets the whole of it in one style, and that fuller block names it.
    words = set(_words(best.text))
    fuller = [
        b
        for b in candidates
        if b is not best and words < set(_words(b.text)) and len(_words(b.text)) <= 30
    ]
    return max(fuller, key=lambda b: b.size).text if fuller else best.text


def _metadata_title_holds(
    title: str, cover: str, blocks: Sequence[_Block], front: Sequence[Page], publisher: str
) -> bool:
    words = _words(title)
    if len(title) <= 3 or not words or _is_file_name(title):
        return False
    if title.lower().startswith(("microsoft", "untitled")) or _looks_like_org(title, publisher):
        return False
    if not blocks:
        # No display type to check against: any text of the first pages will do.
        seen = {w for p in front for ln in p.lines for w in _words(ln.text)}
        return set(words) <= seen
    seen = {w for b in blocks for w in _words(b.text)}
    if not set(words) <= seen:
        return False
    cover_words = _words(cover)
    cut_short = len(words) < len(cover_words) and cover_words[: len(words)] == words
    return not cut_short


def _as_part_of_work(title: str, front: Sequence[Page], pages: Sequence[Page]) -> str:
    """A chapter issued as its own file is cited under the work its running header names."""
    labelled = any(_CHAPTER.match(_clean(ln.text)) for p in front for ln in p.lines)
    work = _running_title(pages, title) if labelled else ""
    return f"{work}: {title}" if work else title


def _running_title(pages: Sequence[Page], title: str) -> str:
    """The most repeated header or footer naming something other than ``title``."""
    counts: Counter[str] = Counter()
    for page in pages:
        top, bottom = page.height * (1 - BAND), page.height * BAND
        band = [ln for ln in page.lines if ln.y >= top or ln.y <= bottom]
        counts.update({_clean(ln.text) for ln in band})
    own = set(_words(title))
    for text, count in counts.most_common(10):
        if count < _RUNNING_SHARE * len(pages) or count < 3:
            break
        # Numbers and numerals aside, a chapter's running head repeats its own title.
        letters = [w for w in _words(text) if not w.isdigit() and not roman_to_int(w)]
        if len(letters) >= 3 and not _LABEL.match(text) and not set(letters) <= own:
            return text
    return ""


def _publisher(imprint: Sequence[Page]) -> str:
    for page in imprint:
        for line in page.lines:
            match = _COPYRIGHT.match(_clean(line.text))
            if match and (match["y1"] or match["y2"]):
                return match["org"].strip(" .,")
    return ""


def _author(meta: Metadata, front: Sequence[Page], publisher: str) -> str:
    names = [n.strip() for n in re.split(r"[;\n]", meta.author) if n.strip()]
    front_words = {w for p in front for ln in p.lines for w in _words(ln.text)}
    named = [n for n in names if _looks_like_name(n)]
    if named and all(set(_words(n)) <= front_words for n in named):
        return "; ".join(named)
    by = _byline(front)
    if by:
        return by
    if named:
        return "; ".join(named)
    return publisher


def _looks_like_name(text: str) -> bool:
    words = _words(text)
    if not words or any(w in _ACCOUNT_NAMES for w in words) or "@" in text or "\\" in text:
        return False
    if len(words) == 1:
        return text.isupper() and 2 <= len(text) <= 8  # an acronym (an organisation)
    return not any(ch.isdigit() for ch in text)


def _byline(front: Sequence[Page]) -> str:
    for page in front:
        for line in page.lines:
            match = _BY.match(_clean(line.text))
            if match and len(match[1].split()) <= 8:
                return match[1].strip(" .,")
    return ""


def _year(meta: Metadata, imprint: Sequence[Page], front: Sequence[Page], body: float) -> str:
    created = re.search(r"(19|20)\d\d", meta.created)
    latest = int(created[0]) + 1 if created else 2100

    def plausible(found: str | None) -> str:
        return found if found and 1900 <= int(found) <= latest else ""

    texts = [_clean(ln.text) for p in imprint for ln in p.lines]
    for text in texts:
        match = _COPYRIGHT.match(text)
        year = plausible(match and (match["y1"] or match["y2"]))
        if year:
            return year
    for text in texts:
        match = _PUBLISHED.search(text)
        year = plausible(match[1] if match else None)
        if year:
            return year
    for page in front:
        for line in page.lines:
            text = _clean(line.text)
            match = _DATE_LINE.search(text)
            if match and len(text.split()) <= 8 and line.size >= body:
                year = plausible(match[1] or match[2])
                if year:
                    return year
    return created[0] if created else ""
