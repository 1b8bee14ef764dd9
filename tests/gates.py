"""The eval gate as the CI tests apply it: each metric's target, or the level held for now.

A metric short of its target in ``evals.THRESHOLDS`` is held at the level it reaches
today (a floor, or a ceiling for a lower-is-better rate), so it cannot slip back; each
test file keeps its held levels in one table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from evals import THRESHOLDS, QuestionResult, Threshold
from evals._thresholds import LOWER_IS_BETTER


def gate_for(name: str, held: Mapping[str, float]) -> Threshold:
    """The target of ``THRESHOLDS``, or the level ``held`` names for a metric short of it."""
    target = THRESHOLDS[name]
    if name not in held:
        return target
    # a held level is a bound, never an equality: "== 1" held at 0.92 means ">= 0.92"
    return replace(target, op="<=" if name in LOWER_IS_BETTER else ">=", value=held[name])


def gate_misses(
    means: Mapping[str, float | None],
    held: Mapping[str, float],
    questions: Sequence[QuestionResult],
) -> list[str]:
    """One line per gated metric that misses its gate, naming its target and a few culprits."""
    misses = []
    for name, target in THRESHOLDS.items():
        gate, value = gate_for(name, held), means.get(name)
        shown = "unmeasured" if value is None else f"{value:.3f}"
        line = f"{name} = {shown}, gate {gate.describe()}, target {target.describe()}"
        print(line)  # every metric's gate beside its target, shown by pytest -s or on failure
        if value is None or not gate.passes(value):
            best = 0.0 if name in LOWER_IS_BETTER else 1.0
            culprits = [q.id for q in questions if q.scores.get(name) not in (None, best)]
            misses.append(f"{line}; e.g. {culprits[:5]}")
    return misses


def held_but_reached(held: Mapping[str, float]) -> list[str]:
    """Held levels that meet their target anyway: they are no floor and should go."""
    return [
        f"{n}: {v} meets {THRESHOLDS[n].describe()}"
        for n, v in held.items()
        if THRESHOLDS[n].passes(v)
    ]


def drops_not_caught(held: Mapping[str, float], n: int) -> list[str]:
    """Gated metrics whose drop by one question in ``n`` from their gate would still pass."""
    at_gate = {name: gate_for(name, held).value for name in THRESHOLDS}
    missed_at_gate = gate_misses(at_gate, held, [])
    uncaught = [f"at the gate itself: {line}" for line in missed_at_gate]
    for name in THRESHOLDS:
        gate = gate_for(name, held)
        worse = gate.value + 1 / n if gate.op == "<=" else gate.value - 1 / n
        missed = [line.split(" =")[0] for line in gate_misses(at_gate | {name: worse}, held, [])]
        if missed != [name]:
            uncaught.append(f"{name} at {worse:.3f}: misses {missed}")
    return uncaught
