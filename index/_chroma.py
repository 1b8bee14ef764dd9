"""Chroma access, embedded or over HTTP, with its errors wrapped in one place."""

from __future__ import annotations

import logging
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api.models.Collection import Collection
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from llama_index.core.schema import TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from index._embedder import Embedder
from index._nodes import embed_content
from index.errors import ChromaUnavailableError, IndexCorruptError
from ingest import SmpGuideError

log = logging.getLogger(__name__)


@contextmanager
def chroma_errors(where: str) -> Iterator[None]:
    """Turn Chroma's and the HTTP stack's failures into this project's errors."""
    try:
        yield
    except SmpGuideError:
        raise
    except (ConnectionError, TimeoutError) as exc:
        raise ChromaUnavailableError(
            f"the Chroma server at {where} is not reachable ({exc.__class__.__name__}); "
            "start it or check --chroma-url."
        ) from exc
    except Exception as exc:
        name = exc.__class__.__name__
        if "Connect" in name or "Timeout" in name or "connect" in str(exc).lower():
            raise ChromaUnavailableError(
                f"the Chroma server at {where} is not reachable ({name}); "
                "start it or check --chroma-url."
            ) from exc
        raise IndexCorruptError(
            f"the index at {where} cannot be read ({name}: {exc}); "
            "run `smp-guide index rebuild` to rebuild it from the stored chunks."
        ) from exc


def connect(*, chroma_url: str | None, path: Path) -> Any:
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        parsed = urlparse(chroma_url)
        if not parsed.hostname:
            raise ChromaUnavailableError(f"{chroma_url!r} is not a URL; use http://HOST:PORT.")
        with chroma_errors(chroma_url):
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=settings,
            )
    with chroma_errors(str(path)):
        path.mkdir(parents=True, exist_ok=True)
        try:
            return chromadb.PersistentClient(path=str(path), settings=settings)
        except Exception:
            _forget_system(path)
            raise


def reconnect(path: Path) -> Any:
    """A client on a local Chroma folder that reads it afresh, not through the process's cache.

    Clients and collections already handed out keep the system they were made with.
    """
    _forget_system(path)
    return connect(chroma_url=None, path=path)


def _forget_system(path: Path) -> None:
    """Drop the half-started Chroma system a failed open leaves cached for ``path``.

    Chroma keeps one system per folder for the life of the process, registered before
    it starts; an open that fails (another process creating the folder, a damaged file)
    would otherwise leave that broken system to every later open of the same folder,
    so a retry could never succeed.
    """
    SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)


def existing_collection(client: Any, name: str, where: str) -> Collection | None:
    with chroma_errors(where):
        try:  # one round trip; listing the collections first would be two
            return client.get_collection(name, embedding_function=None)
        except NotFoundError:
            return None


def new_collection(client: Any, name: str, where: str, metadata: dict[str, str]) -> Collection:
    with chroma_errors(where):
        return client.get_or_create_collection(
            name,
            embedding_function=None,
            metadata=metadata,
            configuration={"hnsw": {"space": "cosine"}},
        )


def private_copy(owner: object, source: Path) -> tuple[Path, Any]:
    """A client on a temporary copy of a local Chroma folder, deleted with its owner.

    Chroma writes to its folder even to answer (its SQLite journal, applying its write
    log); a read-only folder, or one on a disk that filled during an ingest, is served
    from a copy in the temporary folder instead. Nothing written there is kept.
    """
    folder = Path(tempfile.mkdtemp(prefix="smp-guide-chroma-"))
    weakref.finalize(owner, shutil.rmtree, folder, True)
    try:
        shutil.copytree(source, folder / "chroma")
    except OSError as exc:
        raise IndexCorruptError(
            f"the index at {source.parent} cannot be read and no private copy could be made "
            f"({exc.strerror or exc}); free space in {folder.parent}."
        ) from exc
    return folder, connect(chroma_url=None, path=folder / "chroma")


def embed_missing(
    collection: Collection,
    embedder: Embedder,
    nodes: Sequence[TextNode],
    *,
    sha: str,
    batch: int,
    progress: Callable[[int, int], None] | None,
    where: str,
) -> tuple[int, dict[str, np.ndarray]]:
    """Embed and add the nodes of version ``sha`` Chroma lacks; returns their number and their token vectors."""
    with chroma_errors(where):
        present = set(collection.get(where={"doc_sha": sha}, include=[])["ids"])
    todo = [n for n in nodes if n.node_id not in present]
    store = ChromaVectorStore(chroma_collection=collection)
    done = len(nodes) - len(todo)
    tokens: dict[str, np.ndarray] = {}
    for start in range(0, len(todo), batch):
        part = todo[start : start + batch]
        vectors, rows = embedder.passages([embed_content(n) for n in part])
        for node, vector, token_rows in zip(part, vectors, rows, strict=True):
            node.embedding = vector
            tokens[node.node_id] = token_rows
        with chroma_errors(where):
            store.add(list(part))
        done += len(part)
        if progress is not None:
            progress(done, len(nodes))
    return len(todo), tokens


def delete_unpublished(collection: Collection, active: Sequence[str], where: str) -> None:
    """Delete the vectors of every version the manifest does not name."""
    with chroma_errors(where):
        if active:
            unpublished: Any = {"doc_sha": {"$nin": list(active)}}
            collection.delete(where=unpublished)
        else:
            ids = collection.get(include=[])["ids"]
            if ids:
                collection.delete(ids=ids)
