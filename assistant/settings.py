"""The application's one settings object: every stage's section, from the environment.

Environment variables have the prefix ``SMP_GUIDE_``; nested sections use ``__``, e.g.
``SMP_GUIDE_INDEX__EMBED_MODEL``. CLI flags are applied on top by
``assistant.cli.settings_from``. Each stage owns its section (``IngestSettings``
in ingest, ``IndexSettings`` in index, ``AssistantSettings`` here) and types what it
reads with a protocol of its own, which ``Settings`` satisfies. The evals add their
section in a subclass (``evals.EvalRunSettings``): the assistant does not import them.
Nothing here touches the disk or the network: paths are computed, not created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import platformdirs
from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.settings import IndexConfig, IndexSettings
from ingest import IngestSettings


class AssistantSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # 0.25: on the seven question sets every unanswerable question's best passage scored
    # above 0.32 (other signals refuse those), while two answerable ones scored 0.27-0.29.
    min_similarity: float = Field(
        0.25,
        ge=-1.0,
        le=1.0,
        description="Below this cosine similarity of the best passage, "
        "the question is not covered.",
    )
    max_passages: int = Field(4, ge=1, le=10, description="Passages quoted in an answer.")
    passage_margin: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="Quote passages whose evidence (token matches, rank, best sentence, the "
        "question's specific words) is within this margin of the best passage's.",
    )
    reference_author: str | None = Field(
        None, description="Author in references (default: the document's metadata and imprint)."
    )
    reference_year: str | None = Field(
        None, description="Year in references (default: the document's imprint and metadata)."
    )
    llm: str | None = Field(
        None,
        description="Optional answerer: 'ollama:MODEL' or 'openai:MODEL'; "
        "none means extractive answers.",
    )
    llm_base_url: str | None = Field(None, description="Base URL of the LLM server.")
    llm_timeout: float = Field(
        60.0, gt=0, description="Seconds before falling back to the extractive answer."
    )
    reference_format: str = Field(
        "{author} ({year}). {title}, {location}.", description="Template of brief-ready references."
    )
    host: str = Field("127.0.0.1", description="Chat server bind address.")
    port: int = Field(7860, ge=0, le=65535, description="Chat server port (0 picks a free one).")
    max_question_chars: int = Field(1000, ge=10, description="Longer questions are refused.")
    max_history_messages: int = Field(
        40,
        ge=2,
        le=1000,
        description="Chat messages kept per conversation (and sent back to the page); "
        "older ones are dropped.",
    )
    max_request_kb: int = Field(
        1024, ge=16, description="The chat server refuses larger request bodies (HTTP 413)."
    )


class Settings(BaseSettings):
    """Every stage's section and the application's own fields, from ``SMP_GUIDE_*``."""

    model_config = SettingsConfigDict(
        env_prefix="SMP_GUIDE_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("smp-guide")),
        description="Where the index, feedback and exports live.",
    )
    index_dir: Path | None = Field(None, description="Index folder (default: DATA_DIR/index).")
    cache_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_cache_dir("smp-guide")),
        description="Files derived once and reused by later runs (the query encoder).",
    )
    chroma_url: str | None = Field(
        None, description="Use a Chroma server (http://HOST:PORT) instead of the local index."
    )
    pdf: Path | None = Field(
        None,
        description="The publication PDF the run command ingests (default: the generated sample).",
    )
    auth: str | None = Field(None, description="USER:PASS login for the chat UI.")

    ingest: IngestSettings = IngestSettings()
    index: IndexSettings = IndexSettings()
    assistant: AssistantSettings = AssistantSettings()

    def resolved_index_dir(self) -> Path:
        return self.index_dir if self.index_dir is not None else self.data_dir / "index"

    def encoder_cache(self) -> Path | None:
        return self.cache_dir / "encoders" if self.index.query_encoder == "onnx" else None


class AssistantConfig(IndexConfig, Protocol):
    """What ``Assistant`` reads of the settings it is given (and passes to ``open_index``)."""

    @property
    def assistant(self) -> AssistantSettings: ...
