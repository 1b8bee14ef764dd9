"""report.json, report.md and the plots of a run."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from evals._answer_quality import ANSWER_METRICS
from evals._plots import plot_by_chapter, plot_distributions
from evals._records import REPORT_JSON, MetricSummary, QuestionResult, RunReport
from evals._thresholds import LOWER_IS_BETTER, THRESHOLDS, goodness

REPORT_MD = "report.md"
WORST = 10


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def summarise(
    results: Sequence[QuestionResult], names: Sequence[str], *, several_datasets: bool
) -> tuple[list[MetricSummary], dict[str, dict[str, float | None]]]:
    """Aggregate means with their gate, and the means per chapter."""
    metrics = []
    for name in names:
        values = [r.scores.get(name) for r in results]
        mean = _mean(values)
        threshold = THRESHOLDS.get(name)
        passed = None if threshold is None or mean is None else threshold.passes(mean)
        if threshold is not None and mean is None:
            passed = False  # a gated metric that could not be measured does not pass
        n = sum(v is not None for v in values)
        metrics.append(
            MetricSummary(name, mean, n, threshold.describe() if threshold else None, passed)
        )
    groups: dict[str, list[QuestionResult]] = {}
    for r in results:
        chapter = r.expected_chapter or "none"
        key = f"{Path(r.dataset).stem}:{chapter}" if several_datasets else chapter
        groups.setdefault(key, []).append(r)
    per_chapter = {
        key: {name: _mean([r.scores.get(name) for r in groups[key]]) for name in names}
        for key in sorted(groups, key=_chapter_order)
    }
    return metrics, per_chapter


def _chapter_order(key: str) -> tuple[str, int, str]:
    head, _, chapter = key.rpartition(":")
    return (head, int(chapter), "") if chapter.isdigit() else (head, 10**6, chapter)


def write_report(report: RunReport, out_dir: Path) -> list[Path]:
    """Write report.json, report.md and the PNG plots; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / REPORT_JSON
    json_path.write_text(
        json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    md_path = out_dir / REPORT_MD
    md_path.write_text(markdown(report), encoding="utf-8")
    names = [m.name for m in report.metrics]
    plots = [
        plot_by_chapter(report.per_chapter, names, out_dir / "by_chapter.png"),
        plot_distributions(report.questions, names, out_dir / "distributions.png"),
    ]
    return [json_path, md_path, *plots]


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


def markdown(report: RunReport) -> str:
    meta = report.metadata
    lines = [
        "# SMP Guide eval report",
        "",
        f"- When: {meta.timestamp}; commit `{meta.git_commit}`",
        f"- Answerer: {meta.answerer}; judge: {meta.judge}",
        f"- Embedding model: {meta.embed_model} ({meta.dimension} dimensions)",
        "- Datasets: "
        + ", ".join(
            f"{Path(d.path).name} ({d.questions} q., {d.sha256_16})" for d in meta.datasets
        ),
        f"- Overall: **{'PASS' if report.passed() else 'FAIL'}**",
        "",
        "| metric | mean | n | threshold | status |",
        "|---|---:|---:|---|---|",
    ]
    for m in report.metrics:
        status = "" if m.passed is None else ("PASS" if m.passed else "FAIL")
        lines.append(f"| {m.name} | {_fmt(m.mean)} | {m.n} | {m.threshold or ''} | {status} |")
    lines += [
        "",
        "`grounded_sentence_ratio` is the offline faithfulness check (quoted lines found in",
        "their cited chunks), not Ragas' LLM Faithfulness; n counts the questions in scope",
        "(n/a: no question in scope). Lower is better for "
        + ", ".join(f"`{name}`" for name in sorted(LOWER_IS_BETTER))
        + ".",
        "",
    ]
    lines += _answer_quality_table(report.questions)
    lines += [f"## The {WORST} worst questions", ""]
    worst = sorted(report.questions, key=lambda r: (r.overall(), r.id))[:WORST]
    for r in worst:
        failing = ", ".join(
            f"{name} {value:.2f}"
            for name, value in r.scores.items()
            if value is not None and goodness(name, value) < 1
        )
        lines += [
            f"### {r.id} ({r.dataset}): {_cell(r.question)}",
            "",
            (
                f"- answerable: {r.answerable}; covered: {r.covered}; expected chapter "
                f"{r.expected_chapter or '-'}, pages {', '.join(r.expected_pages) or '-'}"
            ),
            f"- short of the best score: {failing or 'none'}",
        ]
        lines += [f"- problem: {_cell(p)}" for p in r.problems[:5]]
        lines += ["", "| rank | chapter | page | first words |", "|---:|---|---|---|"]
        lines += [
            f"| {s.rank} | {_cell(s.chapter)} | {s.pages} | {_cell(s.first_words)}… |"
            for s in r.top_sources
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _answer_quality_table(results: Sequence[QuestionResult]) -> list[str]:
    """The answer-quality metrics of every question; "-" where a metric does not score it."""
    names = [name for name in ANSWER_METRICS if any(name in r.scores for r in results)]
    if not names:
        return []
    lines = [
        "## Answer quality per question",
        "",
        "| question | answerable | covered | " + " | ".join(names) + " |",
        "|---|---|---|" + "---:|" * len(names),
    ]
    for r in results:
        cells = ["-" if r.scores.get(n) is None else f"{r.scores[n]:.2f}" for n in names]
        lines.append(
            f"| {r.id} | {'yes' if r.answerable else 'no'} | {'yes' if r.covered else 'no'} | "
            + " | ".join(cells)
            + " |"
        )
    return [*lines, ""]
