"""grounded_sentence_ratio: the offline faithfulness measure of this project.

The share of the answer's quoted lines (``assistant.body_sentences``) that occur
verbatim (whitespace-normalised) in at least one chunk they cite. This is a string
check, not Ragas' LLM ``Faithfulness`` (which runs only with ``--judge``).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ragas.dataset_schema import SingleTurnSample
from ragas.metrics.base import MetricType
from typing_extensions import override

from assistant import body_sentences
from evals.metrics._base import OfflineMetric
from evals.metrics._cases import EvalCase, squeeze

if t.TYPE_CHECKING:
    from langchain_core.callbacks import Callbacks


@dataclass
class GroundedSentenceRatio(OfflineMetric):
    """Supported quoted lines / quoted lines.

    An answer with no quoted line scores 1.0 when it says "not covered" (it asserts
    nothing) and 0.0 when it claims coverage (nothing of it is grounded by quotation).
    Reasons for unsupported lines are kept in ``problems`` by question text.
    """

    name: str = "grounded_sentence_ratio"
    problems: dict[str, list[str]] = field(default_factory=dict)
    _required_columns: dict[MetricType, set[str]] = field(
        default_factory=lambda: {MetricType.SINGLE_TURN: {"user_input", "response"}}
    )

    @override
    async def _single_turn_ascore(self, sample: SingleTurnSample, callbacks: Callbacks) -> float:
        case = self.book.case(sample.user_input)
        lines = body_sentences(sample.response or "")
        problems: list[str] = []
        if not lines:
            if case.answer.covered:
                problems.append("covered answer without quoted lines")
            self.problems[case.question.question] = problems
            return 0.0 if case.answer.covered else 1.0
        supported = 0
        for text, numbers in lines:
            why = _unsupported(case, text, numbers)
            if why:
                problems.append(why)
            else:
                supported += 1
        self.problems[case.question.question] = problems
        return supported / len(lines)


def _unsupported(case: EvalCase, text: str, numbers: list[int]) -> str:
    """Why a quoted line is not supported by its cited chunks ('' when it is)."""
    if not numbers:
        return f"no citation: {text[:60]!r}"
    by_n = {c.n: c for c in case.answer.citations}
    unknown = [n for n in numbers if n not in by_n]
    if unknown:
        return f"[{unknown[0]}] does not resolve: {text[:60]!r}"
    line = squeeze(text)
    for n in numbers:
        chunk = case.chunk_texts.get(by_n[n].chunk_id)
        if chunk is not None and line in squeeze(chunk):
            return ""
    return f"not in cited chunk(s) {numbers}: {text[:60]!r}"
