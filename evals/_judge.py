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

from evals._scoring import MetricSpec
from ingest.errors import LLMUnavailableError

JUDGE_TIMEOUT = 120.0


def judge_llm(spec: str, *, base_url: str | None, timeout: float = JUDGE_TIMEOUT) -> LLM:
    """'ollama:MODEL' or 'openai:MODEL' as a llama-index LLM (created here, passed explicitly)."""
    backend, _, model = spec.partition(":")
    if not model:
        raise LLMUnavailableError(f"--judge {spec!r}: use none, ollama:MODEL or openai:MODEL.")
    if backend == "ollama":
        from llama_index.llms.ollama import Ollama

        return Ollama(
            model=model,
            base_url=base_url or "http://127.0.0.1:11434",
            request_timeout=timeout,
            json_mode=True,
        )
    if backend == "openai":
        from llama_index.llms.openai_like import OpenAILike

        if not base_url:
            raise LLMUnavailableError(
                "--judge openai:MODEL needs --judge-base-url (an OpenAI-compatible server)."
            )
        return OpenAILike(
            model=model,
            api_base=base_url,
            api_key="not-needed",
            is_chat_model=True,
            timeout=timeout,
            max_retries=0,
        )
    raise LLMUnavailableError(
        f"--judge {spec!r}: unknown backend {backend!r}; use none, ollama or openai."
    )


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
