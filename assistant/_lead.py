"""The lead line of an answer: which passage answers most directly, and where it is.

Built only from the quoted passages' places (chapter, section, recommendation ID,
printed page), so it cannot misstate the guidance. Titles set in capitals or title case
are given in sentence case; a word keeps its capitals when the documents never write it
in lower case (a name, an acronym).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from ingest import Chunk, page_span

_TOKEN = re.compile(r"[^\W\d_][\w’'-]*")
_LOWER = re.compile(r"\b[a-z][a-z’'-]*\b")
_CAPITALS = re.compile(r"\b[A-Z][A-Z]+\b")
_NAME = re.compile(r"(?<=\b[a-z][a-z]) (?:the )?([A-Z][a-z]+)\b")
_ACRONYM_MAX = 5
"""Letters of the longest word set in capitals kept as an acronym when running text never
uses it (UNODC); a longer one seen in capitals only in headings is a shouted word."""


def title_lowercase(chunks: Sequence[Chunk]) -> frozenset[str]:
    """The words ``sentence_case`` writes in lower case: those the documents write so
    somewhere, and longer words set in capitals only in headings and contents lines (an
    acronym is also written alone in running text, or short; a name keeps its capitals,
    as lowering "MANUBA" would be worse than leaving it)."""
    lowercase: set[str] = set()
    in_text: set[str] = set()
    names: set[str] = set()  # capitalised after a lower-case word
    in_titles: set[str] = set()
    for chunk in chunks:
        lowercase.update(_LOWER.findall(chunk.text))
        in_text.update(_acronyms_in(chunk.text))
        names.update(w.upper() for w in _NAME.findall(chunk.text))
        in_titles.update(_CAPITALS.findall(f"{chunk.chapter_title} {chunk.section or ''}"))
    shouted = {w.lower() for w in in_titles - in_text - names if len(w) > _ACRONYM_MAX}
    return frozenset(lowercase | shouted)


def _acronyms_in(text: str) -> set[str]:
    """Words set in capitals alone or in pairs ("IOM", "UN DESA") within running lines; a
    longer run ("HOW TO ACHIEVE COST REDUCTION", a heading in a contents line) is shouted."""
    found: set[str] = set()
    for line in text.splitlines():
        if not _LOWER.search(line):
            continue
        run: list[str] = []
        for word in [*_TOKEN.findall(line), ""]:
            if len(word) > 1 and word.isupper():
                run.append(word)
                continue
            if len(run) <= 2:
                found.update(run)
            run = []
    return found


def sentence_case(title: str, lowercase: Collection[str]) -> str:
    """``title`` in sentence case; ``lowercase`` holds the words the documents write in
    lower case somewhere."""
    title = " ".join(title.split())
    first = True

    def fix(match: re.Match[str]) -> str:
        nonlocal first
        word = match.group(0)
        was_first, first = first, False
        plain = word.lower()
        if was_first:
            return word if _keeps_case(word, lowercase) else plain[:1].upper() + plain[1:]
        return plain if not _keeps_case(word, lowercase) else word

    return _TOKEN.sub(fix, title)


def _keeps_case(word: str, lowercase: Collection[str]) -> bool:
    if word.islower():
        return True
    if any(ch.isupper() for ch in word[1:]) and not word.isupper():
        return True  # "SMPs", "CoO": an acronym with its own casing
    return word.lower() not in lowercase


def place_of(chunk: Chunk, lowercase: Collection[str]) -> str:
    """'Chapter 11, How to achieve cost reduction and sharing' or the division's title."""
    title = sentence_case(chunk.chapter_title, lowercase)
    if chunk.chapter is None:
        return title
    return f"Chapter {chunk.chapter_printed or chunk.chapter}, {title}"


def lead_for(first: Chunk, others: list[Chunk], lowercase: Collection[str]) -> str:
    """One sentence naming the passage that answers most directly (the first quoted)."""
    pages = page_span(first.page_labels, first.page_indexes)
    if first.rec_id:
        unit = f"{first.rec_id} ({pages})"
    elif first.section and first.section != first.chapter_title:
        unit = f"the section {sentence_case(first.section, lowercase)} ({pages})"
    else:
        unit = f"the passage on {pages}"
    lead = f"{place_of(first, lowercase)}: {unit} answers this most directly."
    elsewhere = []
    for chunk in others:
        place = place_of(chunk, lowercase)
        if place != place_of(first, lowercase) and place not in elsewhere:
            elsewhere.append(place)
    if elsewhere:
        lead += " See also " + "; ".join(elsewhere) + "."
    return lead
