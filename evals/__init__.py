"""Evals: drives the assistant from outside over gold datasets and scores it.

Public surface: the dataset schema and loader, the run (``run_eval`` -> ``RunReport``),
the thresholds of the CI gate, the answer-quality metrics as plain functions (reused by
the benchmarks), run comparison and question generation. The metrics
live in ``evals.metrics``; the CLI (``smp-guide eval``) in ``evals.cli``. Importing
this package does not import ragas (``run_eval`` loads it on first use) but it does turn
ragas telemetry off for the process.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# Before any module of this package imports ragas: ragas sends usage telemetry unless this
# is exactly "true", and caches its reading on first use.
os.environ["RAGAS_DO_NOT_TRACK"] = "true"

from evals._answer_quality import (
    ANSWER_METRICS,
    AnswerScore,
    mean_score,
    not_covered_accuracy,
    page_hit_at,
)
from evals._compare import Delta, compare_means
from evals._dataset import GoldQuestion, bundled_datasets, dataset_hash, load_dataset
from evals._records import MetricSummary, QuestionResult, RunReport, read_means
from evals._thresholds import THRESHOLDS, Threshold

if TYPE_CHECKING:
    from evals._run import run_eval

__all__ = [
    "ANSWER_METRICS",
    "THRESHOLDS",
    "AnswerScore",
    "Delta",
    "GoldQuestion",
    "MetricSummary",
    "QuestionResult",
    "RunReport",
    "Threshold",
    "bundled_datasets",
    "compare_means",
    "dataset_hash",
    "load_dataset",
    "mean_score",
    "not_covered_accuracy",
    "page_hit_at",
    "read_means",
    "run_eval",
]


def __getattr__(name: str) -> Any:
    if name == "run_eval":  # imported lazily: it pulls in ragas and the assistant
        from evals._run import run_eval

        return run_eval
    raise AttributeError(f"module 'evals' has no attribute {name!r}")
