"""Chroma access, embedded or over HTTP, with its errors wrapped in one place."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb import Where
from chromadb.api import ClientAPI, ServerAPI
from chromadb.api.client import Client
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from chromadb.config import System
from chromadb.errors import NotFoundError
from chromadb.telemetry.product import ProductTelemetryClient

from index._dense import Vectors
from index._nodes import chunk_from_metadata, embed_content
from index.errors import ChromaUnavailableError, IndexCorruptError
from ingest import Chunk, SmpGuideError

if TYPE_CHECKING:  # the model and llama-index load only to embed: not to read or remove
    from llama_index.core.schema import TextNode

    from index._embedder import Embedder

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


_FAILED_OPENS: set[str] = set()
"""Local folders whose last open failed: Chroma keeps the half-started system it made for
one, so the next open of it starts a system of its own (see ``_fresh_client``)."""
_FAILED_GUARD = threading.Lock()


def _local_settings(path: Path) -> ChromaSettings:
    """What ``chromadb.PersistentClient`` makes of its arguments, for a fresh system too."""
    return ChromaSettings(
        anonymized_telemetry=False,
        allow_reset=False,
        is_persistent=True,
        persist_directory=str(path),
    )


def connect(*, chroma_url: str | None, path: Path) -> ClientAPI:
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
        with _FAILED_GUARD:
            failed = str(path) in _FAILED_OPENS
        if failed:
            return _fresh_client(path)
        try:
            return chromadb.PersistentClient(path=str(path), settings=_local_settings(path))
        except Exception:
            with _FAILED_GUARD:
                _FAILED_OPENS.add(str(path))
            raise


def reconnect(path: Path) -> ClientAPI:
    """A client on a local Chroma folder that reads it afresh, not through the process's cache.

    Clients and collections already handed out keep the system they were made with.
    """
    with chroma_errors(str(path)):
        return _fresh_client(path)


def _fresh_client(path: Path) -> ClientAPI:
    """A client on a newly started Chroma system for ``path``, replacing the cached one.

    Chroma keeps one system per folder for the life of the process, registered before
    it starts; an open that fails (another process creating the folder, a damaged file)
    leaves that broken system to every later ``PersistentClient`` of the same folder, and
    a working one keeps serving what it read before another process wrote. A system
    started here is registered (``Client.from_system``) only once it has started.
    """
    system = System(_local_settings(path))
    # What chromadb's own client does to a system it creates, in the same order; the
    # abstract types are what the system resolves to its configured implementations.
    system.instance(ProductTelemetryClient)  # type: ignore[type-abstract]
    system.instance(ServerAPI)  # type: ignore[type-abstract]
    system.start()
    client = Client.from_system(system)
    with _FAILED_GUARD:
        _FAILED_OPENS.discard(str(path))
    return client


def existing_collection(client: ClientAPI, name: str, where: str) -> Collection | None:
    with chroma_errors(where):
        try:  # one round trip; listing the collections first would be two
            return client.get_collection(name, embedding_function=None)
        except NotFoundError:
            return None


def new_collection(
    client: ClientAPI, name: str, where: str, metadata: dict[str, str]
) -> Collection:
    with chroma_errors(where):
        return client.get_or_create_collection(
            name,
            embedding_function=None,
            metadata=metadata,
            configuration={"hnsw": {"space": "cosine"}},
        )


def private_copy(owner: object, source: Path) -> tuple[Path, ClientAPI]:
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
    """Embed and add the nodes of version ``sha`` that Chroma lacks.

    Returns their number and their token vectors.
    """
    with chroma_errors(where):
        present = set(collection.get(where={"doc_sha": sha}, include=[])["ids"])
    todo = [n for n in nodes if n.node_id not in present]
    from llama_index.vector_stores.chroma import ChromaVectorStore

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
            shas: list[str | int | float | bool] = list(active)
            not_in: dict[Literal["$in", "$nin"], list[str | int | float | bool]] = {"$nin": shas}
            unpublished: Where = {"doc_sha": not_in}
            collection.delete(where=unpublished)
        else:
            ids = collection.get(include=[])["ids"]
            if ids:
                collection.delete(ids=ids)


def version_chunks(collection: Collection, sha: str, where: str) -> list[Chunk]:
    """The chunks of version ``sha`` as Chroma's metadata holds them."""
    with chroma_errors(where):
        got = collection.get(where={"doc_sha": sha}, include=["metadatas"])
    return [chunk_from_metadata(m) for m in got["metadatas"] or []]


def version_vectors(collection: Collection, sha: str, where: str) -> Vectors:
    """(chunk IDs, embeddings) of version ``sha``."""
    with chroma_errors(where):
        got = collection.get(where={"doc_sha": sha}, include=["embeddings"])
    embeddings = got["embeddings"]
    rows = np.asarray([] if embeddings is None else embeddings, dtype=np.float32)
    return (list(got["ids"]), rows)


def version_count(collection: Collection, sha: str, where: str) -> int:
    with chroma_errors(where):
        return len(collection.get(where={"doc_sha": sha}, include=[])["ids"])
