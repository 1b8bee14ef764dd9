"""A brief built answer by answer: one numbered reference list, each quote once.

``Brief`` is immutable: ``add`` returns a new brief (a chat keeps one per conversation).
``layout`` numbers the references in order of first use across the whole brief (one
number per document, section, recommendation and page), renumbers each answer's ``[n]``
markers to match (the renderers cite them in short form with the page, ``[3, p. 44]``),
shows a quote a second time only as a pointer to the first, and gives section and
chapter titles in sentence case. The Markdown and Word renderers read the layout only,
so both say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from assistant._lead import sentence_case
from assistant._query import STOPWORDS
from assistant._records import Answer, Citation
from ingest import page_span

LineKind = Literal["text", "heading", "quote", "repeat"]

_MARKER = re.compile(r"\[(\d{1,3})\]")
_TRAILING_MARKERS = re.compile(r"(?:\s*\[\d{1,3}\])+$")
_BOLD = re.compile(r"\*\*(.+)\*\*")
_CHAPTER_HEAD = re.compile(r"(Chapter \S+, )(.+)")
_WORD = re.compile(r"[^\W\d_][\w’'-]*")


@dataclass(frozen=True, kw_only=True)
class BriefEntry:
    """One answer in a brief, with the filters it was asked with."""

    question: str
    text: str
    covered: bool
    citations: tuple[Citation, ...]
    notices: tuple[str, ...] = ()
    chapters: tuple[int, ...] = ()
    recommendations_only: bool = False

    def filters(self) -> str:
        """'chapters 3, 7; recommendations only', or 'none'."""
        parts = []
        if self.chapters:
            label = "chapter" if len(self.chapters) == 1 else "chapters"
            parts.append(f"{label} {', '.join(str(c) for c in self.chapters)}")
        if self.recommendations_only:
            parts.append("recommendations only")
        return "; ".join(parts) or "none"


@dataclass(frozen=True, kw_only=True)
class BriefReference:
    """One numbered reference: its document (said once per document) and the place in it."""

    n: int
    document: str
    """'Author (year). Title.', or '' when the reference template names no title."""
    location: str
    """'ch. 11, Recommendations, R11.2, p. 44.' (the whole reference when ``document`` is '')."""
    page: str = ""
    """'p. 44' ('pp. 44-45', 'PDF p. 3'), or '' when the citation names no page."""


@dataclass(frozen=True)
class BodyLine:
    """A line of an answer's body: text (markers renumbered), a heading, or a quote."""

    kind: LineKind
    text: str
    refs: tuple[int, ...] = ()


@dataclass(frozen=True)
class BriefSection:
    question: str
    filters: str
    lines: tuple[BodyLine, ...]
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class BriefLayout:
    """What a rendered brief says, in order: its sections, then its references by document."""

    sections: tuple[BriefSection, ...]
    references: tuple[BriefReference, ...]

    def page(self, n: int) -> str:
        """The page of reference ``n`` ('p. 44'), for its short form '[3, p. 44]'."""
        return next((r.page for r in self.references if r.n == n), "")

    def by_document(self) -> list[tuple[str, list[BriefReference]]]:
        """The references grouped under their document, documents in order of first use."""
        groups: dict[str, list[BriefReference]] = {}
        for ref in self.references:
            groups.setdefault(ref.document, []).append(ref)
        return list(groups.items())


@dataclass(frozen=True)
class Brief:
    """The answers a user chose for a brief, in the order they were added."""

    entries: tuple[BriefEntry, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.entries)

    def questions(self) -> list[str]:
        return [e.question for e in self.entries]

    def add(
        self,
        answer: Answer,
        *,
        chapters: Sequence[int] = (),
        recommendations_only: bool = False,
        include_refusals: bool = False,
    ) -> Brief:
        """This brief with ``answer`` added; unchanged for a refusal (an answer not
        covered) unless ``include_refusals``, and for an answer it already holds."""
        if not answer.covered and not include_refusals:
            return self
        entry = BriefEntry(
            question=answer.question,
            text=answer.text,
            covered=answer.covered,
            citations=answer.citations,
            notices=answer.notices,
            chapters=tuple(sorted({int(c) for c in chapters})),
            recommendations_only=recommendations_only,
        )
        if entry in self.entries:
            return self
        return replace(self, entries=(*self.entries, entry))

    def layout(self) -> BriefLayout:
        return _Numbering(self.entries).layout(self.entries)


def answer_from_json(data: Mapping[str, Any]) -> Answer:
    """An ``Answer`` back from ``Answer.to_json`` (as a chat keeps its turns); sources dropped."""
    citations = tuple(
        Citation(
            n=int(c["n"]),
            chunk_id=str(c.get("chunk_id", "")),
            document=str(c.get("document", "")),
            chapter=None if c.get("chapter") is None else int(c["chapter"]),
            chapter_title=str(c.get("chapter_title", "")),
            section=str(c.get("section", "")),
            kind=str(c.get("kind", "")),
            rec_id=c.get("rec_id") or None,
            page_labels=tuple(str(p) for p in c.get("page_labels") or ()),
            page_indexes=tuple(int(p) for p in c.get("page_indexes") or ()),
            quote=str(c.get("quote", "")),
            reference=str(c.get("reference", "")),
            document_id=str(c.get("document_id", "")),
        )
        for c in data.get("citations") or ()
    )
    return Answer(
        question=str(data["question"]),
        text=str(data["answer"]),
        covered=bool(data.get("covered", True)),
        citations=citations,
        sources=(),
        search_query=str(data.get("search_query", "")),
        notices=tuple(str(n) for n in data.get("notices") or ()),
    )


def _lowercase_words(entries: Sequence[BriefEntry]) -> frozenset[str]:
    """Words the brief writes in lower case somewhere (and function words, which a title in
    capitals may be the only place to find): sentence case lowers only these."""
    texts = [e.text for e in entries] + [c.quote for e in entries for c in e.citations]
    return STOPWORDS | {w for t in texts for w in _WORD.findall(t) if w.islower()}


def _acronyms(entries: Sequence[BriefEntry]) -> dict[str, str]:
    """Words the quotes write with several capitals ('IOM', 'SMPs'), by their upper case."""
    quotes = [c.quote for e in entries for c in e.citations] + [e.question for e in entries]
    found: dict[str, str] = {}
    for word in (w for q in quotes for w in _WORD.findall(q)):
        if sum(ch.isupper() for ch in word) >= 2:
            found.setdefault(word.upper(), word)
    return found


def _page(citation: Citation) -> str:
    """'p. 44' for the citation's printed pages; '' when it has none."""
    if not citation.page_indexes and not any(citation.page_labels):
        return ""
    return page_span(citation.page_labels, citation.page_indexes or (0,))


class _Numbering:
    """Numbers references in order of first use and lays out each answer's body."""

    def __init__(self, entries: Sequence[BriefEntry]) -> None:
        self.lowercase = _lowercase_words(entries)
        self.acronyms = _acronyms(entries)
        self.numbers: dict[tuple[str, str], int] = {}
        self.references: list[BriefReference] = []
        self.quoted: set[str] = set()

    def layout(self, entries: Sequence[BriefEntry]) -> BriefLayout:
        sections = tuple(self._section(e) for e in entries)
        return BriefLayout(sections, tuple(self.references))

    def _section(self, entry: BriefEntry) -> BriefSection:
        by_n = {c.n: c for c in entry.citations}
        lines = [self._line(raw, by_n) for raw in entry.text.split("\n") if raw.strip()]
        for citation in entry.citations:  # cited but never marked in the text (an LLM's)
            self._number(citation)
        return BriefSection(entry.question, entry.filters(), tuple(lines), entry.notices)

    def _line(self, raw: str, by_n: Mapping[int, Citation]) -> BodyLine:
        raw = raw.strip()
        if bold := _BOLD.fullmatch(raw):
            return BodyLine("heading", self._heading(bold.group(1)))
        if raw.startswith(("- ", "* ")):
            quote = _TRAILING_MARKERS.sub("", raw[2:]).strip()
            found = (self._renumbered(int(n), by_n) for n in _MARKER.findall(raw[2:]))
            refs = tuple(n for n in found if n is not None)
            if quote in self.quoted:
                return BodyLine("repeat", quote, refs)
            self.quoted.add(quote)
            return BodyLine("quote", quote, refs)
        text = _MARKER.sub(lambda m: self._marker(int(m[1]), by_n), raw)
        return BodyLine("text", self._unshouted(text))

    def _heading(self, text: str) -> str:
        head = _CHAPTER_HEAD.fullmatch(text)
        if head is None:
            return self._titled(text)
        return head.group(1) + self._titled(head.group(2))

    def _titled(self, title: str) -> str:
        """A title in sentence case (a title set in capitals or in title case)."""
        if not title:
            return title
        cased = sentence_case(self._unshouted(title), self.lowercase)
        return cased[:1].upper() + cased[1:]

    def _unshouted(self, text: str) -> str:
        """Words set in capitals in lower case, unless they are acronyms: written so in the
        quotes, or short (IOM, ILO) and not a function word."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            if len(word) < 2 or not word.isupper():
                return word
            if word in self.acronyms:
                return self.acronyms[word]
            short = len(word) <= 4 and word.lower() not in STOPWORDS
            return word if short else word.lower()

        return _WORD.sub(fix, text)

    def _marker(self, n: int, by_n: Mapping[int, Citation]) -> str:
        number = self._renumbered(n, by_n)
        return "" if number is None else f"[{number}]"

    def _renumbered(self, n: int, by_n: Mapping[int, Citation]) -> int | None:
        """The brief's number for the answer's ``[n]``; None for a marker without a
        citation, which would point at another answer's reference."""
        citation = by_n.get(n)
        return self._number(citation) if citation is not None else None

    def _number(self, citation: Citation) -> int:
        key = (citation.document_id or citation.document, citation.reference)
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            document, location = self._split(citation)
            self.references.append(
                BriefReference(
                    n=self.numbers[key],
                    document=document,
                    location=location,
                    page=_page(citation),
                )
            )
        return self.numbers[key]

    def _split(self, citation: Citation) -> tuple[str, str]:
        """('Author (year). Title.', 'ch. 11, Section, p. 44.') from the full reference."""
        reference, title = citation.reference, citation.document
        at = reference.find(title) if title else -1
        document, location = "", reference
        if at >= 0 and reference[at + len(title) :].strip(" ,."):
            document = reference[: at + len(title)].rstrip(" ,.") + "."
            location = reference[at + len(title) :].lstrip(" ,.")
        for name in (citation.section, citation.chapter_title):
            if name and name != title:
                location = location.replace(name, self._titled(name))
        return document, location
