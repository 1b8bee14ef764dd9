"""Evals: drives the assistant from outside over gold datasets and scores it.

Public surface: the dataset schema and loader, gold candidates from the chat's ratings
(``candidates_from_feedback``, ``read_feedback``, ``indexed_documents``), the run
(``run_eval`` -> ``RunReport``),
the thresholds of the CI gate, the answer-quality metrics as plain functions (reused by
the benchmarks), run comparison and question generation; the evals' settings
(``EvalRunSettings``: the application's settings plus the ``evals`` section) and
``DatasetError``. The metrics live in ``evals.metrics``; the CLI (``smp-guide eval``) in
``evals.cli``. Importing this package does not import ragas (``run_eval`` loads it on
first use) and changes no environment variable: the ``smp-guide`` entry point turns
ragas telemetry off, and a scoring run refuses to start while it is on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evals._answer_quality import (
    ANSWER_METRICS,
    AnswerScore,
    mean_score,
    not_covered_accuracy,
    page_hit_at,
)
from evals._compare import Delta, compare_means
from evals._dataset import (
    FeedbackCitation,
    FeedbackNote,
    GoldQuestion,
    bundled_datasets,
    dataset_hash,
    load_dataset,
)
from evals._feedback import candidates_from_feedback, indexed_documents, read_feedback
from evals._records import MetricSummary, QuestionResult, RunReport, read_means
from evals._thresholds import THRESHOLDS, Threshold
from evals.errors import DatasetError
from evals.settings import EvalRunSettings, EvalSettings

if TYPE_CHECKING:
    from evals._run import run_eval

__all__ = [
    "ANSWER_METRICS",
    "THRESHOLDS",
    "AnswerScore",
    "DatasetError",
    "Delta",
    "EvalRunSettings",
    "EvalSettings",
    "FeedbackCitation",
    "FeedbackNote",
    "GoldQuestion",
    "MetricSummary",
    "QuestionResult",
    "RunReport",
    "Threshold",
    "bundled_datasets",
    "candidates_from_feedback",
    "compare_means",
    "dataset_hash",
    "indexed_documents",
    "load_dataset",
    "mean_score",
    "not_covered_accuracy",
    "page_hit_at",
    "read_feedback",
    "read_means",
    "run_eval",
]


def __getattr__(name: str) -> Any:
    if name == "run_eval":  # imported lazily: it pulls in ragas and the assistant
        from evals._run import run_eval

        return run_eval
    raise AttributeError(f"module 'evals' has no attribute {name!r}")
