"""Quote quality: passages a practitioner should never paste as the guidance's words.

``quote_flags`` names what is wrong with a quote, or nothing. The engine skips a flagged
quote (trying the chunk's next best sentence first) and the evals report the share of
flagged citations, so both apply one rule. The rules read the quote's own form and the
kind ingest gave its chunk; none knows a document.

- ``labels``: figure labels, table rows or headings run together as prose: most words
  capitalised or numeric, few of the small words running text is made of.
- ``contents``: a contents or index line (dot leaders, a title ending in a page number).
- ``heading``: a title or running header alone, with no sentence to it.
- ``bibliography``: a reference-list entry, unless the question asks for reading.
- ``meta``: text about the document itself ("This chapter starts with ...").
- ``cells``: a table's cells inside prose: the cell separator ingest writes for tables, or
  figures run into a word ("organization5551 38 | 50").
"""

from __future__ import annotations

import re

_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "these",
        "this",
        "those",
        "to",
        "was",
        "were",
        "which",
        "will",
        "with",
        "should",
        "must",
        "can",
        "may",
        "not",
    ]
)
_WORD = re.compile(r"[^\W_][\w'’./-]*")
_CELL_SEPARATOR = " | "
"""How ingest joins a table row's cells: in prose, a table row read as text."""
_GLUED_FIGURES = re.compile(r"[a-z]{2}\d{3,}(?![\w-])")
"""Three or more digits glued to a word, in prose or a table cell: cells run together (a
footnote call has at most two digits; a code such as "ISO27001" is written in capitals)."""
_LEADERS = re.compile(r"(?:\.\s?){4,}|…{2,}|\.{2,}\s*\d+\s*$")
_ENDS_IN_PAGE = re.compile(r"^[A-Z][^.!?]{3,120}\s+\d{1,3}$")
_CITATION_FORMS = (
    re.compile(r"\(\s*(?:19|20)\d\d[a-z]?\s*\)|\b(?:19|20)\d\d[a-z]?\)\."),  # (2023)
    re.compile(r"https?://|\bdoi\b|\bRetrieved\b", re.IGNORECASE),  # where to find it
    re.compile(r"\bVol\.\s*\d|\bpp\.\s*\d|\bNo\.\s*\d"),  # volume, pages, number
)
"""The parts of a reference entry: two different ones make an entry (a sentence may quote
an address, or a year in brackets, but seldom both)."""
_AUTHOR_INITIALS = re.compile(r"^[A-Z][\w’'-]+,\s+(?:[A-Z]\.\s?){1,3}")
_SELF = re.compile(
    r"\b(?:this|the present|the following|each) (?:chapter|section|part|report|publication|"
    r"guide|guidance|document|module|paper|brief|review|annex|handbook|toolkit)s?\b",
    re.IGNORECASE,
)
_ABOUT_ITSELF = re.compile(
    r"\b(?:starts?|begins?|opens?|closes?|ends?|is (?:structured|organi[sz]ed|divided)|"
    r"consists? of|is intended|is meant|aims? to|sets? out|outlines?|summari[sz]es|"
    r"presents?|introduces?|describes?|provides? an overview|cross-references?|"
    r"is (?:kept|written)|refers? to|can be read)\b",
    re.IGNORECASE,
)
_OWN_LAYOUT = re.compile(
    r"\bcross-references?\b"
    r"|\b(?:starts?|begins?|opens?) with\b.*\b(?:closes?|ends?|concludes?) with\b"
    r"|\b(?:is|are) (?:structured|organi[sz]ed) (?:as follows|in \w+ (?:parts|chapters|sections))",
    re.IGNORECASE,
)
"""How the document is put together, whatever names it ("It starts with ... and closes
with ...")."""
_READING = re.compile(
    r"\b(?:read(?:ing)?|resources?|literature|references?|sources?|bibliography|"
    r"publications?|studies|tools?|toolkits?|templates?|courses?|handbooks?|manuals?|"
    r"further|more information|learn more|where can (?:i|we) find)\b",
    re.IGNORECASE,
)
_LABEL_SHARE = 0.55
_FUNCTION_SHARE = 0.12


def quote_flags(quote: str, *, kind: str, question: str = "") -> tuple[str, ...]:
    """What is wrong with quoting ``quote`` (from a chunk of ``kind``) as an answer."""
    text = " ".join(quote.split())
    if not text:
        return ("empty",)
    flags: list[str] = []
    # A reference entry is mostly a title: asked for reading, that is what is wanted.
    listing = kind == "table" or (kind == "further_resource" and asks_for_reading(question))
    if not listing and _reads_as_labels(text):
        flags.append("labels")
    if _LEADERS.search(text) or _ENDS_IN_PAGE.match(text):
        flags.append("contents")
    if kind not in ("table", "glossary", "acronym") and _is_heading(text):
        flags.append("heading")
    if _is_reference_entry(text, kind) and not asks_for_reading(question):
        flags.append("bibliography")
    if _about_itself(text):
        flags.append("meta")
    if (kind != "table" and _CELL_SEPARATOR in text) or _GLUED_FIGURES.search(text):
        flags.append("cells")
    return tuple(flags)


def asks_for_reading(question: str) -> bool:
    """Whether the question asks for reading, tools or courses rather than guidance."""
    return bool(_READING.search(question))


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _reads_as_labels(text: str) -> bool:
    words = _words(text)
    if len(words) < 6:
        return False
    # The first word and the word after a full stop are capitalised in any prose.
    inner = [w for i, w in enumerate(words) if i and not words[i - 1].endswith((".", ":"))]
    if not inner:
        return False
    shouting = sum(w[0].isupper() or w[0].isdigit() for w in inner) / len(inner)
    small = sum(w.lower() in _FUNCTION_WORDS for w in words) / len(words)
    if small < _FUNCTION_SHARE or (shouting >= _LABEL_SHARE and small < 2 * _FUNCTION_SHARE):
        return True
    # Labels read in drawing order are no sentence: nothing ends them.
    return shouting >= 0.4 and not re.search(r"[.!?:;)\]”\"]$", text)


def _is_heading(text: str) -> bool:
    words = _words(text)
    letters = [ch for ch in text if ch.isalpha()]
    if len(words) <= 20 and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters):
        return True  # set in capitals: a title, whatever ends it
    return len(words) <= 12 and not re.search(r"[.!?:;)\]”\"]$", text)


def _is_reference_entry(text: str, kind: str) -> bool:
    if kind == "further_resource":
        return True
    marks = sum(bool(form.search(text)) for form in _CITATION_FORMS)
    return marks >= 2 or (marks >= 1 and bool(_AUTHOR_INITIALS.match(text)))


def _about_itself(text: str) -> bool:
    first = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]
    if len(text) >= 400:
        return False
    if _SELF.search(first) and _ABOUT_ITSELF.search(first):
        return True
    return bool(_OWN_LAYOUT.search(first))
