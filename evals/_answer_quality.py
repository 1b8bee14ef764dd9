"""Answer-quality metrics as plain functions of (gold question, answer): no Ragas needed.

Each returns a score in [0, 1], or None when the question is outside the metric's scope,
so the eval suite (through ``evals.metrics.AnswerMetric``) and the benchmarks compute
them the same way. Pages are compared by printed page label, or ``pdf:N`` for a page
without one, as in the gold ``expected_pages``.

- ``citation_precision``: citations on an expected page / all citations (answerable,
  with expected pages, answered as covered). A covered answer citing nothing scores 0.
- ``answer_hit@1``: the first citation is on an expected page (same scope).
- ``quote_quality``: share of citations whose quote ``quote_flags`` flags (covered answers
  with citations; lower is better).
- ``false_refusal_rate``: an answerable question answered "not covered" (answerable;
  lower is better).
- ``not_covered_recall``: an unanswerable question answered "not covered" (unanswerable).
- ``not_covered_accuracy``: "not covered" exactly when the gold says so (all questions).
- ``page_hit@5``: one of the first five sources is on an expected page (answerable with
  expected pages).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from assistant import quote_flags
from evals._thresholds import (
    ANSWER_HIT_AT_1,
    CITATION_PRECISION,
    FALSE_REFUSAL_RATE,
    NOT_COVERED_RECALL,
    QUOTE_QUALITY,
)

if TYPE_CHECKING:
    from assistant import Answer, Located
    from evals._dataset import GoldQuestion

AnswerScore = Callable[["GoldQuestion", "Answer"], "float | None"]


def pages_of(located: Located) -> set[str]:
    """A citation's or source's pages as the gold names them: printed label, else pdf:N."""
    labels = {label for label in located.page_labels if label}
    pairs = zip(located.page_labels, located.page_indexes, strict=False)
    return labels | {f"pdf:{index + 1}" for label, index in pairs if not label}


def _expected_and_covered(question: GoldQuestion, answer: Answer) -> set[str] | None:
    if not (question.answerable and question.expected_pages and answer.covered):
        return None
    return set(question.expected_pages)


def citation_precision(question: GoldQuestion, answer: Answer) -> float | None:
    expected = _expected_and_covered(question, answer)
    if expected is None:
        return None
    if not answer.citations:
        return 0.0
    right = sum(bool(pages_of(c) & expected) for c in answer.citations)
    return right / len(answer.citations)


def answer_hit_at_1(question: GoldQuestion, answer: Answer) -> float | None:
    expected = _expected_and_covered(question, answer)
    if expected is None:
        return None
    return 1.0 if answer.citations and pages_of(answer.citations[0]) & expected else 0.0


def quote_quality(question: GoldQuestion, answer: Answer) -> float | None:
    if not (answer.covered and answer.citations):
        return None
    flagged = sum(
        bool(quote_flags(c.quote, kind=c.kind, question=question.question))
        for c in answer.citations
    )
    return flagged / len(answer.citations)


def false_refusal_rate(question: GoldQuestion, answer: Answer) -> float | None:
    if not question.answerable:
        return None
    return 0.0 if answer.covered else 1.0


def not_covered_recall(question: GoldQuestion, answer: Answer) -> float | None:
    if question.answerable:
        return None
    return 0.0 if answer.covered else 1.0


def not_covered_accuracy(question: GoldQuestion, answer: Answer) -> float:
    return 1.0 if answer.covered == question.answerable else 0.0


def page_hit_at(k: int) -> AnswerScore:
    """page hit@k: one of the first ``k`` sources is on an expected page."""

    def page_hit(question: GoldQuestion, answer: Answer) -> float | None:
        if not (question.answerable and question.expected_pages):
            return None
        pages = set().union(*(pages_of(s) for s in answer.sources[:k]))
        return 1.0 if pages & set(question.expected_pages) else 0.0

    return page_hit


ANSWER_METRICS: Mapping[str, AnswerScore] = {
    CITATION_PRECISION: citation_precision,
    ANSWER_HIT_AT_1: answer_hit_at_1,
    QUOTE_QUALITY: quote_quality,
    FALSE_REFUSAL_RATE: false_refusal_rate,
    NOT_COVERED_RECALL: not_covered_recall,
}
"""The answer-quality metrics the eval suite adds beside its older offline metrics."""


def mean_score(
    function: AnswerScore, pairs: Sequence[tuple[GoldQuestion, Answer]]
) -> tuple[float | None, int]:
    """The mean over the questions in the metric's scope, and how many there were."""
    values = [v for q, a in pairs if (v := function(q, a)) is not None]
    return (sum(values) / len(values) if values else None), len(values)
