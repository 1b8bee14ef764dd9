"""GuideIndex: the document library behind the assistant (Chroma + BM25 + chunk store).

Writes never disturb readers: a new document version is embedded under its own
content hash while searches keep filtering on the versions the manifest names;
swapping the manifest (one atomic metadata write) publishes it, and only then are
the old version's vectors deleted. A killed ingest therefore leaves the previous
index serving, and the next ingest resumes where the killed one stopped. Every write
to the folder happens under its write lock (``_storage``); a folder that cannot be
written (read-only, or a disk that filled during an ingest) is served from a private
copy of its Chroma data, so the last published index keeps answering.

One GuideIndex may be shared by threads: what a search reads is one immutable
``_View`` taken at its start; lazily built state is built under one lock.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from llama_index.retrievers.bm25 import BM25Retriever

from index import _bm25
from index._chroma import (
    chroma_errors,
    connect,
    delete_unpublished,
    embed_missing,
    existing_collection,
    new_collection,
    private_copy,
    reconnect,
)
from index._dense import DenseVectors
from index._embedder import Embedder, load_embedder
from index._late import TokenStore, late_ranking, passage_rows, token_support
from index._manifest import MANIFEST_KEY, DocumentEntry, Manifest, write_local_copy
from index._nodes import chunk_from_metadata, to_node
from index._records import AddReport, DocumentInfo, Hit, IndexStatus
from index._search import (
    Filters,
    Ranking,
    expand_query,
    fuse,
    glossary_terms,
    intent_slots,
    navigational,
)
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
from index.errors import EmbeddingModelMismatchError, IndexCorruptError, IndexNotBuiltError
from index.settings import IndexConfig
from ingest import Chunk, IngestResult, InputError

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
_CANDIDATES = 90
_REFRESH_SECONDS = 2.0
_WORDS = re.compile(r"[^\W_][\w'-]*")  # letters of any script: "kédougou" is one word


@dataclass(frozen=True)
class _View:
    """What one manifest publishes, as read by searches (replaced whole, never mutated)."""

    manifest: Manifest | None = None
    chunks: dict[str, Chunk] = field(default_factory=dict)
    doc_sha: dict[str, str] = field(default_factory=dict)
    dense: DenseVectors = field(default_factory=DenseVectors.empty)


class GuideIndex:
    """One library of ingested documents. Create with ``open_index(settings=...)``."""

    def __init__(self, *, settings: IndexConfig) -> None:
        self._settings = settings
        self._dir = settings.resolved_index_dir()
        self._where = settings.chroma_url or str(self._dir)
        self._lock = threading.RLock()
        self._view = _View()
        self._vectors: dict[str, tuple[list[str], Any]] = {}
        self._embedder: Embedder | None = None
        self._bm25: BM25Retriever | None = None
        self._glossary: tuple[list[str], Any] | None = None
        self._vocabulary: frozenset[str] | None = None
        self._tokens = TokenStore(self._dir / "store", settings.index.embed_model)
        self._refreshed = 0.0
        self._private: Path | None = None
        self._client = self._open()

    def _open(self) -> Any:
        """A Chroma client that can read the last published index, reading it once."""
        local = self._settings.chroma_url is None
        chroma = self._dir / "chroma"
        if local and chroma.is_dir() and not writable(chroma):
            return self._private_client("the folder is read-only")
        try:
            self._connect(chroma)
        except IndexCorruptError as exc:
            if not local:
                raise
            if writable(chroma) and not low_on_space(self._dir):
                # Another process creating or compacting the same Chroma folder at this
                # moment makes an open fail; once that writer is done, it succeeds. An
                # index that fails then too is damaged, and the error says so.
                with write_lock(self._dir):
                    self._connect(chroma)
                return self._client
            # Chroma applies its write log on reads; on a full disk that fails. A private
            # copy elsewhere can apply it, so the last published index still answers; an
            # index that fails there too is damaged, and the first error says so.
            try:
                return self._private_client(str(exc))
            except IndexCorruptError:
                raise exc from None
        return self._client

    def _connect(self, chroma: Path) -> None:
        self._client = connect(chroma_url=self._settings.chroma_url, path=chroma)
        self._refresh()

    def _reconnect(self) -> bool:
        """Open the local Chroma folder afresh; says whether it did.

        An embedded Chroma caches what it read of its folder; once another process has
        written there, reading vectors through the old client can fail ("Error finding
        id"). Reopening costs about 10 ms, paid only when the folder changed.
        """
        if self._settings.chroma_url is not None or self._private is not None:
            return False
        self._client = reconnect(self._dir / "chroma")
        return True

    def _private_client(self, reason: str) -> Any:
        log.warning("index at %s served from a private read-only copy (%s)", self._dir, reason)
        self._private, self._client = private_copy(self, self._dir / "chroma")
        self._refresh()
        return self._client

    # ----------------------------------------------------------------- reading
    def status(self) -> IndexStatus:
        manifest = self._view.manifest
        docs = tuple(
            DocumentInfo(d.key, d.id, d.title, d.n_pages, d.chunks, d.ingested_at)
            for d in (manifest.documents.values() if manifest else ())
        )
        return IndexStatus(
            self._where,
            manifest.model if manifest else self._settings.index.embed_model,
            manifest.dimension if manifest else 0,
            manifest.generation if manifest else 0,
            docs,
        )

    def manifest(self) -> Manifest:
        return self._published(self._view)

    def _published(self, view: _View) -> Manifest:
        if view.manifest is None or not view.manifest.documents:
            raise IndexNotBuiltError(
                f"no documents are indexed at {self._where}; run `smp-guide ingest PDF` first."
            )
        return view.manifest

    def chunks(self) -> list[Chunk]:
        """The published documents' chunks, as of now, in document order."""
        self._refresh(force=False)
        view = self._view
        self._published(view)
        return sorted(view.chunks.values(), key=lambda c: (c.document_id, c.position))

    def chapter_numbers(self) -> frozenset[int]:
        """The chapter numbers of the published documents, as of now (a filter's domain)."""
        self._refresh(force=False)
        view = self._view
        self._published(view)
        return frozenset(c.chapter for c in view.chunks.values() if c.chapter is not None)

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        chapters: Sequence[int] | None = None,
        kinds: Sequence[str] | None = None,
        documents: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The best chunks for a query, fused from dense and BM25 rankings."""
        self._refresh(force=False)
        view = self._view
        self._published(view)
        filters = Filters(
            tuple(chapters) if chapters else None,
            tuple(kinds) if kinds else None,
            self._resolve(documents) if documents else None,
        )
        expanded = self.expanded_query(query)
        limit = k or self._settings.index.top_k
        n = max(_CANDIDATES, limit * 3)
        # Glossary terms help keyword search; the embedding already carries the paraphrase
        # (measured on the gold set: same page hit@5, better rec-ID hit@5, one embedding less).
        dense_query = self.expanded_query(query, glossary=False)
        admits = _bm25.admitted(filters, view.chunks, view.doc_sha)
        dense = self._scored(view, view.dense.top(self.embedder().query(dense_query), admits, n))
        sparse = self._scored(
            view,
            [(c, s) for c, s in _bm25.scores(self._bm25_for(view), expanded, admits, n) if s > 0],
        )
        rankings = [Ranking("dense", dense), Ranking("bm25", sparse)]
        late_weight = self._settings.index.late_weight
        if late_weight > 0:
            pool = {c.id: c for c, _ in (*dense, *sparse)}
            late = self._late(view, query, list(pool.values()))
            rankings.append(Ranking("late", late, late_weight))
        slots = (
            {} if filters.kinds is not None else intent_slots(query, self._settings.index.rec_slots)
        )
        return fuse(rankings, k=limit, slots=slots)

    @staticmethod
    def _scored(view: _View, scored: Sequence[tuple[str, float]]) -> list[tuple[Chunk, float]]:
        return [
            (view.chunks[cid], score)
            for cid, score in scored
            if cid in view.chunks and not navigational(view.chunks[cid])
        ]

    def word_support(self, query: str, chunks: Sequence[Chunk]) -> list[float]:
        """For each content word of ``query``, its best cosine with a word of ``chunks``
        (late-interaction vectors): a word no passage comes near is what they miss."""
        view = self._view
        embedder = self.embedder()
        known = [c for c in chunks if c.id in view.doc_sha]
        rows = passage_rows(
            [(c, view.doc_sha[c.id]) for c in known],
            self._tokens,
            _chunks_of(view),
            embedder,
        )
        return token_support(embedder.query_tokens(query), rows)

    def _late(
        self, view: _View, query: str, candidates: Sequence[Chunk]
    ) -> list[tuple[Chunk, float]]:
        embedder = self.embedder()
        return late_ranking(
            embedder.query_tokens(query),
            [(c, view.doc_sha[c.id]) for c in candidates],
            self._tokens,
            _chunks_of(view),
            embedder,
        )

    def vocabulary(self) -> frozenset[str]:
        """Lower-cased words of every indexed chunk (for spotting names a document never uses)."""
        with self._lock:
            if self._vocabulary is None:
                words: set[str] = set()
                for chunk in self._view.chunks.values():
                    words.update(_WORDS.findall(chunk.text.lower()))
                self._vocabulary = frozenset(words)
            return self._vocabulary

    def expanded_query(self, query: str, *, glossary: bool = True) -> str:
        """The query with the other form of its acronyms and the glossary terms it paraphrases."""
        manifest = self.manifest()
        acronyms = [(a[0], a[1]) for d in manifest.documents.values() for a in d.acronyms]
        expanded = expand_query(query, acronyms)
        threshold = self._settings.index.glossary_threshold
        if threshold >= 1.0 or not glossary:
            return expanded
        terms_matrix = self._glossary_vectors()
        if terms_matrix is None:
            return expanded
        terms, matrix = terms_matrix
        scores = matrix @ np.asarray(self.embedder().query(query), dtype=np.float32)
        similarities = list(zip(terms, (float(x) for x in scores), strict=True))
        chosen = glossary_terms(query, similarities, threshold=threshold)
        return f"{expanded} ({'; '.join(chosen)})" if chosen else expanded

    def _glossary_vectors(self) -> tuple[list[str], Any] | None:
        """Distinct glossary entries of the library and their (unit) vectors as one matrix."""
        with self._lock:
            if self._glossary is None:
                entries = list(
                    dict.fromkeys(
                        (t, d) for e in self.manifest().documents.values() for t, d in e.glossary
                    )
                )
                if not entries:
                    self._glossary = ([], np.zeros((0, 1), dtype=np.float32))
                else:
                    vectors = self.embedder().texts([f"{t}: {d}" for t, d in entries])
                    self._glossary = (
                        [t for t, _ in entries],
                        np.asarray(vectors, dtype=np.float32),
                    )
            glossary = self._glossary
        return glossary if glossary[0] else None

    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = self._checked_embedder()
            return self._embedder

    def _checked_embedder(self) -> Embedder:
        manifest = self._view.manifest
        name = self._settings.index.embed_model
        if manifest is not None and manifest.documents and manifest.model != name:
            raise EmbeddingModelMismatchError(
                f"the index at {self._where} was built with {manifest.model!r} but "
                f"{name!r} is configured; set SMP_GUIDE_INDEX__EMBED_MODEL={manifest.model} "
                "or run `smp-guide index rebuild` to re-embed."
            )
        embedder = load_embedder(name, batch_size=self._settings.index.embed_batch_size)
        if (
            manifest is not None
            and manifest.documents
            and (embedder.info.dimension != manifest.dimension)
        ):
            raise EmbeddingModelMismatchError(
                f"{name!r} gives {embedder.info.dimension}-dimensional vectors but the "
                f"index holds {manifest.dimension}; run `smp-guide index rebuild`."
            )
        return embedder

    def _bm25_for(self, view: _View) -> BM25Retriever:
        with self._lock:
            if self._bm25 is None or view is not self._view:
                folder = _bm25.cache_folder(
                    self._dir, self._settings.index.collection, self._published(view).active_shas()
                )
                retriever = _bm25.load_or_build(folder, view.chunks, view.doc_sha, self._dir)
                if view is not self._view:
                    return retriever  # a newer manifest came in meanwhile: not cached
                self._bm25 = retriever
            return self._bm25

    # ----------------------------------------------------------------- writing
    def add(
        self, result: IngestResult, *, pdf: Path | None = None, progress: ProgressFn | None = None
    ) -> AddReport:
        """Index one ingested document; a new version of the same file replaces the old.

        With ``pdf``, a copy of the file is kept so the chat can open it at a cited page.
        """
        entry = DocumentEntry.of(result.document, chunks=len(result.chunks))
        return self._add(entry, result.chunks, pdf=pdf, progress=progress)

    def add_stored(
        self, entry: DocumentEntry, chunks: Sequence[Chunk], *, progress: ProgressFn | None = None
    ) -> AddReport:
        """Index a document's chunks under its manifest entry (also used by rebuild)."""
        return self._add(entry, chunks, pdf=None, progress=progress)

    def pdf_path(self, document_id: str) -> Path | None:
        """The stored copy of an indexed document's PDF, looked up by its document ID only."""
        entry = next((d for d in self.manifest().documents.values() if d.id == document_id), None)
        if entry is None:
            return None
        path = self._dir / "store" / f"{entry.content_sha256}.pdf"
        return path if path.is_file() else None

    def _add(
        self,
        entry: DocumentEntry,
        chunks: Sequence[Chunk],
        *,
        pdf: Path | None,
        progress: ProgressFn | None,
    ) -> AddReport:
        started = time.perf_counter()
        sha = entry.content_sha256
        store = self._dir / "store"
        with self._writing():
            self._refresh()
            manifest = self._ensure_manifest()
            old = manifest.documents.get(entry.key)
            with write_errors(self._dir):
                if pdf is not None:  # under the lock: no other writer's clean-up removes it
                    store_pdf(store, sha, pdf)
                if old is not None and old.content_sha256 == sha and self._count(sha) == old.chunks:
                    seconds = time.perf_counter() - started
                    return AddReport(entry.title, "unchanged", old.chunks, 0, seconds)
                ensure_room(self._dir, chunks)
                store_chunks(store, sha, chunks)
                embedded, tokens = self._embed_missing(entry.key, sha, chunks, progress)
                if len(tokens) == len(chunks):
                    self._tokens.save(sha, [c.id for c in chunks], [tokens[c.id] for c in chunks])
                else:  # resumed after an interrupted ingest: some vectors were already stored
                    self._tokens.rows(sha, lambda _: chunks, self.embedder())
                documents = {**manifest.documents, entry.key: entry}
                generation = manifest.generation + 1
                self._publish(
                    manifest.model_copy(update={"documents": documents, "generation": generation})
                )
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
            documents = {k: v for k, v in manifest.documents.items() if k != entry.key}
            with write_errors(self._dir):
                self._publish(
                    manifest.model_copy(
                        update={"documents": documents, "generation": manifest.generation + 1}
                    )
                )
                self._collect_garbage()
        return DocumentInfo(
            entry.key, entry.id, entry.title, entry.n_pages, entry.chunks, entry.ingested_at
        )

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """The folder's write lock; Chroma failing to write on a full disk says so."""
        if self._private is not None or not writable(self._dir):
            raise not_writable(self._dir, "read-only file system or no space left")
        with write_lock(self._dir):
            try:
                self._reconnect()
                yield
            except IndexCorruptError as exc:
                if low_on_space(self._dir):
                    raise not_writable(self._dir, "no space left on device") from exc
                raise

    # ----------------------------------------------------------------- internals
    def _name(self) -> str:
        return self._settings.index.collection

    def _collection(self) -> Any:
        collection = existing_collection(self._client, self._name(), self._where)
        if collection is None:
            raise IndexNotBuiltError(
                f"no index at {self._where}; run `smp-guide ingest PDF` first."
            )
        return collection

    def _refresh(self, *, force: bool = True) -> None:
        """Re-read the manifest; reload chunks and BM25 when another writer changed it.

        Over HTTP, searches call it at most every ``_REFRESH_SECONDS`` (each read is a round
        trip to the server); embedded reads are cheap, so a local index is always current.
        Writes always refresh.
        """
        with self._lock:
            now = time.monotonic()
            throttled = self._settings.chroma_url is not None and not force
            if throttled and now - self._refreshed < _REFRESH_SECONDS:
                return
            self._refreshed = now
            collection = existing_collection(self._client, self._name(), self._where)
            raw = None if collection is None else (collection.metadata or {}).get(MANIFEST_KEY)
            if raw is None:
                self._view = _View()
                return
            manifest = Manifest.from_json(str(raw), where=self._where)
            current = self._view.manifest
            if (
                current is None
                or manifest.generation != current.generation
                or (manifest.active_shas() != current.active_shas())
            ):
                if current is not None and self._reconnect():
                    collection = self._collection()
                self._load_view(collection, manifest)

    def _ensure_manifest(self) -> Manifest:
        if self._view.manifest is not None:
            return self._view.manifest
        embedder = self.embedder()
        manifest = Manifest(
            model=self._settings.index.embed_model,
            model_version=embedder.info.version,
            dimension=embedder.info.dimension,
        )
        new_collection(self._client, self._name(), self._where, {MANIFEST_KEY: manifest.to_json()})
        with self._lock:
            self._view = _View(manifest)
        return manifest

    def _publish(self, manifest: Manifest) -> None:
        collection = self._collection()
        with chroma_errors(self._where):
            collection.modify(metadata={MANIFEST_KEY: manifest.to_json()})
        self._dir.mkdir(parents=True, exist_ok=True)
        write_local_copy(self._dir / "documents.json", manifest)
        with self._lock:
            self._load_view(collection, manifest)

    def _load_view(self, collection: Any, manifest: Manifest) -> None:
        """Read what a manifest publishes and swap it in whole (caller holds the lock)."""
        chunks: dict[str, Chunk] = {}
        doc_sha: dict[str, str] = {}
        for entry in manifest.documents.values():
            sha = entry.content_sha256
            stored = self._load_store(sha)
            if stored is None:
                with chroma_errors(self._where):
                    got = collection.get(where={"doc_sha": sha}, include=["metadatas"])
                stored = [chunk_from_metadata(m) for m in got["metadatas"] or []]
            for chunk in stored:
                chunks[chunk.id] = chunk
                doc_sha[chunk.id] = sha
        shas = manifest.active_shas()
        self._vectors = {sha: self._vectors_of(collection, sha) for sha in shas}
        dense = DenseVectors.of([self._vectors[sha] for sha in shas])
        self._view = _View(manifest, chunks, doc_sha, dense)
        # Everything derived from the chunks is rebuilt on next use.
        self._bm25, self._glossary, self._vocabulary = None, None, None
        self._tokens.forget()

    def _vectors_of(self, collection: Any, sha: str) -> tuple[list[str], Any]:
        """A published version's (chunk IDs, vectors): content-addressed, so read once."""
        if sha not in self._vectors:
            with chroma_errors(self._where):
                got = collection.get(where={"doc_sha": sha}, include=["embeddings"])
            embeddings = got["embeddings"]
            self._vectors[sha] = (list(got["ids"]), [] if embeddings is None else embeddings)
        return self._vectors[sha]

    def _count(self, sha: str) -> int:
        with chroma_errors(self._where):
            return len(self._collection().get(where={"doc_sha": sha}, include=[])["ids"])

    def _embed_missing(
        self, key: str, sha: str, chunks: Sequence[Chunk], progress: ProgressFn | None
    ) -> tuple[int, dict[str, np.ndarray]]:
        """Embed the chunks Chroma lacks; returns their number and their token vectors."""
        return embed_missing(
            self._collection(),
            self.embedder(),
            [to_node(c, doc_key=key, doc_sha=sha) for c in chunks],
            sha=sha,
            batch=self._settings.index.embed_batch_size,
            progress=progress,
            where=self._where,
        )

    def _collect_garbage(self) -> None:
        """Delete vectors and stored files of versions the manifest no longer names.

        Runs under the write lock, after publishing: a version some other writer has
        stored but not yet published cannot exist then (it stores only under the lock).
        """
        manifest = self._view.manifest
        active = manifest.active_shas() if manifest and manifest.documents else []
        delete_unpublished(self._collection(), active, self._where)
        collect_store(self._dir / "store", active)

    def _load_store(self, sha: str) -> list[Chunk] | None:
        if not (self._dir / "store" / f"{sha}.jsonl").is_file():
            return None
        return stored_chunks(self._dir, sha)

    def _resolve(self, refs: Sequence[str]) -> tuple[str, ...]:
        manifest = self.manifest()
        shas = []
        for ref in refs:
            entry = manifest.find(ref)
            if entry is None:
                raise InputError(
                    f"no indexed document matches {ref!r}; see `smp-guide index list`."
                )
            shas.append(entry.content_sha256)
        return tuple(shas)


def open_index(*, settings: IndexConfig) -> GuideIndex:
    return GuideIndex(settings=settings)


def _chunks_of(view: _View) -> Callable[[str], list[Chunk]]:
    """A document's chunks by its hash. Called only when a document's token vectors must
    be recomputed (rare): a walk over every chunk is not paid on each search."""
    return lambda sha: [c for c in view.chunks.values() if view.doc_sha[c.id] == sha]
