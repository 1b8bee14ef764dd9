"""Ingest's settings section, and what ingest needs of the application's settings.

The application composes every stage's section into one ``Settings`` (environment
variables with the prefix ``SMP_GUIDE_``, then CLI flags): ``assistant.Settings``, and
``evals.EvalRunSettings`` for the evals. Nothing here touches the disk or the network.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field


class IngestSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_chunk_words: int = Field(
        150,
        ge=30,
        le=400,
        description="Target narrative chunk size in words (the embedding model reads 256 tokens).",
    )
    overlap_sentences: int = Field(
        1, ge=0, le=5, description="Sentences repeated between neighbouring narrative chunks."
    )
    max_file_mb: int = Field(200, ge=1, description="Refuse PDFs larger than this.")
    max_pages: int = Field(2000, ge=1, description="Refuse PDFs with more pages than this.")
    page_seconds: float = Field(
        10.0, gt=0, description="Give up on one page after this many seconds of text extraction."
    )
    workers: int = Field(
        0, ge=0, le=64, description="Processes reading pages (0: up to 2, one per core)."
    )
    password: str | None = Field(None, description="Password for encrypted PDFs.")


class IngestConfig(Protocol):
    """What ``ingest_pdf`` reads of the settings it is given (``assistant.Settings`` has it)."""

    @property
    def ingest(self) -> IngestSettings: ...
