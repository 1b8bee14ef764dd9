"""The answer engine: one Assistant per process holds the index and the model."""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from assistant._coverage import is_covered
from assistant._evidence import Evidence, TermStats, chosen, question_terms, uncovered, weighed
from assistant._extractive import (
    Passage,
    compose,
    in_reading_order,
    quote_for,
    quoted_chunks,
    verified,
)
from assistant._llm import build_llm, checked, prompt_for, rewrite_follow_up
from assistant._lookup import Lookup, lookup
from assistant._markdown import plain_answer
from assistant._query import is_follow_up, search_query
from assistant._records import Answer, Citation, FollowUp, Source
from assistant._references import reference
from assistant._validate import checked_chapters, checked_question
from assistant.settings import AssistantConfig
from index import GuideIndex, Hit, open_index
from ingest import Chunk

if TYPE_CHECKING:  # llama-index loads only with an LLM: answering needs none
    from llama_index.core.llms import LLM

log = logging.getLogger(__name__)

_CONTEXT_K = 4
_CONTEXT_BONUS = 0.05
"""Evidence added to a follow-up's passages in the previous answer's chapters or recs."""


def _in_context(context: FollowUp | None) -> Callable[[Evidence], float]:
    if context is None:
        return lambda _: 0.0

    def bonus(e: Evidence) -> float:
        chunk = e.hit.chunk
        near = chunk.chapter in context.chapters or chunk.rec_id in context.rec_ids
        return _CONTEXT_BONUS if near else 0.0

    return bonus


def _with_query_shown(answer: Answer, question: str, query: str) -> Answer:
    """A follow-up's answer says how the question was read ("Searching for: ...")."""
    if query == question:
        return answer
    return replace(answer, notices=(f"Searching for: {query}", *answer.notices))


class Assistant:
    """Answers questions from the indexed publications; load once, ask many times."""

    def __init__(self, *, settings: AssistantConfig, llm: LLM | None = None) -> None:
        self.settings = settings
        self.index: GuideIndex = open_index(settings=settings)
        options = settings.assistant
        self._stats: tuple[tuple[str, ...], TermStats] | None = None
        self._stats_lock = threading.Lock()
        self._llm = llm
        if llm is None and options.llm:
            self._llm = build_llm(
                options.llm, base_url=options.llm_base_url, timeout=options.llm_timeout
            )

    def warm_up(self) -> None:
        """Load the model, BM25 and glossary now rather than on the first question."""
        self.index.search("warm up", k=1)

    def answer(
        self,
        question: str,
        *,
        history: Sequence[str] = (),
        chapters: Sequence[int] | None = None,
        recommendations_only: bool = False,
        previous: FollowUp | None = None,
    ) -> Answer:
        """Answer one question; safe to call from several threads at once.

        CPU work (search, quoting) takes one of ``cpu_slots()``; the LLM's HTTP wait takes
        none, so users waiting for an LLM never hold up answers that need no LLM.
        """
        chapters = checked_chapters(self.index, chapters)
        question = self._checked(question)
        if found := self._looked_up(question, chapters, recommendations_only):
            return found
        query = self._search_query(question, history)  # an LLM rewrite waits outside
        kinds = ["recommendation"] if recommendations_only else None
        context = previous if query != question else None
        with cpu_slots():
            hits = self.index.search(
                query, k=self.settings.index.top_k, chapters=chapters or None, kinds=kinds
            )
            if context is not None and context.chapters and not chapters:
                # A follow-up is about what the last answer was about: search there too.
                near = self.index.search(query, k=_CONTEXT_K, chapters=sorted(context.chapters))
                seen = {h.chunk.id for h in hits}
                hits += [h for h in near if h.chunk.id not in seen]
            sources = tuple(self._source(rank, h) for rank, h in enumerate(hits, start=1))
            best = max((h.dense for h in hits if h.dense is not None), default=None)
            covered, why = is_covered(
                question,
                best,
                self.index.vocabulary(),
                floor=self.settings.assistant.min_similarity,
            )
            if not covered:
                return Answer(question, self._not_covered(hits, why), False, (), sources, query)
            if self._llm is None:
                answer = self._extractive(question, query, hits, sources, context)
                return _with_query_shown(answer, question, query)
        try:
            return _with_query_shown(
                self._llm_answer(question, query, hits, sources), question, query
            )
        except Exception as exc:  # noqa: BLE001 - any LLM failure falls back to extractive
            log.warning("LLM failed (%s); answering extractively", exc)
            notice = (
                f"The LLM ({self.settings.assistant.llm or 'configured model'}) failed "
                f"({exc.__class__.__name__}); this is the extractive answer."
            )
            with cpu_slots():
                answer = self._extractive(question, query, hits, sources)
            return Answer(
                answer.question, answer.text, True, answer.citations, sources, query, (notice,)
            )

    def context_of(self, answer_text: str) -> FollowUp:
        """What an earlier answer was about, read off its text (``Answer.text``, or the
        chat's Markdown message of it): the chapters and recommendations of the chunks it
        quotes. The chat keeps the same from the answer's citations (``FollowUp.of``).
        """
        chunks = quoted_chunks(f"{answer_text}\n{plain_answer(answer_text)}", self.index.chunks())
        return FollowUp.of([{"chapter": c.chapter, "rec_id": c.rec_id} for c in chunks])

    # ------------------------------------------------------------------ internals
    def _checked(self, question: str) -> str:
        return checked_question(question, limit=self.settings.assistant.max_question_chars)

    def _looked_up(
        self, question: str, chapters: Sequence[int] | None, recommendations_only: bool
    ) -> Answer | None:
        """The answer read off the document's structure when the question names a unit."""
        documents = self.index.manifest().documents.values()
        found: Lookup | None = lookup(
            question,
            self.index.chunks(),
            documents,
            chapters=chapters,
            recommendations_only=recommendations_only,
        )
        if found is None:
            return None
        citations = tuple(
            self._citation(n, chunk, quote) for n, (chunk, quote) in enumerate(found.quoted, 1)
        )
        sources = tuple(
            self._source(n, Hit(chunk=chunk, score=1.0))
            for n, (chunk, _) in enumerate(found.quoted, 1)
        )
        text = found.text(self._term_stats().lowercase)
        return Answer(question, text, found.covered, citations, sources, question)

    def _search_query(self, question: str, history: Sequence[str]) -> str:
        previous = [h for h in history if h.strip()]
        if self._llm is not None and previous and is_follow_up(question):
            try:
                return rewrite_follow_up(self._llm, question, previous[-1])
            except Exception as exc:  # noqa: BLE001 - fall back to the rule-based rewrite
                log.warning("LLM rewrite failed (%s); using the rule-based rewrite", exc)
        return search_query(question, previous)

    def _extractive(
        self,
        question: str,
        query: str,
        hits: list[Hit],
        sources: tuple[Source, ...],
        context: FollowUp | None = None,
    ) -> Answer:
        options = self.settings.assistant
        embedder = self.index.embedder()
        vector = embedder.query(query)
        stats = self._term_stats()
        evidence = weighed(hits, question, vector, embedder.texts, question_terms(query, stats))
        support = self.index.word_support(query, [e.hit.chunk for e in evidence[:3]])
        why = uncovered(evidence, word_support=support)
        if why:
            return Answer(question, self._not_covered(hits, why), False, (), sources, query)
        picked = chosen(
            evidence,
            question,
            max_passages=options.max_passages,
            margin=options.passage_margin,
            bonus=_in_context(context),
        )
        passages = in_reading_order(verified([Passage(e.hit, e.quote) for e in picked]))
        citations = tuple(
            self._citation(n, p.hit.chunk, p.quote) for n, p in enumerate(passages, start=1)
        )
        text = compose(passages, stats.lowercase)
        return Answer(question, text, True, citations, sources, query)

    def _term_stats(self) -> TermStats:
        """Word statistics of the indexed chunks, rebuilt when the documents change."""
        key = tuple(sorted(d.content_sha256 for d in self.index.manifest().documents.values()))
        with self._stats_lock:
            if self._stats is None or self._stats[0] != key:
                self._stats = (key, TermStats.of(self.index.chunks()))
            return self._stats[1]

    def _llm_answer(
        self, question: str, query: str, hits: list[Hit], sources: tuple[Source, ...]
    ) -> Answer:
        assert self._llm is not None
        chunks = [h.chunk for h in hits[: self.settings.assistant.max_passages + 2]]
        raw = str(self._llm.complete(prompt_for(question, chunks)).text)  # no slot held
        with cpu_slots():
            text, cited, notices = checked(raw, chunks)
            embedder = self.index.embedder()
            vector = embedder.query(question)
            citations = tuple(
                self._citation(n, chunks[n - 1], quote_for(chunks[n - 1], vector, embedder.texts))
                for n in cited
            )
        return Answer(question, text, True, citations, sources, query, tuple(notices))

    def _not_covered(self, hits: list[Hit], why: str) -> str:
        nearest = []
        for h in hits[:3]:
            if h.chunk.location() not in nearest:
                nearest.append(h.chunk.location())
        text = f"The publication does not appear to cover this question ({why})."
        if nearest:
            text += " The nearest sections are: " + "; ".join(nearest) + "."
        return text

    def _reference(self, chunk: Chunk) -> str:
        options = self.settings.assistant
        entry = next(
            (d for d in self.index.manifest().documents.values() if d.id == chunk.document_id), None
        )
        author = (
            options.reference_author
            if options.reference_author is not None
            else (entry.author if entry else "")
        )
        year = (
            options.reference_year
            if options.reference_year is not None
            else (entry.year if entry else "")
        )
        return reference(chunk, template=options.reference_format, author=author, year=year)

    def _located(self, chunk: Chunk, quote: str) -> dict[str, Any]:
        return {
            "chunk_id": chunk.id,
            "document": chunk.document_title,
            "chapter": chunk.chapter,
            "chapter_title": chunk.chapter_title,
            "section": chunk.section,
            "kind": chunk.kind,
            "rec_id": chunk.rec_id,
            "page_labels": chunk.page_labels,
            "page_indexes": chunk.page_indexes,
            "quote": quote,
            "reference": self._reference(chunk),
            "document_id": chunk.document_id,
        }

    def _citation(self, n: int, chunk: Chunk, quote: str) -> Citation:
        return Citation(n=n, **self._located(chunk, quote))

    def _source(self, rank: int, hit: Hit) -> Source:
        return Source(
            rank=rank,
            score=hit.score,
            similarity=hit.dense,
            **self._located(hit.chunk, hit.chunk.text),
        )


@functools.cache
def cpu_slots() -> threading.BoundedSemaphore:
    """Answers computing at once in this process: one per core available to it.

    More would only slice the same cores finer (each model pass already uses them all)
    while every answer in flight waits longer.
    """
    return threading.BoundedSemaphore(max(1, len(os.sched_getaffinity(0))))
