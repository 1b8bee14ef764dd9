"""not_covered_accuracy: the assistant says "not covered" exactly when the gold says so."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ragas.dataset_schema import SingleTurnSample
from ragas.metrics.base import MetricType
from typing_extensions import override

from evals._answer_quality import not_covered_accuracy
from evals.metrics._base import OfflineMetric

if t.TYPE_CHECKING:
    from langchain_core.callbacks import Callbacks


@dataclass
class NotCoveredAccuracy(OfflineMetric):
    """1.0 when ``answer.covered == question.answerable``, else 0.0 (all questions)."""

    name: str = "not_covered_accuracy"
    _required_columns: dict[MetricType, set[str]] = field(
        default_factory=lambda: {MetricType.SINGLE_TURN: {"user_input"}}
    )

    @override
    async def _single_turn_ascore(self, sample: SingleTurnSample, callbacks: Callbacks) -> float:
        case = self.book.case(sample.user_input)
        return not_covered_accuracy(case.question, case.answer)
