"""What every project metric shares: the case book it looks answers up in, and no model."""

from __future__ import annotations

from dataclasses import dataclass, field

from ragas.metrics.base import SingleTurnMetric
from ragas.run_config import RunConfig

from evals.metrics._cases import CaseBook


@dataclass
class OfflineMetric(SingleTurnMetric):
    """A Ragas single-turn metric computed from the ``CaseBook`` alone: no LLM, no network."""

    book: CaseBook = field(default_factory=CaseBook)

    def init(self, run_config: RunConfig) -> None:
        """Nothing to load: no model, no network."""
