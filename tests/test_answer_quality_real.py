"""The eval gate on real policy PDFs: each question set answered on its own index.

Each set's PDF is ingested once per session (``real_ingested``, shared with the structure
tests), indexed under a temporary folder and its question set run through ``run_eval``,
as ``smp-guide eval run --dataset`` does. CI gates the cheapest sets only (see
docs/ANSWER_QUALITY.md); ``benchmarks/quality.py`` measures all six.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gates import drops_not_caught, gate_misses, held_but_reached

from evals import RunReport, bundled_datasets, run_eval
from evals._thresholds import (
    ANSWER_HIT_AT_1,
    CITATION_PRECISION,
    FALSE_REFUSAL_RATE,
    NOT_COVERED_ACCURACY,
    PAGE_HIT_AT_5,
)

GATED_SETS = {"ilo": "ilo_labstat_module1.pdf", "jiu": "jiu_rep_2025_1.pdf"}
"""Question set name (``evals/datasets/<name>_questions.jsonl``) -> its PDF."""

# Where a set is short of a target in THRESHOLDS, the level it reaches today (less at most
# one question) is held here so that it cannot slip back; every other gated metric must
# meet its target. Raise these as the answers improve; drop an entry once it is met.
SHORT_OF_TARGET: dict[str, dict[str, float]] = {
    "ilo": {
        PAGE_HIT_AT_5: 0.89,  # 0.893 (25 of 28)
        NOT_COVERED_ACCURACY: 0.85,  # 0.853 (29 of 34)
        ANSWER_HIT_AT_1: 0.78,  # 0.786 (22 of 28)
    },
    "jiu": {
        NOT_COVERED_ACCURACY: 0.80,  # 0.806 (25 of 31)
        CITATION_PRECISION: 0.68,  # 0.700 of 25 cited answers
        ANSWER_HIT_AT_1: 0.68,  # 0.720 (18 of 25)
    },
}


def _answered(
    name: str, real_pdfs_dir: Path, real_ingested: Callable[[str], Any], work: Path
) -> RunReport:
    from evals import EvalRunSettings
    from index import open_index

    pdf = real_pdfs_dir / GATED_SETS[name]
    settings = EvalRunSettings(data_dir=work / "data", index_dir=work / "index")
    open_index(settings=settings).add(real_ingested(pdf.name), pdf=pdf)
    dataset = bundled_datasets() / f"{name}_questions.jsonl"
    return run_eval(settings=settings, datasets=[dataset], out_dir=work / "run")


def test_held_levels_are_short_of_their_targets() -> None:
    for name, held in SHORT_OF_TARGET.items():
        assert name in GATED_SETS, f"{name} is not gated here"
        assert not held_but_reached(held), (name, held_but_reached(held))


@pytest.mark.parametrize("name", sorted(GATED_SETS))
def test_the_gate_fails_when_a_metric_drops(name: str) -> None:
    """A drop of one question in 25 (the smallest scope of a set) below any gate fails."""
    held = SHORT_OF_TARGET.get(name, {})
    assert not drops_not_caught(held, 25), drops_not_caught(held, 25)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GATED_SETS))
def test_ci_gate_on_a_real_set(
    name: str,
    real_pdfs_dir: Path,
    real_ingested: Callable[[str], Any],
    tmp_path: Path,
) -> None:
    report = _answered(name, real_pdfs_dir, real_ingested, tmp_path)
    by_name = {m.name: m for m in report.metrics}
    answerable = sum(q.answerable for q in report.questions)
    assert by_name[NOT_COVERED_ACCURACY].n == len(report.questions) > answerable > 0
    assert by_name[PAGE_HIT_AT_5].n == by_name[FALSE_REFUSAL_RATE].n == answerable
    assert by_name[CITATION_PRECISION].n == by_name[ANSWER_HIT_AT_1].n > 0
    misses = gate_misses(report.means(), SHORT_OF_TARGET.get(name, {}), report.questions)
    assert not misses, f"{name}:\n" + "\n".join(misses)
