"""The CI gate on the sample: every metric of ``evals.THRESHOLDS``, and the answer-quality
metrics as ``smp-guide eval run`` reports them (per question and in aggregate).

The sample gold set is answered once per session (``gold_run`` in conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gates import drops_not_caught, gate_misses, held_but_reached

from evals import ANSWER_METRICS, RunReport, bundled_datasets, load_dataset
from evals._thresholds import (
    ANSWER_HIT_AT_1,
    CITATION_PRECISION,
    FALSE_REFUSAL_RATE,
    NOT_COVERED_ACCURACY,
    NOT_COVERED_RECALL,
    PAGE_HIT_AT_5,
    QUOTE_QUALITY,
)

GOLD = bundled_datasets() / "sample_gold.jsonl"

# Where the sample is short of a target in THRESHOLDS, the level it reaches today (less at
# most one question) is held here so that it cannot slip back; every other gated metric
# must meet its target. Raise these as the answers improve; drop an entry once its
# metric meets the target.
SHORT_OF_TARGET: dict[str, float] = {
    ANSWER_HIT_AT_1: 0.76,  # 0.779 (60 of 77)
}


def test_held_levels_are_short_of_their_targets() -> None:
    """A held level is a floor below its target (a ceiling above it), never a free pass."""
    assert not held_but_reached(SHORT_OF_TARGET), held_but_reached(SHORT_OF_TARGET)


@pytest.mark.slow
def test_ci_gate_on_the_sample(gold_run: tuple[RunReport, Path]) -> None:
    report, _ = gold_run
    assert len(report.questions) == len(load_dataset(GOLD))
    misses = gate_misses(report.means(), SHORT_OF_TARGET, report.questions)
    assert not misses, "\n".join(misses)
    by_name = {m.name: m for m in report.metrics}
    assert by_name[NOT_COVERED_ACCURACY].n == len(report.questions)
    assert by_name[PAGE_HIT_AT_5].n == sum(q.answerable for q in report.questions)


def test_the_gate_fails_when_a_metric_drops() -> None:
    """Every metric at its gate passes; any one of them a question worse (of 77) fails."""
    assert not drops_not_caught(SHORT_OF_TARGET, 77), drops_not_caught(SHORT_OF_TARGET, 77)
    assert gate_misses({}, SHORT_OF_TARGET, []), "an unmeasured metric passed the gate"


@pytest.mark.slow
def test_answer_quality_metrics_are_scored_in_their_scopes(
    gold_run: tuple[RunReport, Path],
) -> None:
    """The five answer metrics run through ragas on the questions each one scores."""
    report, out = gold_run
    by_name = {m.name: m for m in report.metrics}
    questions = report.questions
    answered = [q for q in questions if q.answerable and q.expected_pages and q.covered]
    expected_n = {
        CITATION_PRECISION: len(answered),
        ANSWER_HIT_AT_1: len(answered),
        FALSE_REFUSAL_RATE: sum(q.answerable for q in questions),
        NOT_COVERED_RECALL: sum(not q.answerable for q in questions),
    }
    for name, n in expected_n.items():
        assert by_name[name].n == n > 0, (name, by_name[name].n, n)
        assert by_name[name].mean is not None and 0.0 <= by_name[name].mean <= 1.0, name
    assert 0 < by_name[QUOTE_QUALITY].n <= sum(q.covered for q in questions)
    for q in questions:
        refused = 0.0 if q.covered else 1.0
        assert q.scores[FALSE_REFUSAL_RATE] == (refused if q.answerable else None), q.id
        assert q.scores[NOT_COVERED_RECALL] == (None if q.answerable else refused), q.id
        assert (q.scores[CITATION_PRECISION] is None) == (q not in answered), q.id
    assert by_name[QUOTE_QUALITY].threshold == "<= 0"
    md = (out / "report.md").read_text(encoding="utf-8")
    assert f"| {NOT_COVERED_RECALL} |" in md and "Lower is better for" in md


@pytest.mark.slow
def test_answer_quality_is_reported_per_question(gold_run: tuple[RunReport, Path]) -> None:
    """report.json and report.md give every question its five answer-quality scores."""
    report, out = gold_run
    names = list(ANSWER_METRICS)
    saved = {
        q["id"]: q["scores"] for q in json.loads((out / "report.json").read_text())["questions"]
    }
    md = (out / "report.md").read_text(encoding="utf-8")
    header = "| question | answerable | covered | " + " | ".join(names) + " |"
    assert "## Answer quality per question" in md and header in md, md[:2000]
    rows = {
        line.split(" | ")[0].lstrip("| "): line.strip("| ").split(" | ")[3:]
        for line in md.split(header, 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    }
    assert set(rows) == {q.id for q in report.questions}
    for q in report.questions:
        assert set(names) <= set(saved[q.id]), q.id
        shown = ["-" if saved[q.id][n] is None else f"{saved[q.id][n]:.2f}" for n in names]
        assert rows[q.id] == shown, (q.id, rows[q.id], shown)
