"""The project's own Ragas metrics (legacy ``SingleTurnMetric`` classes for ``ragas.evaluate``).

Each looks up the assistant's full answer in a shared ``CaseBook`` keyed by question text.
"""

from evals.metrics._answer import AnswerMetric
from evals.metrics._cases import CaseBook, EvalCase, match_key
from evals.metrics._citation_validity import CitationValidity
from evals.metrics._grounded import GroundedSentenceRatio
from evals.metrics._not_covered import NotCoveredAccuracy
from evals.metrics._page_hit import PageHitAtK
from evals.metrics._pdf_pages import PdfPages

__all__ = [
    "AnswerMetric",
    "CaseBook",
    "CitationValidity",
    "EvalCase",
    "GroundedSentenceRatio",
    "NotCoveredAccuracy",
    "PageHitAtK",
    "PdfPages",
    "match_key",
]
