"""GuideIndex: one object for callers, composing a Library (storage) and a Retriever."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from index._embedder import Embedder
from index._library import Library, ProgressFn
from index._manifest import DocumentEntry, Manifest
from index._records import AddReport, DocumentInfo, Hit, IndexStatus
from index._retriever import Retriever
from index.settings import IndexConfig
from ingest import Chunk, IngestResult


class GuideIndex:
    """One library of ingested documents and its search. Create with ``open_index``."""

    def __init__(self, *, settings: IndexConfig) -> None:
        self.library = Library(settings=settings)
        self.retriever = Retriever(self.library)

    # ----------------------------------------------------------------- reading
    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        chapters: Sequence[int] | None = None,
        kinds: Sequence[str] | None = None,
        documents: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The best chunks for a query (see ``Retriever.search``)."""
        return self.retriever.search(
            query, k=k, chapters=chapters, kinds=kinds, documents=documents
        )

    def expanded_query(self, query: str, *, glossary: bool = True) -> str:
        return self.retriever.expanded_query(query, glossary=glossary)

    def word_support(self, query: str, chunks: Sequence[Chunk]) -> list[float]:
        return self.retriever.word_support(query, chunks)

    def vocabulary(self) -> frozenset[str]:
        return self.retriever.vocabulary()

    def chunks(self) -> list[Chunk]:
        """The published documents' chunks, as of now, in document order."""
        chunks = self.library.published().chunks.values()
        return sorted(chunks, key=lambda c: (c.document_id, c.position))

    def chapter_numbers(self) -> frozenset[int]:
        """The chapter numbers of the published documents, as of now (a filter's domain)."""
        chunks = self.library.published().chunks.values()
        return frozenset(c.chapter for c in chunks if c.chapter is not None)

    def status(self) -> IndexStatus:
        return self.library.status()

    def manifest(self) -> Manifest:
        return self.library.manifest()

    def pdf_path(self, document_id: str) -> Path | None:
        return self.library.pdf_path(document_id)

    def embedder(self) -> Embedder:
        return self.library.embedder()

    # ----------------------------------------------------------------- writing
    def add(
        self, result: IngestResult, *, pdf: Path | None = None, progress: ProgressFn | None = None
    ) -> AddReport:
        return self.library.add(result, pdf=pdf, progress=progress)

    def add_stored(
        self, entry: DocumentEntry, chunks: Sequence[Chunk], *, progress: ProgressFn | None = None
    ) -> AddReport:
        return self.library.add_stored(entry, chunks, progress=progress)

    def remove(self, ref: str) -> DocumentInfo:
        return self.library.remove(ref)


def open_index(*, settings: IndexConfig) -> GuideIndex:
    return GuideIndex(settings=settings)
