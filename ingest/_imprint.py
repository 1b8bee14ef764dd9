"""Who issued a document and when: metadata fields, publisher, author and year.

The imprint page (copyright line, "Published in") gives the publisher and the year; a
byline on the first pages names the author when the metadata holds an account name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pypdf

from ingest._pdf import Page

_COPYRIGHT = re.compile(
    r"^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:(?P<y1>(?:19|20)\d\d),?\s+)?"
    r"(?P<org>[A-Za-z][\w .&'’-]*?[\w.])\s*,?\s*(?P<y2>(?:19|20)\d\d)?\.?$",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(
    r"\b(?:first\s+)?(?:published|publication date|printed)\b\D{0,25}?((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
BY_LINE = re.compile(r"^(?:prepared|written|edited|compiled)\s+by\s+(.+)$", re.IGNORECASE)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATE_LINE = re.compile(
    rf"^(?:(?:{_MONTHS})\s+)?((?:19|20)\d\d)$|,\s*((?:19|20)\d\d)$", re.IGNORECASE
)
ORG_WORDS = frozenset(
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


def read_metadata(reader: pypdf.PdfReader) -> Metadata:
    def field(key: str) -> str:
        try:
            info = reader.metadata
            value = info.get(key) if info is not None else None
        except (pypdf.errors.PdfReadError, KeyError, TypeError, ValueError):
            return ""
        return clean(str(value)) if value else ""

    return Metadata(field("/Title"), field("/Author"), field("/CreationDate"))


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def words_of(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.casefold().replace("’", "'").replace("'", ""))


def looks_like_org(text: str, publisher: str) -> bool:
    words = words_of(text)
    if not words:
        return False
    if publisher and words == words_of(publisher):
        return True
    if len(words) == 1 and text.strip().isupper() and len(text.strip()) <= 6:
        return True  # a lone acronym: a logo
    return len(words) <= 5 and words[-1] in ORG_WORDS


def publisher_of(imprint: Sequence[Page]) -> str:
    for page in imprint:
        for line in page.lines:
            match = _COPYRIGHT.match(clean(line.text))
            if match and (match["y1"] or match["y2"]):
                return match["org"].strip(" .,")
    return ""


def author_of(meta: Metadata, front: Sequence[Page], publisher: str) -> str:
    names = [n.strip() for n in re.split(r"[;\n]", meta.author) if n.strip()]
    front_words = {w for p in front for ln in p.lines for w in words_of(ln.text)}
    named = [n for n in names if _looks_like_name(n)]
    if named and all(set(words_of(n)) <= front_words for n in named):
        return "; ".join(named)
    by = _byline(front)
    if by:
        return by
    if named:
        return "; ".join(named)
    return publisher


def _looks_like_name(text: str) -> bool:
    words = words_of(text)
    if not words or any(w in _ACCOUNT_NAMES for w in words) or "@" in text or "\\" in text:
        return False
    if len(words) == 1:
        return text.isupper() and 2 <= len(text) <= 8  # an acronym (an organisation)
    return not any(ch.isdigit() for ch in text)


def _byline(front: Sequence[Page]) -> str:
    for page in front:
        for line in page.lines:
            match = BY_LINE.match(clean(line.text))
            if match and len(match[1].split()) <= 8:
                return match[1].strip(" .,")
    return ""


def year_of(meta: Metadata, imprint: Sequence[Page], front: Sequence[Page], body: float) -> str:
    created = re.search(r"(19|20)\d\d", meta.created)
    latest = int(created[0]) + 1 if created else 2100

    def plausible(found: str | None) -> str:
        return found if found and 1900 <= int(found) <= latest else ""

    texts = [clean(ln.text) for p in imprint for ln in p.lines]
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
            text = clean(line.text)
            match = DATE_LINE.search(text)
            if match and len(text.split()) <= 8 and line.size >= body:
                year = plausible(match[1] or match[2])
                if year:
                    return year
    return created[0] if created else ""
