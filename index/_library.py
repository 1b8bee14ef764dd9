"""Library: the storage core behind the assistant (manifest, Chroma, chunk/token/PDF stores).

Writes never disturb readers: a new document version is embedded under its own
content hash while searches keep filtering on the versions the manifest names;
swapping the manifest (one atomic metadata write) publishes it, and only then are
the old version's vectors deleted. A killed ingest therefore leaves the previous
index serving, and the next ingest resumes where the killed one stopped. Every write
to the folder happens under its write lock (``_storage``); a folder that cannot be
written (read-only, or a disk that filled during an ingest) is served from a private
copy of its Chroma data, so the last published index keeps answering.

One Library may be shared by threads: what a search reads is one immutable
``Published`` taken at its start; lazily built state is built under one lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection

from index._chroma import (
    chroma_errors,
    connect,
    delete_unpublished,
    embed_missing,
    existing_collection,
    new_collection,
    private_copy,
    reconnect,
    version_chunks,
    version_count,
    version_vectors,
)
from index._dense import DenseVectors, Vectors
from index._late import TokenStore
from index._listing import document_info, status_of, write_listing, write_stamp
from index._manifest import MANIFEST_KEY, DocumentEntry, Manifest
from index._records import AddReport, DocumentInfo, IndexStatus
from index._storage import (
    collect_store,
    ensure_room,
    low_on_space,
    not_writable,
    store_chunks,
    store_pdf,
    stored_chunks,
    writable,
    write_errors,
    write_lock,
)
from index.errors import IndexCorruptError, IndexNotBuiltError
from index.settings import IndexConfig
from ingest import Chunk, IngestResult, InputError

if TYPE_CHECKING:  # the model loads on first embedding: `index remove` never loads it
    from index._embedder import Embedder

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
REFRESH_SECONDS = 2.0


@dataclass(frozen=True)
class Published:
    """What one manifest publishes, as read by searches (replaced whole, never mutated)."""

    manifest: Manifest | None = None
    chunks: dict[str, Chunk] = field(default_factory=dict)
    doc_sha: dict[str, str] = field(default_factory=dict)
    dense: DenseVectors = field(default_factory=DenseVectors.empty)

    def chunks_of(self, sha: str) -> list[Chunk]:
        """A document's chunks by its hash (a walk over every chunk: only for recomputing)."""
        return [c for c in self.chunks.values() if self.doc_sha[c.id] == sha]


class Library:
    """One folder of ingested documents and the Chroma collection that indexes them."""

    def __init__(self, *, settings: IndexConfig) -> None:
        self.settings = settings
        self.folder = settings.resolved_index_dir()
        self.where = settings.chroma_url or str(self.folder)
        self.tokens = TokenStore(self.folder / "store", settings.index.embed_model)
        self._lock = threading.RLock()
        self._view = Published()
        self._vectors: dict[str, Vectors] = {}
        self._embedder: Embedder | None = None
        self._refreshed = 0.0
        self._private: Path | None = None
        self._client = self._opened()

    # ----------------------------------------------------------------- opening
    def _opened(self) -> ClientAPI:
        """A Chroma client that can read the last published index, reading it once."""
        local = self.settings.chroma_url is None
        chroma = self.folder / "chroma"
        if local and chroma.is_dir() and not writable(chroma):
            return self._private_client("the folder is read-only")
        try:
            return self._connected(chroma)
        except IndexCorruptError as exc:
            if not local:
                raise
            if writable(chroma) and not low_on_space(self.folder):
                # Another process creating or compacting the same Chroma folder at this
                # moment makes an open fail; once that writer is done, it succeeds. An
                # index that fails then too is damaged, and the error says so.
                with write_lock(self.folder):
                    return self._connected(chroma)
            # Chroma applies its write log on reads; on a full disk that fails. A private
            # copy elsewhere can apply it, so the last published index still answers; an
            # index that fails there too is damaged, and the first error says so.
            try:
                return self._private_client(str(exc))
            except IndexCorruptError:
                raise exc from None

    def _connected(self, chroma: Path) -> ClientAPI:
        self._client = connect(chroma_url=self.settings.chroma_url, path=chroma)
        self._refresh()
        return self._client

    def _reconnect(self) -> bool:
        """Open the local Chroma folder afresh; says whether it did.

        An embedded Chroma caches what it read of its folder; once another process has
        written there, reading vectors through the old client can fail ("Error finding
        id"). Reopening costs about 10 ms, paid only when the folder changed.
        """
        if self.settings.chroma_url is not None or self._private is not None:
            return False
        self._client = reconnect(self.folder / "chroma")
        return True

    def _private_client(self, reason: str) -> ClientAPI:
        log.warning("index at %s served from a private read-only copy (%s)", self.folder, reason)
        self._private, self._client = private_copy(self, self.folder / "chroma")
        self._refresh()
        return self._client

    # ----------------------------------------------------------------- reading
    def published(self) -> Published:
        """What the manifest publishes now; raises when no document is indexed."""
        self._refresh(force=False)
        view = self._view
        self.manifest_of(view)
        return view

    def current(self) -> Published:
        """The last view read, without re-reading the manifest."""
        return self._view

    def manifest_of(self, view: Published) -> Manifest:
        if view.manifest is None or not view.manifest.documents:
            raise IndexNotBuiltError(
                f"no documents are indexed at {self.where}; run `smp-guide ingest PDF` first."
            )
        return view.manifest

    def manifest(self) -> Manifest:
        return self.manifest_of(self._view)

    def status(self) -> IndexStatus:
        model = self.settings.index.embed_model
        return status_of(self._view.manifest, where=self.where, model=model)

    def pdf_path(self, document_id: str) -> Path | None:
        """The stored copy of an indexed document's PDF, looked up by its document ID only."""
        entry = next((d for d in self.manifest().documents.values() if d.id == document_id), None)
        if entry is None:
            return None
        path = self.folder / "store" / f"{entry.content_sha256}.pdf"
        return path if path.is_file() else None

    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                from index._embedder import checked_embedder

                self._embedder = checked_embedder(
                    self._view.manifest,
                    name=self.settings.index.embed_model,
                    batch_size=self.settings.index.embed_batch_size,
                    where=self.where,
                    encoders=self.settings.encoder_cache(),
                )
            return self._embedder

    # ----------------------------------------------------------------- writing
    def add(
        self, result: IngestResult, *, pdf: Path | None = None, progress: ProgressFn | None = None
    ) -> AddReport:
        """Index one ingested document; a new version of the same file replaces the old.

        With ``pdf``, a copy of the file is kept so the chat can open it at a cited page.
        """
        entry = DocumentEntry.of(result.document, chunks=len(result.chunks))
        return self._added(entry, result.chunks, pdf=pdf, progress=progress)

    def add_stored(
        self, entry: DocumentEntry, chunks: Sequence[Chunk], *, progress: ProgressFn | None = None
    ) -> AddReport:
        """Index a document's chunks under its manifest entry (also used by rebuild)."""
        return self._added(entry, chunks, pdf=None, progress=progress)

    def _added(
        self,
        entry: DocumentEntry,
        chunks: Sequence[Chunk],
        *,
        pdf: Path | None,
        progress: ProgressFn | None,
    ) -> AddReport:
        started = time.perf_counter()
        sha = entry.content_sha256
        store = self.folder / "store"
        with self._writing():
            self._refresh()
            manifest = self._ensured_manifest()
            old = manifest.documents.get(entry.key)
            with write_errors(self.folder):
                if pdf is not None:  # under the lock: no other writer's clean-up removes it
                    store_pdf(store, sha, pdf)
                if old is not None and old.content_sha256 == sha and self._count(sha) == old.chunks:
                    seconds = time.perf_counter() - started
                    return AddReport(entry.title, "unchanged", old.chunks, 0, seconds)
                ensure_room(self.folder, chunks)
                store_chunks(store, sha, chunks)
                embedded = self._embed_missing(entry.key, sha, chunks, progress)
                self._publish(manifest.with_entry(entry.key, entry))
                self._collect_garbage()
        status: Literal["added", "replaced"] = "added" if old is None else "replaced"
        return AddReport(entry.title, status, len(chunks), embedded, time.perf_counter() - started)

    def remove(self, ref: str) -> DocumentInfo:
        with self._writing():
            self._refresh()
            manifest = self.manifest()
            entry = manifest.find(ref)
            if entry is None:
                known = ", ".join(sorted(manifest.documents)) or "none"
                raise InputError(f"no indexed document matches {ref!r}; indexed: {known}.")
            with write_errors(self.folder):
                self._publish(manifest.with_entry(entry.key, None))
                self._collect_garbage()
        return document_info(entry)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """The folder's write lock; Chroma failing to write on a full disk says so."""
        if self._private is not None or not writable(self.folder):
            raise not_writable(self.folder, "read-only file system or no space left")
        with write_lock(self.folder):
            try:
                self._reconnect()
                yield
            except IndexCorruptError as exc:
                if low_on_space(self.folder):
                    raise not_writable(self.folder, "no space left on device") from exc
                raise

    def _embed_missing(
        self, key: str, sha: str, chunks: Sequence[Chunk], progress: ProgressFn | None
    ) -> int:
        """Embed the chunks Chroma lacks and store every chunk's token vectors; how many."""
        from index._nodes import to_node

        embedded, tokens = embed_missing(
            self._collection(),
            self.embedder(),
            [to_node(c, doc_key=key, doc_sha=sha) for c in chunks],
            sha=sha,
            batch=self.settings.index.embed_batch_size,
            progress=progress,
            where=self.where,
        )
        if len(tokens) == len(chunks):
            self.tokens.save(sha, [c.id for c in chunks], [tokens[c.id] for c in chunks])
        else:  # resumed after an interrupted ingest: some vectors were already stored
            self.tokens.rows(sha, lambda _: chunks, self.embedder())
        return embedded

    # ----------------------------------------------------------------- collection
    def _collection(self) -> Collection:
        collection = existing_collection(self._client, self.settings.index.collection, self.where)
        if collection is None:
            raise IndexNotBuiltError(f"no index at {self.where}; run `smp-guide ingest PDF` first.")
        return collection

    def _refresh(self, *, force: bool = True) -> None:
        """Re-read the manifest; reload the published chunks when another writer changed it.

        Over HTTP, searches call it at most every ``REFRESH_SECONDS`` (each read is a round
        trip to the server); embedded reads are cheap, so a local index is always current.
        Writes always refresh.
        """
        with self._lock:
            now = time.monotonic()
            throttled = self.settings.chroma_url is not None and not force
            if throttled and now - self._refreshed < REFRESH_SECONDS:
                return
            self._refreshed = now
            name = self.settings.index.collection
            collection = existing_collection(self._client, name, self.where)
            raw = None if collection is None else (collection.metadata or {}).get(MANIFEST_KEY)
            if collection is None or raw is None:
                self._view = Published()
                return
            manifest = Manifest.from_json(str(raw), where=self.where)
            if manifest.differs_from(self._view.manifest):
                if self._view.manifest is not None and self._reconnect():
                    collection = self._collection()
                self._view = self._loaded(collection, manifest)

    def _ensured_manifest(self) -> Manifest:
        if self._view.manifest is not None:
            return self._view.manifest
        embedder = self.embedder()
        manifest = Manifest(
            model=self.settings.index.embed_model,
            model_version=embedder.info.version,
            dimension=embedder.info.dimension,
        )
        metadata = {MANIFEST_KEY: manifest.to_json()}
        new_collection(self._client, self.settings.index.collection, self.where, metadata)
        with self._lock:
            self._view = Published(manifest)
        return manifest

    def _publish(self, manifest: Manifest) -> None:
        collection = self._collection()
        self.folder.mkdir(parents=True, exist_ok=True)
        write_stamp(self.folder, manifest)  # first: a copy left behind is then detected
        with chroma_errors(self.where):
            collection.modify(metadata={MANIFEST_KEY: manifest.to_json()})
        write_listing(self.folder, manifest)
        with self._lock:
            self._view = self._loaded(collection, manifest)

    def _loaded(self, collection: Collection, manifest: Manifest) -> Published:
        """What a manifest publishes, read whole (caller holds the lock)."""
        chunks: dict[str, Chunk] = {}
        doc_sha: dict[str, str] = {}
        for entry in manifest.documents.values():
            sha = entry.content_sha256
            for chunk in self._stored(collection, sha):
                chunks[chunk.id] = chunk
                doc_sha[chunk.id] = sha
        shas = manifest.active_shas()
        self._vectors = {sha: self._vectors_of(collection, sha) for sha in shas}
        dense = DenseVectors.of([self._vectors[sha] for sha in shas])
        self.tokens.forget()  # token rows of versions no longer published
        return Published(manifest, chunks, doc_sha, dense)

    def _stored(self, collection: Collection, sha: str) -> list[Chunk]:
        """A version's chunks: from the local store, else from Chroma's metadata."""
        if (self.folder / "store" / f"{sha}.jsonl").is_file():
            return stored_chunks(self.folder, sha)
        return version_chunks(collection, sha, self.where)

    def _vectors_of(self, collection: Collection, sha: str) -> Vectors:
        """A published version's (chunk IDs, vectors): content-addressed, so read once."""
        if sha not in self._vectors:
            self._vectors[sha] = version_vectors(collection, sha, self.where)
        return self._vectors[sha]

    def _count(self, sha: str) -> int:
        return version_count(self._collection(), sha, self.where)

    def _collect_garbage(self) -> None:
        """Delete vectors and stored files of versions the manifest no longer names.

        Runs under the write lock, after publishing: a version some other writer has
        stored but not yet published cannot exist then (it stores only under the lock).
        """
        manifest = self._view.manifest
        active = manifest.active_shas() if manifest and manifest.documents else []
        delete_unpublished(self._collection(), active, self.where)
        collect_store(self.folder / "store", active)
