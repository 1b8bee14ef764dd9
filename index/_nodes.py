"""Chunks as llama-index nodes and Chroma records (llama-index types stay in this package)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ingest import Chunk

if TYPE_CHECKING:  # llama-index loads only where nodes are made: not to read or remove
    from llama_index.core.schema import TextNode

NO_CHAPTER = -1


def chunk_metadata(chunk: Chunk, *, doc_key: str, doc_sha: str) -> dict[str, Any]:
    """Flat scalars only: what filters need, plus the chunk itself for other clients."""
    return {
        "doc_key": doc_key,
        "doc_sha": doc_sha,
        "document_id": chunk.document_id,
        "chapter": chunk.chapter if chunk.chapter is not None else NO_CHAPTER,
        "kind": chunk.kind,
        "rec_id": chunk.rec_id or "",
        "position": chunk.position,
        "chunk": json.dumps(chunk.to_json(), ensure_ascii=False),
    }


def to_node(chunk: Chunk, *, doc_key: str, doc_sha: str) -> TextNode:
    from llama_index.core.schema import TextNode

    metadata = chunk_metadata(chunk, doc_key=doc_key, doc_sha=doc_sha)
    # Every key is excluded on purpose: what is embedded (and BM25-indexed) is exactly
    # Chunk.embedding_text(), never llama-index's "key: value" metadata header.
    return TextNode(
        id_=chunk.id,
        text=chunk.embedding_text(),
        metadata=metadata,
        excluded_embed_metadata_keys=list(metadata),
        excluded_llm_metadata_keys=list(metadata),
    )


def embed_content(node: TextNode) -> str:
    from llama_index.core.schema import MetadataMode

    return node.get_content(metadata_mode=MetadataMode.EMBED)


def chunk_from_metadata(metadata: Mapping[str, object]) -> Chunk:
    return Chunk.from_json(json.loads(str(metadata["chunk"])))
