"""Typed records that leave the ingest stage."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

ChunkKind = Literal[
    "recommendation",
    "box",
    "table",
    "footnote",
    "narrative",
    "further_resource",
    "glossary",
    "acronym",
    "front_matter",
]
CHUNK_KINDS: tuple[str, ...] = get_args(ChunkKind)
EntryKind = Literal["glossary", "acronym"]


@dataclass(frozen=True)
class GlossaryEntry:
    """A term the document defines (a glossary term or an acronym) and its definition.

    The entry's chunk quotes it as "term: definition"; code that needs the two halves reads
    them here (or from ``Chunk.entry()``) rather than splitting that text again.
    """

    term: str
    definition: str
    kind: EntryKind

    def text(self) -> str:
        """The entry as its chunk quotes it."""
        return f"{self.term}: {self.definition}"


def page_span(labels: tuple[str, ...], indexes: tuple[int, ...]) -> str:
    """'p. 45', 'pp. 45-46', or the PDF page when nothing is printed there."""
    printed = [label for label in labels if label]
    if not printed:
        first, last = indexes[0] + 1, indexes[-1] + 1
        return f"PDF p. {first}" if first == last else f"PDF pp. {first}-{last}"
    if printed[0] == printed[-1]:
        return f"p. {printed[0]}"
    return f"pp. {printed[0]}-{printed[-1]}"


@dataclass(frozen=True)
class Chapter:
    """A top-level division: a numbered chapter, or front/back matter (number None)."""

    number: int | None
    title: str
    start_index: int
    start_label: str
    end_index: int
    kind: Literal["front_matter", "chapter", "back_matter"] = "chapter"
    printed_number: str = ""
    """The number as printed ("IV" for chapter 4), or '' when unnumbered."""


@dataclass(frozen=True)
class Chunk:
    """One retrievable unit of a document, carrying everything needed to cite it."""

    id: str
    document_id: str
    document_title: str
    position: int
    chapter: int | None
    chapter_title: str
    section: str
    kind: ChunkKind
    rec_id: str | None
    page_labels: tuple[str, ...]
    page_indexes: tuple[int, ...]
    text: str
    term: str | None = None
    chapter_printed: str = ""
    """The chapter number as the document prints it ("IV"), or '' when it prints none."""
    unverified: tuple[str, ...] = ()
    """Sentences ingest could not find verbatim on the chunk's pages (text read out of
    order): kept for search, never quoted as the document's words."""

    def chapter_label(self) -> str:
        """'ch. IV' as printed (or 'ch. 4'), else the title of the unnumbered division."""
        if self.chapter is None:
            return self.chapter_title
        return f"ch. {self.chapter_printed or self.chapter}"

    def location(self) -> str:
        """Where the chunk sits: chapter, section, recommendation and printed page."""
        parts = [self.chapter_label()]
        if self.section and self.section != self.chapter_title:
            parts.append(self.section)
        if self.rec_id:
            parts.append(self.rec_id)
        parts.append(page_span(self.page_labels, self.page_indexes))
        return ", ".join(parts)

    def citation(self) -> str:
        """Brief-ready reference: document, chapter, section, printed page."""
        return f"{self.document_title}, {self.location()}."

    def entry(self) -> GlossaryEntry | None:
        """The glossary or acronym entry this chunk quotes, if it is one: its term is a
        field of the chunk, the definition the text after "term: "."""
        if self.kind not in ("glossary", "acronym") or not self.term:
            return None
        head = f"{self.term}: "
        if not self.text.startswith(head):
            return None
        kind: EntryKind = "acronym" if self.kind == "acronym" else "glossary"
        return GlossaryEntry(self.term, self.text[len(head) :], kind)

    def embedding_text(self) -> str:
        """Exactly what is embedded: the heading path gives short passages their topic."""
        heading = (
            self.chapter_title
            if self.section in ("", self.chapter_title)
            else (f"{self.chapter_title} - {self.section}")
        )
        return f"{heading}\n{self.text}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["page_labels"] = list(self.page_labels)
        data["page_indexes"] = list(self.page_indexes)
        data["unverified"] = list(self.unverified)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        values = dict(data)
        values["page_labels"] = tuple(values["page_labels"])
        values["page_indexes"] = tuple(values["page_indexes"])
        values["unverified"] = tuple(values.get("unverified", ()))
        return cls(**values)


@dataclass(frozen=True)
class Document:
    """A parsed PDF: identity, structure and the glossary/acronyms it defines."""

    id: str
    title: str
    source_name: str
    content_sha256: str
    n_pages: int
    page_labels: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    entries: tuple[GlossaryEntry, ...] = ()
    """The glossary terms and acronyms, in the order the document gives them."""
    author: str = ""
    year: str = ""
    skipped_pages: tuple[int, ...] = ()

    @property
    def acronyms(self) -> tuple[tuple[str, str], ...]:
        """(acronym, expansion) pairs: the form the index's manifest stores."""
        return tuple((e.term, e.definition) for e in self.entries if e.kind == "acronym")

    @property
    def glossary(self) -> tuple[tuple[str, str], ...]:
        """(term, definition) pairs: the form the index's manifest stores."""
        return tuple((e.term, e.definition) for e in self.entries if e.kind == "glossary")


@dataclass(frozen=True)
class OffPage:
    """A sentence of a chunk that is not verbatim on the pages the chunk names."""

    chunk_id: str
    position: int
    kind: str
    page_indexes: tuple[int, ...]
    sentence: str


@dataclass(frozen=True)
class VerbatimReport:
    """Ingest's own check that every stored sentence is on the pages its chunk names."""

    checked: int
    off_page: tuple[OffPage, ...]

    @property
    def ratio(self) -> float:
        """Share of checked sentences found on their pages (1.0 when none were checked)."""
        return 1.0 - len(self.off_page) / self.checked if self.checked else 1.0

    def summary(self) -> str:
        pages = sorted({p + 1 for o in self.off_page for p in o.page_indexes})
        chunks = sorted({o.position for o in self.off_page})
        return (
            f"{len(self.off_page)} of {self.checked} sentences are not verbatim on their pages "
            f"({100 * self.ratio:.1f}% are); chunks {_listed(chunks)}; PDF pages {_listed(pages)}"
        )


def _listed(values: Sequence[int], limit: int = 12) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


@dataclass(frozen=True)
class IngestResult:
    document: Document
    chunks: tuple[Chunk, ...]
    seconds: float
    warnings: tuple[str, ...] = field(default=())
    text_check: VerbatimReport = field(default=VerbatimReport(0, ()))

    def counts_by_kind(self) -> dict[str, int]:
        counts = dict.fromkeys(CHUNK_KINDS, 0)
        for chunk in self.chunks:
            counts[chunk.kind] += 1
        return counts


def chunk_id(content_sha256: str, position: int) -> str:
    """Stable ID: the same PDF bytes always give the same IDs, in order."""
    return hashlib.sha256(f"{content_sha256}:{position}".encode()).hexdigest()[:24]
