"""Scoring with ``ragas.evaluate``: which metric runs on which questions, failures loud.

Scopes (the choice for metrics that need a reference): a metric runs only on the
questions that have what it compares against, so nothing is scored against an empty
reference and no NaN is invented. Questions outside a metric's scope get no score
(``None``) and the aggregate is the mean over the questions in scope (its ``n``).

- ``all``: every question (not-covered accuracy, citation validity, grounded ratio).
- ``answerable``: answerable questions (Ragas Faithfulness and ResponseRelevancy).
- ``pages``: answerable with ``expected_pages`` (page hit@5, ID-based context metrics).
- ``quote``: answerable with a ``reference_quote`` (non-LLM context recall / precision).
- ``reference``: answerable with a ``reference_answer`` (ROUGE-L, string similarity,
  LLM context precision / recall).
- ``answer``: the questions an ``AnswerMetric``'s own function scores (citation
  precision, answer hit@1, quote quality, false refusals, not-covered recall), whose
  scopes depend on the answer too (covered or not, cited or not).

Retrieved contexts are the full texts of every source the assistant returned, in
rank order; their IDs are the sources' printed page labels (``pdf:N`` for a page
without a printed number), de-duplicated in rank order; reference IDs are the gold
``expected_pages``. Page labels rather than recommendation IDs, because every gold
set has pages while only some questions name recommendations.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ragas import evaluate
from ragas.dataset_schema import EvaluationDataset, EvaluationResult, SingleTurnSample
from ragas.metrics._context_precision import (
    IDBasedContextPrecision,
    NonLLMContextPrecisionWithReference,
)
from ragas.metrics._context_recall import IDBasedContextRecall, NonLLMContextRecall
from ragas.metrics._rouge_score import RougeScore
from ragas.metrics._string import NonLLMStringSimilarity
from ragas.metrics.base import MetricWithEmbeddings, MetricWithLLM, SingleTurnMetric
from ragas.run_config import RunConfig

from assistant import LLMUnavailableError
from evals._answer_quality import ANSWER_METRICS
from evals._ragas_env import ragas_home
from evals.metrics import (
    AnswerMetric,
    CaseBook,
    CitationValidity,
    EvalCase,
    GroundedSentenceRatio,
    NotCoveredAccuracy,
    PageHitAtK,
    PdfPages,
)

log = logging.getLogger(__name__)

TRACKING_ENV = "RAGAS_DO_NOT_TRACK"

Scope = Literal["all", "answerable", "pages", "quote", "reference", "answer"]
ScoredFn = Callable[[int], None]
"""Called after each ``evaluate`` call with the number of (question, metric) scores done."""


@dataclass(frozen=True)
class MetricSpec:
    metric: SingleTurnMetric
    scope: Scope
    judge: bool = False


@dataclass(frozen=True)
class Scores:
    """Per question ID, per metric name: a score, or None when out of the metric's scope."""

    by_question: dict[str, dict[str, float | None]]
    problems: dict[str, list[str]]
    metric_names: tuple[str, ...]


def in_spec(case: EvalCase, spec: MetricSpec) -> bool:
    """Whether the spec's metric scores this case."""
    if spec.scope == "answer":
        if not isinstance(spec.metric, AnswerMetric):
            raise TypeError(f"metric {spec.metric.name}: the 'answer' scope needs an AnswerMetric")
        return spec.metric.applies(case)
    return in_scope(case, spec.scope)


def in_scope(case: EvalCase, scope: Scope) -> bool:
    q = case.question
    if scope == "all":
        return True
    if not q.answerable:
        return False
    if scope == "answerable":
        return True
    if scope == "pages":
        return bool(q.expected_pages)
    if scope == "quote":
        return bool(q.reference_quote)
    if scope == "reference":
        return bool(q.reference_answer)
    raise ValueError(f"scope {scope!r} depends on the metric: use in_spec")


def offline_metrics(book: CaseBook, pages: PdfPages) -> list[MetricSpec]:
    """The always-on metrics: no LLM, no network."""
    return [
        MetricSpec(NotCoveredAccuracy(book=book), "all"),
        MetricSpec(CitationValidity(book=book, pages=pages), "all"),
        MetricSpec(GroundedSentenceRatio(book=book), "all"),
        MetricSpec(PageHitAtK(book=book, k=5), "pages"),
        MetricSpec(IDBasedContextRecall(), "pages"),
        MetricSpec(IDBasedContextPrecision(), "pages"),
        MetricSpec(NonLLMContextRecall(), "quote"),
        MetricSpec(NonLLMContextPrecisionWithReference(), "quote"),
        MetricSpec(RougeScore(), "reference"),
        MetricSpec(NonLLMStringSimilarity(), "reference"),
        *(
            MetricSpec(AnswerMetric(book=book, name=name, function=function), "answer")
            for name, function in ANSWER_METRICS.items()
        ),
    ]


def page_ids(labels: Sequence[str], indexes: Sequence[int]) -> list[str]:
    return [label or f"pdf:{index + 1}" for label, index in zip(labels, indexes, strict=False)]


def sample_for(case: EvalCase) -> SingleTurnSample:
    q, a = case.question, case.answer
    retrieved_ids: list[str | int] = []
    for source in a.sources:
        for page in page_ids(source.page_labels, source.page_indexes):
            if page not in retrieved_ids:
                retrieved_ids.append(page)
    return SingleTurnSample(
        user_input=q.question,
        response=a.text,
        retrieved_contexts=[s.quote for s in a.sources],
        retrieved_context_ids=retrieved_ids,
        reference_context_ids=list(q.expected_pages) or None,
        reference_contexts=[q.reference_quote] if q.reference_quote else None,
        reference=q.reference_answer or None,
    )


def score(
    cases: Sequence[EvalCase],
    specs: Sequence[MetricSpec],
    *,
    home: Path,
    judge_name: str | None = None,
    on_scored: ScoredFn | None = None,
    show_progress: bool = False,
) -> Scores:
    """Run every metric on the cases in its scope with ``raise_exceptions=True``.

    A metric that raises stops the run with its exception; a judge that fails becomes
    ``LLMUnavailableError``. ``home`` receives ragas' uuid file (see ``_ragas_env``).
    """
    _refuse_telemetry()
    _refuse_default_models(specs)
    by_question: dict[str, dict[str, float | None]] = {
        c.question.id: {s.metric.name: None for s in specs} for c in cases
    }
    groups: dict[tuple[str, bool], list[MetricSpec]] = {}
    for spec in specs:
        # each answer-scoped metric picks its own questions
        key = f"answer:{spec.metric.name}" if spec.scope == "answer" else spec.scope
        groups.setdefault((key, spec.judge), []).append(spec)
    for (_, judge), group in groups.items():
        chosen = [c for c in cases if in_spec(c, group[0])]
        if not chosen:
            continue
        metrics = [s.metric for s in group]
        dataset = EvaluationDataset(samples=[sample_for(c) for c in chosen])
        try:
            result = _evaluate(dataset, metrics, home=home, show_progress=show_progress)
        except Exception as exc:
            if not judge:
                raise
            raise LLMUnavailableError(
                f"the judge {judge_name or 'LLM'} failed ({exc.__class__.__name__}: "
                f"{' '.join(str(exc).split())[:200]}); check --judge and --judge-base-url."
            ) from exc
        for case, row in zip(chosen, result.scores, strict=True):
            for metric, value in zip(metrics, row.values(), strict=True):
                by_question[case.question.id][metric.name] = _number(value)
        if on_scored is not None:
            on_scored(len(chosen) * len(metrics))
    problems = _problems(cases, specs)
    return Scores(by_question, problems, tuple(s.metric.name for s in specs))


def _evaluate(
    dataset: EvaluationDataset, metrics: list[SingleTurnMetric], *, home: Path, show_progress: bool
) -> EvaluationResult:
    with ragas_home(home), warnings.catch_warnings():
        # evaluate() and the llama-index wrappers announce their deprecation on every call.
        warnings.simplefilter("ignore", DeprecationWarning)
        result = evaluate(
            dataset=dataset,
            metrics=list(metrics),
            raise_exceptions=True,
            show_progress=show_progress,
            run_config=RunConfig(max_retries=2, max_wait=5, timeout=300, max_workers=4),
        )
    assert isinstance(result, EvaluationResult)
    return result


def _refuse_telemetry() -> None:
    """Ragas sends usage events unless ``RAGAS_DO_NOT_TRACK`` is "true": never send them."""
    if os.environ.get(TRACKING_ENV, "").lower() != "true":
        raise ValueError(
            f"ragas would send usage telemetry: set {TRACKING_ENV}=true "
            "(the smp-guide command sets it)"
        )


def _refuse_default_models(specs: Sequence[MetricSpec]) -> None:
    """``evaluate`` silently creates an OpenAI client for a metric without a model: never."""
    for spec in specs:
        if isinstance(spec.metric, MetricWithLLM) and spec.metric.llm is None:
            raise ValueError(f"metric {spec.metric.name} has no judge LLM set")
        if isinstance(spec.metric, MetricWithEmbeddings) and spec.metric.embeddings is None:
            raise ValueError(f"metric {spec.metric.name} has no embeddings set")


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _problems(cases: Sequence[EvalCase], specs: Sequence[MetricSpec]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for spec in specs:
        metric = spec.metric
        if isinstance(metric, CitationValidity | GroundedSentenceRatio):
            for case in cases:
                for problem in metric.problems.get(case.question.question, []):
                    out.setdefault(case.question.id, []).append(f"{metric.name}: {problem}")
    return out
