"""The CI gate: the one place where pass/fail thresholds of the evals live.

Most metrics are "higher is better" (gated with ``>=``); the rates of something going
wrong (``LOWER_IS_BETTER``) are gated with ``<=``. A metric without a threshold is
reported, not gated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, assert_never

GROUNDED_SENTENCE_RATIO = "grounded_sentence_ratio"
CITATION_VALIDITY = "citation_validity"
PAGE_HIT_AT_5 = "page_hit@5"
NOT_COVERED_ACCURACY = "not_covered_accuracy"
CITATION_PRECISION = "citation_precision"
ANSWER_HIT_AT_1 = "answer_hit@1"
QUOTE_QUALITY = "quote_quality"
FALSE_REFUSAL_RATE = "false_refusal_rate"
NOT_COVERED_RECALL = "not_covered_recall"

LOWER_IS_BETTER = frozenset({QUOTE_QUALITY, FALSE_REFUSAL_RATE})

_EPSILON = 1e-9


@dataclass(frozen=True)
class Threshold:
    metric: str
    op: Literal[">=", "<=", "=="]
    value: float

    def passes(self, score: float) -> bool:
        if self.op == "==":
            return abs(score - self.value) < _EPSILON
        if self.op == ">=":
            return score >= self.value - _EPSILON
        if self.op == "<=":
            return score <= self.value + _EPSILON
        assert_never(self.op)

    def describe(self) -> str:
        return f"{self.op} {self.value:g}"


def goodness(metric: str, score: float) -> float:
    """The score on a "higher is better" scale (for ranking and comparing)."""
    return 1.0 - score if metric in LOWER_IS_BETTER else score


THRESHOLDS: dict[str, Threshold] = {
    t.metric: t
    for t in (
        Threshold(GROUNDED_SENTENCE_RATIO, "==", 1.0),
        Threshold(CITATION_VALIDITY, "==", 1.0),
        Threshold(PAGE_HIT_AT_5, ">=", 0.95),
        Threshold(NOT_COVERED_ACCURACY, ">=", 0.92),
        Threshold(CITATION_PRECISION, ">=", 0.75),
        Threshold(ANSWER_HIT_AT_1, ">=", 0.80),
        Threshold(QUOTE_QUALITY, "<=", 0.0),
        Threshold(FALSE_REFUSAL_RATE, "<=", 0.02),
    )
}
