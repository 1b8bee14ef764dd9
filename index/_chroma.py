"""Chroma access, embedded or over HTTP, with its errors wrapped in one place."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from ingest.errors import ChromaUnavailableError, IndexCorruptError, SmpGuideError

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
        return chromadb.PersistentClient(path=str(path), settings=settings)


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
