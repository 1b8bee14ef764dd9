"""The optional LLM judge: Ragas' LLM metrics with a llama-index LLM passed explicitly.

The judge is ``ollama:MODEL`` or ``openai:MODEL`` (an OpenAI-compatible server at
``--judge-base-url``); ResponseRelevancy embeds with the index's own local
sentence-transformers model, never a hub download.
"""

from __future__ import annotations

import warnings

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.llms import LLM
from ragas.embeddings.base import LlamaIndexEmbeddingsWrapper
from ragas.llms.base import LlamaIndexLLMWrapper
from ragas.metrics._answer_relevance import ResponseRelevancy
from ragas.metrics._context_precision import LLMContextPrecisionWithReference
from ragas.metrics._context_recall import LLMContextRecall
from ragas.metrics._faithfulness import Faithfulness

from assistant import build_llm
from evals._scoring import MetricSpec

JUDGE_TIMEOUT = 120.0


def judge_llm(spec: str, *, base_url: str | None, timeout: float = JUDGE_TIMEOUT) -> LLM:
    """'ollama:MODEL' or 'openai:MODEL' as a llama-index LLM, asked for JSON replies."""
    return build_llm(spec, base_url=base_url, timeout=timeout, flag="--judge", json_mode=True)


def judge_metrics(llm: LLM, embed_model: BaseEmbedding) -> list[MetricSpec]:
    """Faithfulness, ResponseRelevancy and the LLM context metrics, models set explicitly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the wrappers warn on creation
        wrapped = LlamaIndexLLMWrapper(llm)
        embeddings = LlamaIndexEmbeddingsWrapper(embed_model)
    return [
        MetricSpec(Faithfulness(llm=wrapped), "answerable", judge=True),
        MetricSpec(ResponseRelevancy(llm=wrapped, embeddings=embeddings), "answerable", judge=True),
        MetricSpec(LLMContextPrecisionWithReference(llm=wrapped), "reference", judge=True),
        MetricSpec(LLMContextRecall(llm=wrapped), "reference", judge=True),
    ]
