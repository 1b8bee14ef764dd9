"""The index manifest: which document versions are live, and which model built them.

It is stored in the Chroma collection's own metadata, so swapping it is one atomic
write that every client (embedded or over HTTP) sees at once, and a copy is kept
beside the local chunk store so ``index rebuild`` works even when Chroma is lost.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from index.errors import IndexCorruptError
from ingest import Document

FORMAT = 1
MANIFEST_KEY = "smp_guide_manifest"


class DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    """The source file name: a new version of the same file replaces the old one."""
    id: str
    title: str
    source_name: str
    content_sha256: str
    n_pages: int
    chunks: int
    ingested_at: str
    author: str = ""
    year: str = ""
    acronyms: list[tuple[str, str]] = []
    glossary: list[tuple[str, str]] = []

    @classmethod
    def of(cls, document: Document, *, chunks: int) -> DocumentEntry:
        return cls(
            key=document.source_name,
            id=document.id,
            title=document.title,
            source_name=document.source_name,
            content_sha256=document.content_sha256,
            n_pages=document.n_pages,
            chunks=chunks,
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            author=document.author,
            year=document.year,
            acronyms=[tuple(a) for a in document.acronyms],
            glossary=[tuple(g) for g in document.glossary],
        )


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = FORMAT
    model: str
    model_version: str
    dimension: int
    generation: int = 0
    documents: dict[str, DocumentEntry] = {}

    def active_shas(self) -> list[str]:
        return [d.content_sha256 for d in self.documents.values()]

    def find(self, ref: str) -> DocumentEntry | None:
        """A document by file name, document ID or title (case-insensitive)."""
        for entry in self.documents.values():
            if ref in (entry.key, entry.id) or ref.casefold() == entry.title.casefold():
                return entry
        return None

    def with_entry(self, key: str, entry: DocumentEntry | None) -> Manifest:
        """The next generation, with ``entry`` under ``key`` (None removes the document)."""
        documents = {k: v for k, v in self.documents.items() if k != key}
        if entry is not None:
            documents = {**self.documents, key: entry}
        return self.model_copy(update={"documents": documents, "generation": self.generation + 1})

    def differs_from(self, current: Manifest | None) -> bool:
        """Whether this manifest publishes something other than ``current`` does."""
        return (
            current is None
            or self.generation != current.generation
            or self.active_shas() != current.active_shas()
        )

    def to_json(self) -> str:
        return self.model_dump_json()

    def digest(self) -> str:
        """A hash of what this manifest says: two copies agree when their digests do."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, text: str, *, where: str) -> Manifest:
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            raise IndexCorruptError(
                f"the index manifest in {where} is damaged ({exc.error_count()} errors); "
                "run `smp-guide index rebuild`."
            ) from exc


def write_local_copy(path: Path, manifest: Manifest) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(json.loads(manifest.to_json()), indent=1), encoding="utf-8")
    tmp.replace(path)


def read_local_copy(path: Path) -> Manifest | None:
    if not path.is_file():
        return None
    return Manifest.from_json(path.read_text(encoding="utf-8"), where=str(path.name))
