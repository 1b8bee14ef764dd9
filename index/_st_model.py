"""The sentence-transformers adapter: the full model on torch, loaded with no network.

Imported only where the full model is needed (embedding passages at ingest, the ragas
judge, exporting the query encoder): importing sentence-transformers takes seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import ConfigDict, Field
from sentence_transformers import SentenceTransformer
from transformers import PreTrainedTokenizerBase
from transformers.utils import logging as transformers_logging

from index._encoded import Encoded
from index.errors import EmbeddingModelError


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
class FullModel:
    """The SentenceTransformer, as an ``Encoder`` and as a llama-index embedding."""

    embedding: SentenceEmbedding

    @property
    def sentence_model(self) -> SentenceTransformer:
        return self.embedding.sentence_model

    @property
    def tokenizer(self) -> PreTrainedTokenizerBase:
        tokenizer: PreTrainedTokenizerBase = self.sentence_model.tokenizer
        return tokenizer

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        # Asking for every output at once gives the sentence vector and the token vectors
        # from one forward pass. Prompts are empty, as llama-index set them.
        outputs: list[dict[str, Any]] = list(
            self.sentence_model.encode(  # type: ignore[arg-type]
                list(texts),
                batch_size=self.embedding.embed_batch_size,
                output_value=None,
                convert_to_numpy=False,
                show_progress_bar=False,
            )
        )
        special = set(self.tokenizer.all_special_ids or [])
        return [_encoded(o, special) for o in outputs]

    def pieces(self, ids: Sequence[int]) -> list[str]:
        return list(self.tokenizer.convert_ids_to_tokens([int(i) for i in ids]))


def loaded_model(source: str, *, name: str, batch_size: int) -> FullModel:
    """The model at ``source`` on CPU; never reaches a hub (HF_HUB_OFFLINE is set)."""
    transformers_logging.disable_progress_bar()
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
    return FullModel(
        SentenceEmbedding(
            model_name=source, embed_batch_size=batch_size, sentence_model=sentence_model
        )
    )


def _encoded(output: dict[str, Any], special: set[int]) -> Encoded:
    mask = output["attention_mask"].bool()
    ids = output["input_ids"][mask].numpy().astype(np.int64)
    return Encoded(
        ids=ids,
        tokens=output["token_embeddings"][mask].float().numpy(),
        special=np.isin(ids, list(special)),
        vector=output["sentence_embedding"].float().numpy(),
    )
