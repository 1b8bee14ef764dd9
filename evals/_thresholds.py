"""The CI gate: the one place where pass/fail thresholds of the evals live.

Every metric is "higher is better". A metric without a threshold is reported, not gated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GROUNDED_SENTENCE_RATIO = "grounded_sentence_ratio"
CITATION_VALIDITY = "citation_validity"
PAGE_HIT_AT_5 = "page_hit@5"
NOT_COVERED_ACCURACY = "not_covered_accuracy"


@dataclass(frozen=True)
class Threshold:
    metric: str
    op: Literal[">=", "=="]
    value: float

    def passes(self, score: float) -> bool:
        if self.op == "==":
            return abs(score - self.value) < 1e-9
        return score >= self.value - 1e-9

    def describe(self) -> str:
        return f"{self.op} {self.value:g}"


THRESHOLDS: dict[str, Threshold] = {
    t.metric: t
    for t in (
        Threshold(GROUNDED_SENTENCE_RATIO, ">=", 0.98),
        Threshold(CITATION_VALIDITY, "==", 1.0),
        Threshold(PAGE_HIT_AT_5, ">=", 0.95),
        Threshold(NOT_COVERED_ACCURACY, ">=", 0.85),
    )
}
