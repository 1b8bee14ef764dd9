"""Answers worth pasting: quote-quality rules, sentence-case leads, evidence per passage."""

from __future__ import annotations

import pytest

from assistant import Assistant, Settings
from assistant._evidence import TermStats, question_terms, weighed
from assistant._lead import sentence_case
from assistant._quality import quote_flags
from index import Hit
from ingest import Chunk, ChunkKind

JUNK = [
    (
        "Actor Typical costs Own living costs during Stipends; no recruitment fees training",
        "labels",
    ),
    ("Joint Training in Selection Work in Return and planning CoO", "labels"),
    ("Public 14,529 8,547 58.8 Private 50,104 25,215 50.3 Total 64,633", "labels"),
    ("Chapter 3. Financing the partnership ........ 23", "contents"),
    ("HOW TO ENSURE ETHICAL RECRUITMENT IN THE CONTEXT OF SMPs?", "heading"),
    ("Cross-references are kept to a minimum.", "meta"),
    ("This chapter starts with the definition of SMPs and closes with a conclusion.", "meta"),
    ("ICT systems are well integrated across the organization5551 38 | 50", "cells"),
    ("Most staff agree that the tools are sufficient | 66 | 61", "cells"),
    (
        (
            "Autor, D., F. Levy and R. Murnane (2003), The skill content of recent "
            "technological change, Vol. 118/4, pp. 1279-1333."
        ),
        "bibliography",
    ),
]
GOOD = [
    "The partners agree on occupations, curricula and the recognition of skills.",
    "The Global Skills Partnership on Migration (GSP) Programme was launched in 2019.",
    "Employers should cover the recruitment costs of migrant workers.",
    "SMPs are structured in three phases: design, implementation and evaluation.",
    "In 2019 the partners trained 1500 nurses to the ISO27001 standard.",
]


@pytest.mark.parametrize(("quote", "flag"), JUNK)
def test_junk_is_flagged(quote: str, flag: str) -> None:
    assert flag in quote_flags(quote, kind="narrative", question="Who pays for training?")


@pytest.mark.parametrize("quote", GOOD)
def test_running_text_is_not_flagged(quote: str) -> None:
    assert quote_flags(quote, kind="narrative", question="Who pays for training?") == ()


def test_a_reference_entry_is_fine_when_the_question_asks_for_reading() -> None:
    course = "Online course: designing dual-track curricula. Open to all trainers."
    assert quote_flags(course, kind="further_resource", question="Where can I find a course?") == ()
    entry = JUNK[-1][0]
    assert (
        quote_flags(entry, kind="further_resource", question="What should I read on skills?") == ()
    )
    assert "bibliography" in quote_flags(entry, kind="further_resource", question="Who pays?")


def test_titles_are_given_in_sentence_case_keeping_names_and_acronyms() -> None:
    lowercase = {"how", "to", "ensure", "ethical", "recruitment", "in", "the", "context", "of"}
    title = "HOW TO ENSURE ETHICAL RECRUITMENT IN THE CONTEXT OF SMPs?"
    assert (
        sentence_case(title, lowercase)
        == "How to ensure ethical recruitment in the context of SMPs?"
    )
    assert sentence_case("The Role of Nigeria", {"the", "role", "of"}) == "The role of Nigeria"


def _chunk(text: str, title: str, position: int) -> Chunk:
    return Chunk(
        id=f"c{position}", document_id="d", document_title="Guide", position=position,
        chapter=11, chapter_title=title, section=title, kind="narrative", rec_id=None,
        page_labels=("41",), page_indexes=(50,), text=text,
    )  # fmt: skip


def test_a_word_set_in_capitals_only_in_headings_is_lowered_but_acronyms_and_names_keep_them() -> (
    None
):
    """Running text never writes "achieve" or "reduction": the title alone shows them, in
    capitals, as in a contents line; "UNESCO" and "Manuba" are written so in the text."""
    title = "HOW TO ACHIEVE COST REDUCTION WITH UNESCO IN MANUBA"
    chunks = [
        _chunk(
            "Contents\n11. HOW TO ACHIEVE COST REDUCTION WITH UNESCO IN MANUBA … 41", "Contents", 0
        ),
        _chunk(
            "Partners agree how to share the cost with UNESCO; the town of Manuba pays in kind.",
            title,
            1,
        ),
    ]
    stats = TermStats.of(chunks)
    assert (
        sentence_case(title, stats.lowercase)
        == "How to achieve cost reduction with UNESCO in MANUBA"
    )


@pytest.fixture(scope="module")
def assistant(sample_settings: Settings) -> Assistant:
    return Assistant(settings=sample_settings)


def test_the_lead_names_the_passage_that_answers_in_sentence_case(assistant: Assistant) -> None:
    answer = assistant.answer("Who should pay for training the candidates?")
    lead = answer.text.splitlines()[0]
    first = answer.citations[0]
    assert lead.startswith(f"Chapter {first.chapter}, ") and "answers this most directly" in lead
    assert first.chapter_title not in lead or not first.chapter_title.isupper(), lead
    unit = first.rec_id or f"p. {first.page_labels[0]}"
    assert unit in lead, lead


def test_every_quote_of_the_gold_answers_passes_the_quality_rules(assistant: Assistant) -> None:
    questions = [
        "Who should pay for training the candidates?",
        "How can trade unions be involved in a partnership?",
        "What should a partnership monitor once it runs?",
        "How are the skills of returning workers recognised?",
    ]
    for question in questions:
        answer = assistant.answer(question)
        assert answer.covered, question
        for c in answer.citations:
            assert quote_flags(c.quote, kind=c.kind, question=question) == (), c.quote


def test_a_word_no_passage_comes_near_has_low_support(assistant: Assistant) -> None:
    index = assistant.index
    hits = index.search("How do we set up cryptocurrency payments for trainee stipends?", k=3)
    odd = index.word_support("cryptocurrency", [h.chunk for h in hits])
    usual = index.word_support("training", [h.chunk for h in hits])
    assert min(odd) < min(usual) - 0.2, (odd, usual)


def test_a_question_asking_for_an_example_or_reading_names_that_kind() -> None:
    from assistant._evidence import kinds_asked

    assert kinds_asked("Is there an example of a union negotiating arrival support?") == {"box"}
    assert kinds_asked("Is there a toolkit for planning reintegration?") == {"further_resource"}
    assert kinds_asked("Who should pay for training?") == {"recommendation"}
    assert kinds_asked("Who paid for the training?") == frozenset()


def _hit(kind: ChunkKind, text: str, fused: float) -> Hit:
    chunk = Chunk(
        id=f"{kind}-{fused}",
        document_id="d",
        document_title="Guide",
        position=0,
        chapter=None if kind == "front_matter" else 3,
        chapter_title="Foreword" if kind == "front_matter" else "Financing",
        section="Foreword" if kind == "front_matter" else "Cost sharing",
        kind=kind,
        rec_id="R3.1" if kind == "recommendation" else None,
        page_labels=("v",) if kind == "front_matter" else ("23",),
        page_indexes=(4,) if kind == "front_matter" else (30,),
        text=text,
    )
    return Hit(chunk=chunk, score=fused, late=0.5)


def _first_kind(assistant: Assistant, question: str, hits: list[Hit]) -> str:
    embedder = assistant.index.embedder()
    terms = question_terms(question, TermStats.of(assistant.index.chunks()))
    evidence = weighed(hits, question, embedder.query(question), embedder.texts, terms)
    return evidence[0].hit.chunk.kind


def test_a_recommendation_leads_when_the_question_asks_what_to_do(assistant: Assistant) -> None:
    text = "Employers that gain trained workers should share the cost of their training."
    # The narrative passage ranks a little higher: without the rule it would lead.
    hits = [_hit("narrative", text, 0.062), _hit("recommendation", text, 0.060)]
    assert _first_kind(assistant, "Who should pay for the training?", hits) == "recommendation"
    assert _first_kind(assistant, "Who pays for the training?", hits) == "narrative"


def test_the_body_leads_over_a_front_matter_summary_of_it(assistant: Assistant) -> None:
    text = "Employers that gain trained workers share the cost of their training."
    hits = [_hit("front_matter", text, 0.062), _hit("narrative", text, 0.060)]
    assert _first_kind(assistant, "Who pays for the training?", hits) == "narrative"
