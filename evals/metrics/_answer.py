"""Ragas wrappers of the plain answer-quality functions of ``evals._answer_quality``."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ragas.dataset_schema import SingleTurnSample
from ragas.metrics.base import MetricType
from typing_extensions import override

from evals._answer_quality import AnswerScore
from evals.metrics._base import OfflineMetric
from evals.metrics._cases import EvalCase

if t.TYPE_CHECKING:
    from langchain_core.callbacks import Callbacks


def _unset(_question: object, _answer: object) -> float | None:
    raise TypeError("AnswerMetric needs a function")


@dataclass
class AnswerMetric(OfflineMetric):
    """A metric computed by ``function(gold question, answer)`` from the case book.

    The function decides its own scope (None: not in scope); the scoring suite gives
    the metric only the cases in it (``applies``), so a None here is a bug and raises.
    """

    function: AnswerScore = _unset
    _required_columns: dict[MetricType, set[str]] = field(
        default_factory=lambda: {MetricType.SINGLE_TURN: {"user_input"}}
    )

    def applies(self, case: EvalCase) -> bool:
        return self.function(case.question, case.answer) is not None

    @override
    async def _single_turn_ascore(self, sample: SingleTurnSample, callbacks: Callbacks) -> float:
        case = self.book.case(sample.user_input)
        value = self.function(case.question, case.answer)
        if value is None:
            raise ValueError(f"{case.question.id}: {self.name} was given a question out of scope")
        return value
