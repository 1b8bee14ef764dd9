"""Questions naming a recommendation, a chapter or a defined term, answered from structure.

The question set is generated from the sample's own chunks: every recommendation ID
asked two ways, every chapter's recommendations and outline, every glossary term and
every acronym. Each must cite exactly the right chunks, in order, on their pages.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from assistant import Answer, Assistant, Settings, body_sentences
from assistant._lookup import lookup
from evals import bundled_datasets, load_dataset
from ingest import Chunk, IngestResult

Case = tuple[str, list[Chunk]]
ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"]


@pytest.fixture(scope="module")
def assistant(sample_settings: Settings) -> Assistant:
    return Assistant(settings=sample_settings)


@pytest.fixture(scope="module")
def chunks(sample_ingested: IngestResult) -> list[Chunk]:
    return list(sample_ingested.chunks)


def _recs(chunks: Sequence[Chunk], chapter: int | None = None) -> list[Chunk]:
    return [
        c
        for c in chunks
        if c.kind == "recommendation" and (chapter is None or c.chapter == chapter)
    ]


def _chapters(chunks: Sequence[Chunk]) -> list[int]:
    return sorted({c.chapter for c in chunks if c.chapter is not None})


def id_cases(chunks: Sequence[Chunk]) -> list[Case]:
    cases: list[Case] = []
    for rec_id in dict.fromkeys(c.rec_id for c in _recs(chunks)):
        assert rec_id is not None
        expected = [c for c in chunks if c.rec_id == rec_id]
        cases.append((rec_id, expected))
        cases.append((f"What does recommendation {rec_id[1:]} say?", expected))
    return cases


def chapter_rec_cases(chunks: Sequence[Chunk]) -> list[Case]:
    cases: list[Case] = []
    for n in _chapters(chunks):
        firsts = list({c.rec_id: c for c in reversed(_recs(chunks, n))}.values())[::-1]
        cases.append((f"Give me the recommendations of chapter {n}", firsts))
        cases.append((f"what are the recommendations in chapter {ROMAN[n]}?", firsts))
    return cases


def term_cases(result: IngestResult) -> list[Case]:
    chunks = result.chunks
    glossary = {c.term.casefold(): c for c in chunks if c.kind == "glossary" and c.term}
    acronyms = {c.term: c for c in chunks if c.kind == "acronym" and c.term}
    expansion = dict(result.document.acronyms)
    cases: list[Case] = []
    for short, entry in acronyms.items():
        linked = glossary.get(expansion[short].casefold())
        expected = sorted([entry, *([linked] if linked else [])], key=lambda c: c.position)
        cases.append((f"What does {short} stand for?", expected))
        cases.append((f"What is an {short}?", expected))
    for term, entry in glossary.items():
        named = [a for s, a in acronyms.items() if expansion[s].casefold() == term]
        expected = sorted([entry, *named], key=lambda c: c.position)
        cases.append((f"What is {entry.term}?", expected))
    return cases


def cover_cases(chunks: Sequence[Chunk]) -> list[Case]:
    return [
        (f"What does chapter {n} cover?", [next(c for c in chunks if c.chapter == n)])
        for n in _chapters(chunks)
    ]


def _wrong(answer: Answer, expected: Sequence[Chunk], by_id: dict[str, Chunk]) -> str | None:
    """Why the answer is not the structural answer citing ``expected``, or None when it is."""
    got = [c.chunk_id for c in answer.citations]
    if got != [c.id for c in expected]:
        return f"cites {[by_id[i].rec_id or by_id[i].term or i for i in got]}"
    if answer.covered != bool(expected) or answer.sources and answer.sources[0].similarity:
        return f"covered={answer.covered}, or answered by search"
    for citation, chunk in zip(answer.citations, expected, strict=True):
        if citation.page_labels != chunk.page_labels or citation.rec_id != chunk.rec_id:
            return f"[{citation.n}] on pages {citation.page_labels}, not {chunk.page_labels}"
    body = body_sentences(answer.text)
    if [numbers for _, numbers in body] != [[c.n] for c in answer.citations]:
        return f"bullets {body} do not match the citations"
    for (quote, (n,)), citation in zip(body, answer.citations, strict=True):
        if quote != citation.quote or quote not in by_id[citation.chunk_id].text:
            return f"[{n}] quote is not verbatim: {quote!r}"
    return None


def _score(ask: Callable[[str], Answer], cases: Sequence[Case], chunks: Sequence[Chunk]) -> int:
    by_id = {c.id: c for c in chunks}
    failures = []
    for question, expected in cases:
        why = _wrong(ask(question), expected, by_id)
        if why:
            failures.append(f"{question!r}: {why}")
    assert not failures, f"{len(failures)} of {len(cases)} look-ups wrong:\n" + "\n".join(failures)
    return len(cases)


def test_every_recommendation_id_is_answered_with_that_recommendation(
    assistant: Assistant, chunks: list[Chunk]
) -> None:
    cases = id_cases(chunks)
    assert len(cases) == 2 * len(_recs(chunks)) >= 100
    _score(assistant.answer, cases, chunks)
    for spelling in ("r4.2", "recommendation 4.2", "rec 4.2", "What is R4.2 about?"):
        assert [c.rec_id for c in assistant.answer(spelling).citations] == ["R4.2"], spelling


def test_every_chapter_lists_its_recommendations_in_order(
    assistant: Assistant, chunks: list[Chunk]
) -> None:
    _score(assistant.answer, chapter_rec_cases(chunks), chunks)
    answer = assistant.answer("chapter 11 recommendations")
    listed = ", ".join(f"{c.rec_id} (p. {c.page_labels[0]})" for c in _recs(chunks, 11))
    assert listed in answer.text, answer.text
    empty = assistant.answer("Give me the recommendations of chapter 1")
    assert "has no recommendations" in empty.text and not empty.covered, empty.text


def test_every_defined_term_and_acronym_gives_definition_and_expansion(
    assistant: Assistant, sample_ingested: IngestResult
) -> None:
    cases = term_cases(sample_ingested)
    assert len(cases) == 2 * len(sample_ingested.document.acronyms) + len(
        sample_ingested.document.glossary
    )
    _score(assistant.answer, cases, sample_ingested.chunks)
    both = {"SMP", "Skills Mobility Partnership"}
    for question in (
        "What is an SMP?",
        "what are SMPs",
        "What are skills mobility partnerships?",
        "define SKILLS MOBILITY PARTNERSHIP",
        "What does the acronym SMP mean?",
        "What is SMP short for?",
        "what is the meaning of skills mobility partnership",
    ):
        assert {c.chunk_id for c in assistant.answer(question).citations} == {
            c.id for c in sample_ingested.chunks if c.term in both
        }, question


def test_the_bundled_glossary_questions_cite_their_expected_entry(assistant: Assistant) -> None:
    gold = [
        q
        for q in load_dataset(bundled_datasets() / "sample_gold.jsonl")
        if q.expected_chapter in ("Acronyms", "Glossary of terms")
    ]
    assert len(gold) >= 3
    for q in gold:
        answer = assistant.answer(q.question)
        cited = [c for c in answer.citations if c.quote == q.reference_quote]
        assert cited and set(cited[0].page_labels) <= set(q.expected_pages), (q.id, answer.text)


def test_every_chapter_outline_names_title_sections_pages_and_recommendations(
    assistant: Assistant, chunks: list[Chunk]
) -> None:
    _score(assistant.answer, cover_cases(chunks), chunks)
    for n in _chapters(chunks):
        text = assistant.answer(f"what is chapter {n} about").text
        lead = text.splitlines()[0].casefold()  # titles are given in sentence case
        mine = [c for c in chunks if c.chapter == n]
        assert mine[0].chapter_title.casefold() in lead, lead
        sections = list(dict.fromkeys(c.section for c in mine if c.section != c.chapter_title))
        first_pages = [next(c for c in mine if c.section == s).page_labels[0] for s in sections]
        places = [
            lead.find(f"{s} (p. {p})".casefold())
            for s, p in zip(sections, first_pages, strict=True)
        ]
        assert -1 not in places and places == sorted(places), (sections, lead)
        for rec in _recs(chunks, n):
            assert (rec.rec_id or "").casefold() in lead, (rec.rec_id, lead)


def test_a_long_rationale_is_quoted_as_its_recommendation_sentences(chunks: list[Chunk]) -> None:
    rec = next(c for c in chunks if c.rec_id == "R4.2")
    rationale = next(c for c in chunks if c.chapter == 4 and c.kind == "narrative")
    long = dataclasses.replace(rec, text=f"{rec.text} {rationale.text}")
    assert len(long.text.split()) > 70
    found = lookup("R4.2", [c if c is not rec else long for c in chunks], [])
    assert found is not None
    quote = found.quoted[0][1]
    assert quote.startswith(rec.text) and quote in long.text and len(quote.split()) <= 40, quote


def test_unknown_ids_and_chapters_are_named_not_answered_by_similarity(
    assistant: Assistant, chunks: list[Chunk]
) -> None:
    answer = assistant.answer("R9.9")
    ids = [c.rec_id for c in _recs(chunks, 9)]
    assert not answer.covered and not answer.citations and not answer.sources
    assert "no recommendation R9.9" in answer.text and f"{ids[0]}-{ids[-1]}" in answer.text
    assert "no recommendation R2.1" in assistant.answer("rec 2.1").text
    missing = assistant.answer("chapter 40 recommendations")
    assert not missing.covered and "no chapter 40" in missing.text, missing.text


def test_roman_and_printed_chapter_numbers(chunks: list[Chunk]) -> None:
    printed = [
        dataclasses.replace(c, chapter_printed=ROMAN[c.chapter]) if c.chapter else c for c in chunks
    ]
    for question in ("recommendations of chapter IV", "chapter iv recommendations"):
        found = lookup(question, printed, [])
        assert found is not None and found.lead.startswith("Chapter IV ("), question
        assert [c.id for c, _ in found.quoted] == [c.id for c in _recs(chunks, 4)]
    cover = lookup("What does chapter XII cover?", printed, [])
    assert cover is not None and [c.chapter for c, _ in cover.quoted] == [12]


def test_an_id_in_two_documents_is_answered_from_both(chunks: list[Chunk]) -> None:
    other = [
        dataclasses.replace(c, document_id="other", document_title="Another guide") for c in chunks
    ]
    found = lookup("R4.2", [*chunks, *other], [])
    assert found is not None
    assert sorted(c.document_id for c, _ in found.quoted) == sorted(
        [chunks[0].document_id, "other"]
    )
    assert chunks[0].document_title in found.lead and "Another guide" in found.lead


def test_chapter_filters_and_recommendation_filter_send_look_ups_to_search(
    assistant: Assistant, chunks: list[Chunk]
) -> None:
    docs: list[Any] = []
    assert lookup("R4.2", chunks, docs, chapters=[5]) is None
    assert lookup("R4.2", chunks, docs, chapters=[4, 5]) is not None
    assert lookup("What is an SMP?", chunks, docs, chapters=[4]) is None
    assert lookup("chapter 3", chunks, docs, recommendations_only=True) is None
    filtered = assistant.answer("R4.2", chapters=[5])
    assert filtered.sources and filtered.sources[0].similarity is not None
    assert all(c.chapter == 5 for c in filtered.citations)


def test_unknown_terms_and_topical_questions_fall_through_to_search(
    assistant: Assistant, chunks: list[Chunk]
) -> None:
    for question in (
        "What is a blockchain?",
        "What is the role of employers?",
        "What does the scheme offer the young people who don't go abroad?",
        "How should recommendation R4.2 be funded by local employers?",
    ):
        assert lookup(question, chunks, []) is None, question
    answer = assistant.answer("What is a blockchain?")
    assert answer.sources and answer.sources[0].similarity is not None


def test_look_ups_embed_nothing(sample_settings: Settings, chunks: list[Chunk]) -> None:
    fresh = Assistant(settings=sample_settings)
    embedder = fresh.index.embedder()  # loaded first: the test is about what look-ups embed
    queries, texts = set(embedder.queries), len(embedder.cache)
    questions = [q for q, _ in [*id_cases(chunks), *cover_cases(chunks)]]
    start = time.perf_counter()
    for question in questions:
        fresh.answer(question)
    per_question = (time.perf_counter() - start) / len(questions)
    assert set(embedder.queries) == queries and len(embedder.cache) == texts
    assert per_question < 0.05, f"{per_question * 1000:.1f} ms per look-up"
