"""The answer engine on the real sample index: grounded quotes, valid citations,
calibrated not-covered decisions, filters, follow-ups, and the LLM path's checks."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.llms import CompletionResponse, MockLLM
from typing_extensions import override

from assistant import Answer, Assistant, QuestionError, Settings, body_sentences
from evals import bundled_datasets, load_dataset

GOLD = load_dataset(bundled_datasets() / "sample_gold.jsonl")


@pytest.fixture(scope="module")
def assistant(sample_settings: Settings) -> Assistant:
    return Assistant(settings=sample_settings)


@pytest.fixture(scope="module")
def gold_answers(assistant: Assistant) -> list[tuple[Any, Answer]]:
    return [(q, assistant.answer(q.question)) for q in GOLD]


def _chunk_text(assistant: Assistant, chunk_id: str) -> str:
    return next(c.text for c in assistant.index.chunks() if c.id == chunk_id)


def test_every_answer_sentence_is_verbatim_in_its_cited_chunk(
    assistant: Assistant, gold_answers: list[tuple[Any, Answer]]
) -> None:
    checked = 0
    for question, answer in gold_answers:
        if not answer.covered:
            continue
        by_n = {c.n: c for c in answer.citations}
        body = body_sentences(answer.text)
        assert body, f"{question.id}: covered answer without quoted lines"
        for text, numbers in body:
            assert numbers, f"{question.id}: quoted line without a citation: {text!r}"
            for n in numbers:
                assert n in by_n, f"{question.id}: [{n}] does not resolve"
                cited = _chunk_text(assistant, by_n[n].chunk_id)
                assert text in cited, f"{question.id}: {text!r} not verbatim in chunk [{n}]"
                assert by_n[n].quote in cited
            checked += 1
    # Answers quote one passage when one answers: about one line per covered answer.
    assert checked >= 70, f"only {checked} quoted lines checked"


def test_citations_are_numbered_and_brief_ready(gold_answers: list[tuple[Any, Answer]]) -> None:
    for _question, answer in gold_answers:
        assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
        for c in answer.citations:
            assert c.page_labels and c.reference.endswith(".")
            assert c.document in c.reference and "p." in c.reference, c.reference
            if c.chapter is not None:
                assert f"ch. {c.chapter}" in c.reference, c.reference


def test_not_covered_at_the_calibrated_rates(gold_answers: list[tuple[Any, Answer]]) -> None:
    unanswerable = [a for q, a in gold_answers if not q.answerable]
    answerable = [a for q, a in gold_answers if q.answerable]
    flagged = sum(not a.covered for a in unanswerable) / len(unanswerable)
    wrongly = sum(not a.covered for a in answerable) / len(answerable)
    assert flagged >= 0.70, f"only {flagged:.0%} of unanswerable questions said not covered"
    assert wrongly <= 0.05, f"{wrongly:.0%} of answerable questions said not covered"
    for answer in unanswerable:
        if not answer.covered:
            assert "does not appear to cover" in answer.text and not answer.citations


def test_chapter_filter_and_recommendations_only(assistant: Assistant) -> None:
    answer = assistant.answer("How should costs be shared?", chapters=[11])
    assert answer.sources and all(s.chapter == 11 for s in answer.sources)
    assert all(c.chapter == 11 for c in answer.citations)
    recs = assistant.answer("How should costs be shared?", recommendations_only=True)
    assert recs.citations and all(c.kind == "recommendation" and c.rec_id for c in recs.citations)
    assert all(s.kind == "recommendation" for s in recs.sources)


def test_follow_up_uses_the_conversation(assistant: Assistant) -> None:
    first = "How should the training of candidates be organised?"
    follow = assistant.answer("What about costs?", history=[first])
    assert "training" in follow.search_query and follow.search_query.startswith("What about costs?")
    alone = assistant.answer("How are skills recognised across borders?", history=[first])
    assert alone.search_query == "How are skills recognised across borders?"


def test_question_limits(assistant: Assistant) -> None:
    with pytest.raises(QuestionError, match="characters"):
        assistant.answer("why? " * 400)
    with pytest.raises(QuestionError, match="empty"):
        assistant.answer("   ")


class _ScriptedLLM(MockLLM):
    """llama-index's MockLLM with a fixed reply: tests the plumbing, not a model."""

    @override
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        assert "[1]" in prompt and "not instructions" in prompt
        return CompletionResponse(
            text="Employers should pay recruitment costs [1]. Workers pay the moon [42]."
        )


class _FailingLLM(MockLLM):
    @override
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        raise TimeoutError("model server did not answer")


def test_llm_unknown_citations_are_stripped_and_flagged(sample_settings: Settings) -> None:
    answer = Assistant(settings=sample_settings, llm=_ScriptedLLM()).answer(
        "Who pays recruitment costs?"
    )
    assert "[42]" not in answer.text and "[1]" in answer.text
    assert any("unknown source" in n for n in answer.notices), answer.notices
    assert [c.n for c in answer.citations] == [1]
    assert any("unsupported" in n for n in answer.notices), answer.notices


def test_llm_failure_falls_back_to_extractive(sample_settings: Settings) -> None:
    answer = Assistant(settings=sample_settings, llm=_FailingLLM()).answer(
        "Who pays recruitment costs?"
    )
    assert answer.covered and answer.citations and "[1]" in answer.text
    assert any("extractive" in n for n in answer.notices), answer.notices


def test_top_k_sets_how_many_sources_an_answer_has(
    assistant: Assistant, sample_settings: Settings
) -> None:
    question = "Who should pay for training the candidates?"
    default = assistant.answer(question)
    index = sample_settings.index.model_copy(update={"top_k": 3})
    fewer = Assistant(settings=sample_settings.model_copy(update={"index": index})).answer(question)
    assert default.covered and fewer.covered, (default.text, fewer.text)
    assert len(default.sources) == sample_settings.index.top_k != 3, default.sources
    assert len(fewer.sources) == 3, fewer.sources
    assert [s.rank for s in fewer.sources] == [1, 2, 3]
    assert len({s.chunk_id for s in fewer.sources}) == 3, fewer.sources
