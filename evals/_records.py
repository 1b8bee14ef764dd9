"""Records of an eval run, as written to report.json (and read back by ``eval compare``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals._thresholds import goodness
from ingest import InputError

REPORT_JSON = "report.json"


@dataclass(frozen=True)
class SourceBrief:
    """A retrieved source as the report shows it."""

    rank: int
    chapter: str
    pages: str
    section: str
    first_words: str


@dataclass(frozen=True)
class QuestionResult:
    id: str
    dataset: str
    document: str
    question: str
    answerable: bool
    expected_chapter: str
    expected_pages: list[str]
    covered: bool
    answer: str
    scores: dict[str, float | None]
    problems: list[str]
    top_sources: list[SourceBrief]

    def overall(self) -> float:
        """Mean of the question's scores, higher is better (for ranking the worst questions)."""
        values = [goodness(name, v) for name, v in self.scores.items() if v is not None]
        return sum(values) / len(values) if values else 1.0


@dataclass(frozen=True)
class MetricSummary:
    name: str
    mean: float | None
    n: int
    threshold: str | None
    passed: bool | None


@dataclass(frozen=True)
class DatasetInfo:
    path: str
    sha256_16: str
    questions: int


@dataclass(frozen=True)
class RunMetadata:
    timestamp: str
    git_commit: str
    judge: str
    answerer: str
    embed_model: str
    embed_model_version: str
    dimension: int
    chunking: dict[str, Any]
    index_documents: list[dict[str, Any]]
    datasets: list[DatasetInfo]


@dataclass(frozen=True)
class RunReport:
    metadata: RunMetadata
    metrics: list[MetricSummary]
    per_chapter: dict[str, dict[str, float | None]]
    questions: list[QuestionResult] = field(default_factory=list)

    def passed(self) -> bool:
        return all(m.passed is not False for m in self.metrics)

    def means(self) -> dict[str, float | None]:
        return {m.name: m.mean for m in self.metrics}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_means(run: Path) -> dict[str, float | None]:
    """Aggregate means of a run folder (or its report.json), for ``eval compare``."""
    path = run / REPORT_JSON if run.is_dir() else run
    if not path.is_file():
        raise InputError(f"{run}: no {REPORT_JSON}; give a folder written by `smp-guide eval run`.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(m["name"]): m["mean"] for m in data["metrics"]}
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not an eval report ({exc.__class__.__name__}).") from exc
