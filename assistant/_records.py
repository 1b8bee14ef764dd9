"""Records the assistant returns: answers with numbered, brief-ready citations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Located:
    """Where a passage is and the words taken from it: shared by citations and sources."""

    chunk_id: str
    document: str
    chapter: int | None
    chapter_title: str
    section: str
    kind: str
    rec_id: str | None
    page_labels: tuple[str, ...]
    page_indexes: tuple[int, ...]
    quote: str
    reference: str
    document_id: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["page_labels"] = list(self.page_labels)
        data["page_indexes"] = list(self.page_indexes)
        return data


@dataclass(frozen=True, kw_only=True)
class Citation(Located):
    """One numbered source of an answer: where it is, and the words quoted from it."""

    n: int


@dataclass(frozen=True, kw_only=True)
class Source(Located):
    """A retrieved passage, ranked, with its fused score and cosine similarity."""

    rank: int
    score: float
    similarity: float | None


@dataclass(frozen=True)
class FollowUp:
    """What the previous answer was about: a follow-up searches there too."""

    chapters: frozenset[int] = frozenset()
    rec_ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, citations: Sequence[Located] | Sequence[dict[str, Any]]) -> FollowUp:
        """From an answer's citations (records, or their JSON as a chat keeps them)."""
        rows = [c.to_json() if isinstance(c, Located) else c for c in citations]
        return cls(
            frozenset(int(r["chapter"]) for r in rows if r.get("chapter") is not None),
            frozenset(str(r["rec_id"]) for r in rows if r.get("rec_id")),
        )


@dataclass(frozen=True)
class Answer:
    """What the assistant says, whether the publication covers it, and its evidence."""

    question: str
    text: str
    covered: bool
    citations: tuple[Citation, ...]
    sources: tuple[Source, ...]
    search_query: str = ""
    notices: tuple[str, ...] = field(default=())
    """Things the user should know: an LLM fallback, stripped citations..."""

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "covered": self.covered,
            "answer": self.text,
            "citations": [c.to_json() for c in self.citations],
            "sources": [s.to_json() for s in self.sources],
            "search_query": self.search_query,
            "notices": list(self.notices),
        }
