"""Retriever: the search pipeline, in order, over what a Library publishes.

    expand -> dense -> BM25 -> late -> fuse (with reserved slots)

Each step is a function of typed inputs; ``Retriever.search`` runs them in that order.
What a step derives from the published chunks (the BM25 index, the glossary vectors, the
vocabulary) is built once per published version and dropped when a new one comes in.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index import _bm25
from index._bm25 import Admits, Bm25Index
from index._embedder import Embedder
from index._late import late_ranking, passage_rows, token_support
from index._library import Library, Published
from index._manifest import Manifest
from index._records import Hit
from index._search import (
    Filters,
    Ranking,
    expand_query,
    fuse,
    glossary_terms,
    intent_slots,
    navigational,
)
from index._vector_cache import cached_rows
from ingest import Chunk, InputError

_CANDIDATES = 90
_WORDS = re.compile(r"[^\W_][\w'-]*")  # letters of any script: "kédougou" is one word

Scored = list[tuple[Chunk, float]]


@dataclass(frozen=True)
class Glossary:
    """A library's distinct glossary terms and their entries' unit vectors, one row each."""

    terms: tuple[str, ...]
    matrix: np.ndarray

    def similarities(self, vector: Sequence[float]) -> list[tuple[str, float]]:
        """(term, cosine of its entry with ``vector``) for every term."""
        scores = self.matrix @ np.asarray(vector, dtype=np.float32)
        return list(zip(self.terms, (float(x) for x in scores), strict=True))


@dataclass(frozen=True)
class Asked:
    """A question as the steps take it: the expand step's output."""

    text: str
    keywords: str
    """With the other form of its acronyms and the glossary terms it paraphrases (BM25)."""
    semantic: str
    """With the other form of its acronyms only: the embedding already carries paraphrase."""
    filters: Filters
    limit: int
    candidates: int

    def admits(self, view: Published) -> Admits | None:
        if not self.filters.any():
            return None
        filters, chunks, doc_sha = self.filters, view.chunks, view.doc_sha
        return lambda cid: cid in chunks and filters.admits(chunks[cid], doc_sha.get(cid, ""))


@dataclass
class _Derived:
    """What is built lazily from one published version."""

    view: Published
    bm25: Bm25Index | None = None
    glossary: Glossary | None = None
    vocabulary: frozenset[str] | None = None


# ----------------------------------------------------------------- the steps
def expanded(
    query: str, manifest: Manifest, similarities: Sequence[tuple[str, float]], *, threshold: float
) -> str:
    """Expand: the query with the other form of its acronyms and the glossary terms whose
    definitions it paraphrases (``similarities``: glossary term, cosine with the query)."""
    text = expand_query(query, _acronyms(manifest))
    chosen = glossary_terms(query, similarities, threshold=threshold) if similarities else []
    return f"{text} ({'; '.join(chosen)})" if chosen else text


def dense_ranking(view: Published, asked: Asked, embedder: Embedder) -> Ranking:
    """Dense: exact cosine of the question's embedding with every admitted chunk."""
    vector = embedder.query(asked.semantic)
    top = view.dense.top(vector, asked.admits(view), asked.candidates, on_torch=embedder.on_torch)
    return Ranking("dense", _answering(view, top))


def bm25_ranking(view: Published, asked: Asked, bm25: Bm25Index) -> Ranking:
    """BM25: keyword scores of the admitted chunks sharing a term with the question."""
    scored = bm25.scores(asked.keywords, asked.admits(view), asked.candidates)
    return Ranking("bm25", _answering(view, [(c, s) for c, s in scored if s > 0]))


def late_interaction_ranking(
    view: Published, asked: Asked, pool: Sequence[Ranking], library: Library, weight: float
) -> Ranking:
    """Late: the dense and BM25 candidates reordered by MaxSim with the question's words."""
    candidates = {c.id: c for ranking in pool for c, _ in ranking.scored}
    embedder = library.embedder()
    late = late_ranking(
        embedder.query_tokens(asked.text),
        [(c, view.doc_sha[c.id]) for c in candidates.values()],
        library.tokens,
        view.chunks_of,
        embedder,
    )
    return Ranking("late", late, weight)


def fused(rankings: Sequence[Ranking], asked: Asked, *, rec_slots: int) -> list[Hit]:
    """Fuse, reserving head places for the kinds the question asks for (unless filtered)."""
    kinds_chosen = asked.filters.kinds is not None
    slots = {} if kinds_chosen else intent_slots(asked.text, rec_slots)
    return fuse(rankings, k=asked.limit, slots=slots)


def _answering(view: Published, scored: Sequence[tuple[str, float]]) -> Scored:
    """The published chunks of (chunk ID, score) pairs, without contents pages."""
    return [
        (view.chunks[cid], score)
        for cid, score in scored
        if cid in view.chunks and not navigational(view.chunks[cid])
    ]


# ----------------------------------------------------------------- the pipeline
class Retriever:
    """Hybrid search over a Library's published documents."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._options = library.settings.index
        self._lock = threading.RLock()
        self._derived = _Derived(Published())

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        chapters: Sequence[int] | None = None,
        kinds: Sequence[str] | None = None,
        documents: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The best chunks for a query, fused from dense, BM25 and late-interaction rankings."""
        view = self._library.published()
        filters = Filters(
            tuple(chapters) if chapters else None,
            tuple(kinds) if kinds else None,
            _shas(self._library.manifest_of(view), documents) if documents else None,
        )
        asked = self._asked(query, filters, k or self._options.top_k)
        embedder = self._library.embedder()
        rankings = [
            dense_ranking(view, asked, embedder),
            bm25_ranking(view, asked, self._bm25(view)),
        ]
        if self._options.late_weight > 0:
            weight = self._options.late_weight
            rankings.append(late_interaction_ranking(view, asked, rankings, self._library, weight))
        return fused(rankings, asked, rec_slots=self._options.rec_slots)

    def _asked(self, query: str, filters: Filters, limit: int) -> Asked:
        keywords = self.expanded_query(query)
        # Glossary terms help keyword search; the embedding already carries the paraphrase
        # (measured on the gold set: same page hit@5, better rec-ID hit@5, one embedding less).
        semantic = self.expanded_query(query, glossary=False)
        return Asked(query, keywords, semantic, filters, limit, max(_CANDIDATES, limit * 3))

    def expanded_query(self, query: str, *, glossary: bool = True) -> str:
        """The query with the other form of its acronyms and the glossary terms it paraphrases."""
        manifest = self._library.manifest()
        vectors = self._glossary_vectors() if glossary and self._glossary_on() else None
        similarities = (
            [] if vectors is None else vectors.similarities(self._library.embedder().query(query))
        )
        threshold = self._options.glossary_threshold
        return expanded(query, manifest, similarities, threshold=threshold)

    def word_support(self, query: str, chunks: Sequence[Chunk]) -> list[float]:
        """For each content word of ``query``, its best cosine with a word of ``chunks``
        (late-interaction vectors): a word no passage comes near is what they miss."""
        view = self._library.current()
        embedder = self._library.embedder()
        known = [(c, view.doc_sha[c.id]) for c in chunks if c.id in view.doc_sha]
        rows = passage_rows(known, self._library.tokens, view.chunks_of, embedder)
        return token_support(embedder.query_tokens(query), rows, on_torch=embedder.on_torch)

    def vocabulary(self) -> frozenset[str]:
        """Lower-cased words of every indexed chunk (for spotting names a document never uses)."""
        with self._lock:
            derived = self._derived_of(self._library.current())
            if derived.vocabulary is None:
                words: set[str] = set()
                for chunk in derived.view.chunks.values():
                    words.update(_WORDS.findall(chunk.text.lower()))
                derived.vocabulary = frozenset(words)
            return derived.vocabulary

    def _glossary_on(self) -> bool:
        return self._options.glossary_threshold < 1.0

    def _glossary_vectors(self) -> Glossary | None:
        """Distinct glossary entries of the library and their (unit) vectors as one matrix."""
        with self._lock:
            derived = self._derived_of(self._library.current())
            if derived.glossary is None:
                derived.glossary = _glossary(self._library.manifest(), self._library)
            return derived.glossary if derived.glossary.terms else None

    def _bm25(self, view: Published) -> Bm25Index:
        with self._lock:
            derived = self._derived_of(view)
            if derived.bm25 is None:
                folder = _bm25.cache_folder(
                    self._library.folder,
                    self._options.collection,
                    self._library.manifest_of(view).active_shas(),
                )
                derived.bm25 = _bm25.load_or_build(folder, view.chunks, self._library.folder)
            return derived.bm25

    def _derived_of(self, view: Published) -> _Derived:
        """The cache of ``view``; kept only while it is the library's current view."""
        if self._derived.view is view:
            return self._derived
        derived = _Derived(view)
        if view is self._library.current():
            self._derived = derived
        return derived


def _glossary(manifest: Manifest, library: Library) -> Glossary:
    entries = list(
        dict.fromkeys((t, d) for e in manifest.documents.values() for t, d in e.glossary)
    )
    if not entries:
        return Glossary((), np.zeros((0, 1), dtype=np.float32))
    texts = [f"{t}: {d}" for t, d in entries]
    key = [manifest.model, manifest.model_version, *texts]
    vectors = cached_rows(
        library.folder, "glossary", key, lambda: np.asarray(library.embedder().texts(texts))
    )
    return Glossary(tuple(t for t, _ in entries), vectors)


def _acronyms(manifest: Manifest) -> list[tuple[str, str]]:
    return [(a[0], a[1]) for d in manifest.documents.values() for a in d.acronyms]


def _shas(manifest: Manifest, refs: Sequence[str]) -> tuple[str, ...]:
    """The content hashes of the documents ``refs`` name (file name, ID or title)."""
    shas = []
    for ref in refs:
        entry = manifest.find(ref)
        if entry is None:
            raise InputError(f"no indexed document matches {ref!r}; see `smp-guide index list`.")
        shas.append(entry.content_sha256)
    return tuple(shas)
