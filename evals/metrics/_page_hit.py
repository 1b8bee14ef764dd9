"""page_hit@k: does any of the top-k retrieved sources sit on an expected printed page?"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ragas.dataset_schema import SingleTurnSample
from ragas.metrics.base import MetricType
from typing_extensions import override

from evals._answer_quality import page_hit_at
from evals.metrics._base import OfflineMetric

if t.TYPE_CHECKING:
    from langchain_core.callbacks import Callbacks


@dataclass
class PageHitAtK(OfflineMetric):
    """1.0 when one of the first ``k`` sources' printed pages is in ``expected_pages``.

    Only meaningful for answerable questions with expected pages: the scoring suite
    does not give it the others (a question without expected pages raises).
    """

    k: int = 5
    name: str = ""
    _required_columns: dict[MetricType, set[str]] = field(
        default_factory=lambda: {MetricType.SINGLE_TURN: {"user_input"}}
    )

    def __post_init__(self) -> None:
        if not self.name:
            self.name = f"page_hit@{self.k}"

    @override
    async def _single_turn_ascore(self, sample: SingleTurnSample, callbacks: Callbacks) -> float:
        case = self.book.case(sample.user_input)
        value = page_hit_at(self.k)(case.question, case.answer)
        if value is None:
            raise ValueError(f"{case.question.id}: page_hit needs expected_pages")
        return value
