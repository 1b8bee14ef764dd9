"""GuideIndex: the document library behind the assistant (Chroma + BM25 + chunk store).

Writes never disturb readers: a new document version is embedded under its own
content hash while searches keep filtering on the versions the manifest names;
swapping the manifest (one atomic metadata write) publishes it, and only then are
the old version's vectors deleted. A killed ingest therefore leaves the previous
index serving, and the next ingest resumes where the killed one stopped.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
from llama_index.retrievers.bm25 import BM25Retriever
from llama_index.vector_stores.chroma import ChromaVectorStore

from index._chroma import chroma_errors, connect, existing_collection, new_collection
from index._embedder import Embedder, load_embedder
from index._late import TokenStore, late_ranking
from index._manifest import MANIFEST_KEY, DocumentEntry, Manifest, read_local_copy, write_local_copy
from index._nodes import chunk_from_metadata, embed_content, to_node
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
from ingest import Chunk, IngestResult, Settings
from ingest.errors import EmbeddingModelMismatchError, IndexNotBuiltError, InputError

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
_CANDIDATES = 90
_REFRESH_SECONDS = 2.0
_WORDS = re.compile(r"[a-z0-9][a-z0-9'-]*")


class GuideIndex:
    """One library of ingested documents. Create with ``open_index(settings=...)``."""

    def __init__(self, *, settings: Settings) -> None:
        self._settings = settings
        self._dir = settings.resolved_index_dir()
        self._where = settings.chroma_url or str(self._dir)
        self._client = connect(chroma_url=settings.chroma_url, path=self._dir / "chroma")
        self._embedder: Embedder | None = None
        self._manifest: Manifest | None = None
        self._chunks: dict[str, Chunk] = {}
        self._doc_sha: dict[str, str] = {}
        self._bm25: BM25Retriever | None = None
        self._glossary: tuple[list[str], Any] | None = None
        self._vocabulary: frozenset[str] | None = None
        self._handle: Any = None
        self._tokens = TokenStore(self._dir / "store", settings.index.embed_model)
        self._refreshed = 0.0
        self._refresh()

    # ----------------------------------------------------------------- reading
    def status(self) -> IndexStatus:
        manifest = self._manifest
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
        if self._manifest is None or not self._manifest.documents:
            raise IndexNotBuiltError(
                f"no documents are indexed at {self._where}; run `smp-guide ingest PDF` first."
            )
        return self._manifest

    def chunks(self) -> list[Chunk]:
        self.manifest()
        return sorted(self._chunks.values(), key=lambda c: (c.document_id, c.position))

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
        self.manifest()
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
        dense = [(c, s) for c, s in self._dense(dense_query, filters, n) if not navigational(c)]
        sparse = [(c, s) for c, s in self._sparse(expanded, filters, n) if not navigational(c)]
        rankings = [Ranking("dense", dense), Ranking("bm25", sparse)]
        late_weight = self._settings.index.late_weight
        if late_weight > 0:
            pool = {c.id: c for c, _ in (*dense, *sparse)}
            late = self._late(query, list(pool.values()))
            rankings.append(Ranking("late", late, late_weight))
        slots = (
            {} if filters.kinds is not None else intent_slots(query, self._settings.index.rec_slots)
        )
        return fuse(rankings, k=limit, slots=slots)

    def _late(self, query: str, candidates: Sequence[Chunk]) -> list[tuple[Chunk, float]]:
        embedder = self.embedder()
        return late_ranking(
            embedder.query_tokens(query),
            [(c, self._doc_sha[c.id]) for c in candidates],
            self._tokens,
            lambda sha: [c for c in self._chunks.values() if self._doc_sha[c.id] == sha],
            embedder,
        )

    def vocabulary(self) -> frozenset[str]:
        """Lower-cased words of every indexed chunk (for spotting names a document never uses)."""
        if self._vocabulary is None:
            words: set[str] = set()
            for chunk in self._chunks.values():
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
                self._glossary = ([t for t, _ in entries], np.asarray(vectors, dtype=np.float32))
        return self._glossary if self._glossary[0] else None

    def embedder(self) -> Embedder:
        if self._embedder is None:
            manifest = self._manifest
            name = self._settings.index.embed_model
            if manifest is not None and manifest.documents and manifest.model != name:
                raise EmbeddingModelMismatchError(
                    f"the index at {self._where} was built with {manifest.model!r} but "
                    f"{name!r} is configured; set SMP_GUIDE_INDEX__EMBED_MODEL={manifest.model} "
                    "or run `smp-guide index rebuild` to re-embed."
                )
            self._embedder = load_embedder(name, batch_size=self._settings.index.embed_batch_size)
            if (
                manifest is not None
                and manifest.documents
                and (self._embedder.info.dimension != manifest.dimension)
            ):
                raise EmbeddingModelMismatchError(
                    f"{name!r} gives {self._embedder.info.dimension}-dimensional vectors but the "
                    f"index holds {manifest.dimension}; run `smp-guide index rebuild`."
                )
        return self._embedder

    def _dense(self, query: str, filters: Filters, n: int) -> list[tuple[Chunk, float]]:
        collection = self._handle if self._handle is not None else self._collection()
        vector = self.embedder().query(query)
        shas = list(filters.documents or self.manifest().active_shas())
        parts: list[dict[str, Any]] = [{"doc_sha": {"$in": shas}}]
        if filters.chapters is not None:
            parts.append({"chapter": {"$in": list(filters.chapters)}})
        if filters.kinds is not None:
            parts.append({"kind": {"$in": list(filters.kinds)}})
        # Asked of Chroma directly, for IDs and distances only: llama-index's query would
        # rebuild a node from every hit's metadata (7 ms for 90 hits), and the chunks are
        # already in memory.
        with chroma_errors(self._where):
            result = collection.query(
                query_embeddings=[vector],
                n_results=n,
                where=parts[0] if len(parts) == 1 else {"$and": parts},
                include=["distances"],
            )
        ids, distances = (result["ids"] or [[]])[0], (result["distances"] or [[]])[0]
        # Collections use cosine space: distance = 1 - cosine similarity.
        return [
            (self._chunks[cid], 1.0 - float(d))
            for cid, d in zip(ids, distances, strict=True)
            if cid in self._chunks
        ]

    def _sparse(self, query: str, filters: Filters, n: int) -> list[tuple[Chunk, float]]:
        scored = self._bm25_scores(self._bm25_retriever(), query, filters, n)
        return [
            (self._chunks[cid], score) for cid, score in scored if score > 0 and cid in self._chunks
        ]

    def _bm25_scores(
        self, retriever: BM25Retriever, query: str, filters: Filters, n: int
    ) -> list[tuple[str, float]]:
        """(chunk ID, BM25 score) of the best admitted chunks, asked of the BM25 engine itself.

        The retriever's filters are fixed when it is built, and its ``retrieve`` builds a
        node per hit; its engine takes a per-query weight mask (what it does internally
        with filters) and returns bare scores.
        """
        ids = [str(entry["node_id"]) for entry in retriever.corpus]
        mask = None
        if filters.any():
            mask = np.array(
                [
                    cid in self._chunks
                    and filters.admits(self._chunks[cid], self._doc_sha.get(cid, ""))
                    for cid in ids
                ],
                dtype=float,
            )
        k = min(n, len(ids) if mask is None else int(mask.sum()))
        if k == 0:
            return []
        tokens = bm25s.tokenize(
            query,
            stemmer=retriever.stemmer,
            token_pattern=retriever.token_pattern,
            show_progress=False,
        )
        indexes, scores = retriever.bm25.retrieve(
            tokens, k=k, weight_mask=mask, show_progress=False
        )
        # A BM25 engine loaded with its corpus returns the corpus entries, not positions.
        return [
            (str(i["node_id"]) if isinstance(i, dict) else ids[int(i)], float(sc))
            for i, sc in zip(indexes[0], scores[0], strict=True)
        ]

    # ----------------------------------------------------------------- writing
    def add(
        self, result: IngestResult, *, pdf: Path | None = None, progress: ProgressFn | None = None
    ) -> AddReport:
        """Index one ingested document; a new version of the same file replaces the old.

        With ``pdf``, a copy of the file is kept so the chat can open it at a cited page.
        """
        entry = DocumentEntry.of(result.document, chunks=len(result.chunks))
        if pdf is not None:
            self._store_pdf(entry.content_sha256, pdf)
        return self.add_stored(entry, result.chunks, progress=progress)

    def pdf_path(self, document_id: str) -> Path | None:
        """The stored copy of an indexed document's PDF, looked up by its document ID only."""
        entry = next((d for d in self.manifest().documents.values() if d.id == document_id), None)
        if entry is None:
            return None
        path = self._dir / "store" / f"{entry.content_sha256}.pdf"
        return path if path.is_file() else None

    def _store_pdf(self, sha: str, pdf: Path) -> None:
        folder = self._dir / "store"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{sha}.pdf"
        if not target.is_file():
            tmp = folder / f"{sha}.pdf.tmp"
            shutil.copyfile(pdf, tmp)
            tmp.replace(target)

    def add_stored(
        self, entry: DocumentEntry, chunks: Sequence[Chunk], *, progress: ProgressFn | None = None
    ) -> AddReport:
        """Index a document's chunks under its manifest entry (also used by rebuild)."""
        started = time.perf_counter()
        sha = entry.content_sha256
        with self._write_lock():
            self._refresh()
            manifest = self._ensure_manifest()
            old = manifest.documents.get(entry.key)
            if old is not None and old.content_sha256 == sha and self._count(sha) == old.chunks:
                seconds = time.perf_counter() - started
                return AddReport(entry.title, "unchanged", old.chunks, 0, seconds)
            self._store_chunks(sha, chunks)
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
        status = "added" if old is None else "replaced"
        return AddReport(entry.title, status, len(chunks), embedded, time.perf_counter() - started)

    def remove(self, ref: str) -> DocumentInfo:
        with self._write_lock():
            self._refresh()
            manifest = self.manifest()
            entry = manifest.find(ref)
            if entry is None:
                known = ", ".join(sorted(manifest.documents)) or "none"
                raise InputError(f"no indexed document matches {ref!r}; indexed: {known}.")
            documents = {k: v for k, v in manifest.documents.items() if k != entry.key}
            self._publish(
                manifest.model_copy(
                    update={"documents": documents, "generation": manifest.generation + 1}
                )
            )
            self._collect_garbage()
        return DocumentInfo(
            entry.key, entry.id, entry.title, entry.n_pages, entry.chunks, entry.ingested_at
        )

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
        now = time.monotonic()
        throttled = self._settings.chroma_url is not None and not force
        if throttled and now - self._refreshed < _REFRESH_SECONDS:
            return
        self._refreshed = now
        collection = existing_collection(self._client, self._name(), self._where)
        self._handle = collection
        if collection is None:
            self._manifest = None
            return
        raw = (collection.metadata or {}).get(MANIFEST_KEY)
        if raw is None:
            self._manifest = None
            return
        manifest = Manifest.from_json(str(raw), where=self._where)
        if (
            self._manifest is None
            or manifest.generation != self._manifest.generation
            or (manifest.active_shas() != self._manifest.active_shas())
        ):
            self._manifest = manifest
            self._load_chunks(collection)

    def _ensure_manifest(self) -> Manifest:
        if self._manifest is not None:
            return self._manifest
        embedder = self.embedder()
        manifest = Manifest(
            model=self._settings.index.embed_model,
            model_version=embedder.info.version,
            dimension=embedder.info.dimension,
        )
        new_collection(self._client, self._name(), self._where, {MANIFEST_KEY: manifest.to_json()})
        self._manifest = manifest
        return manifest

    def _publish(self, manifest: Manifest) -> None:
        collection = self._collection()
        with chroma_errors(self._where):
            collection.modify(metadata={MANIFEST_KEY: manifest.to_json()})
        self._dir.mkdir(parents=True, exist_ok=True)
        write_local_copy(self._dir / "documents.json", manifest)
        self._manifest = manifest
        self._load_chunks(collection)

    def _load_chunks(self, collection: Any) -> None:
        manifest = self._manifest
        chunks: dict[str, Chunk] = {}
        doc_sha: dict[str, str] = {}
        for entry in manifest.documents.values() if manifest else ():
            sha = entry.content_sha256
            stored = self._load_store(sha)
            if stored is None:
                with chroma_errors(self._where):
                    got = collection.get(where={"doc_sha": sha}, include=["metadatas"])
                stored = [chunk_from_metadata(m) for m in got["metadatas"] or []]
            for chunk in stored:
                chunks[chunk.id] = chunk
                doc_sha[chunk.id] = sha
        self._chunks, self._doc_sha = chunks, doc_sha
        # Everything derived from the chunks is rebuilt on next use.
        self._bm25, self._glossary, self._vocabulary = None, None, None
        self._tokens.forget()

    def _count(self, sha: str) -> int:
        with chroma_errors(self._where):
            return len(self._collection().get(where={"doc_sha": sha}, include=[])["ids"])

    def _embed_missing(
        self, key: str, sha: str, chunks: Sequence[Chunk], progress: ProgressFn | None
    ) -> tuple[int, dict[str, np.ndarray]]:
        """Embed the chunks Chroma lacks; returns their number and their token vectors."""
        collection = self._collection()
        with chroma_errors(self._where):
            present = set(collection.get(where={"doc_sha": sha}, include=[])["ids"])
        todo = [to_node(c, doc_key=key, doc_sha=sha) for c in chunks if c.id not in present]
        store = ChromaVectorStore(chroma_collection=collection)
        embedder = self.embedder()
        batch = self._settings.index.embed_batch_size
        done = len(chunks) - len(todo)
        tokens: dict[str, np.ndarray] = {}
        for start in range(0, len(todo), batch):
            nodes = todo[start : start + batch]
            vectors, rows = embedder.passages([embed_content(n) for n in nodes])
            for node, vector, token_rows in zip(nodes, vectors, rows, strict=True):
                node.embedding = vector
                tokens[node.node_id] = token_rows
            with chroma_errors(self._where):
                store.add(nodes)
            done += len(nodes)
            if progress is not None:
                progress(done, len(chunks))
        return len(todo), tokens

    def _collect_garbage(self) -> None:
        """Delete vectors and stored chunks of versions the manifest no longer names."""
        manifest = self.manifest() if self._manifest and self._manifest.documents else None
        active = manifest.active_shas() if manifest else []
        with chroma_errors(self._where):
            collection = self._collection()
            if active:
                collection.delete(where={"doc_sha": {"$nin": active}})
            else:
                ids = collection.get(include=[])["ids"]
                if ids:
                    collection.delete(ids=ids)
        for path in (self._dir / "store").glob("*.*"):
            if path.name.split(".")[0] not in active:
                path.unlink(missing_ok=True)

    def _store_chunks(self, sha: str, chunks: Sequence[Chunk]) -> None:
        folder = self._dir / "store"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{sha}.jsonl.tmp"
        with tmp.open("w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")
        tmp.replace(folder / f"{sha}.jsonl")

    def _load_store(self, sha: str) -> list[Chunk] | None:
        if not (self._dir / "store" / f"{sha}.jsonl").is_file():
            return None
        return _stored_chunks(self._dir, sha)

    def _bm25_retriever(self) -> BM25Retriever:
        if self._bm25 is not None:
            return self._bm25
        manifest = self.manifest()
        tag = hashlib.sha256(
            f"{self._settings.index.collection}:{sorted(manifest.active_shas())}".encode()
        ).hexdigest()[:16]
        folder = self._dir / "bm25" / tag
        if (folder / "retriever.json").is_file():
            self._bm25 = BM25Retriever.from_persist_dir(str(folder), show_progress=False)
        else:
            self._bm25 = self._build_bm25(folder)
        return self._bm25

    def _build_bm25(self, folder: Path) -> BM25Retriever:
        nodes = [to_node(c, doc_key="", doc_sha=self._doc_sha[c.id]) for c in self._chunks.values()]
        # Only its engine is queried (_bm25_scores), so top-k here is a formality.
        retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=len(nodes))
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True, exist_ok=True)
        retriever.persist(str(tmp), show_progress=False)
        for old in folder.parent.iterdir():
            if old != tmp:
                shutil.rmtree(old, ignore_errors=True)
        tmp.replace(folder)
        return retriever

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

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        self._dir.mkdir(parents=True, exist_ok=True)
        with (self._dir / ".write.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def open_index(*, settings: Settings) -> GuideIndex:
    return GuideIndex(settings=settings)


def rebuild_index(*, settings: Settings, progress: ProgressFn | None = None) -> list[AddReport]:
    """Re-embed every document from the local chunk store into a fresh collection.

    Works when the Chroma data is damaged or was built with another model: it needs
    only ``documents.json`` and ``store/`` in the index folder.
    """
    folder = settings.resolved_index_dir()
    saved = read_local_copy(folder / "documents.json")
    if saved is None or not saved.documents:
        raise IndexNotBuiltError(
            f"nothing to rebuild at {folder}: no stored chunks; run `smp-guide ingest PDF`."
        )
    stored = [
        (entry, _stored_chunks(folder, entry.content_sha256)) for entry in saved.documents.values()
    ]
    if settings.chroma_url:
        client = connect(chroma_url=settings.chroma_url, path=folder / "chroma")
        with chroma_errors(settings.chroma_url):
            if existing_collection(client, settings.index.collection, settings.chroma_url):
                client.delete_collection(settings.index.collection)
    else:
        _discard_local_chroma(folder / "chroma")
    shutil.rmtree(folder / "bm25", ignore_errors=True)
    library = GuideIndex(settings=settings)
    return [library.add_stored(entry, chunks, progress=progress) for entry, chunks in stored]


def _discard_local_chroma(path: Path) -> None:
    # Chroma keeps one shared system per path in a process: clear it before deleting files.
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    shutil.rmtree(path, ignore_errors=True)


def _stored_chunks(folder: Path, sha: str) -> list[Chunk]:
    path = folder / "store" / f"{sha}.jsonl"
    if not path.is_file():
        raise IndexNotBuiltError(
            f"stored chunks for {sha[:12]} are missing from {folder}; ingest the PDF again."
        )
    with path.open(encoding="utf-8") as handle:
        return [Chunk.from_json(json.loads(line)) for line in handle if line.strip()]
