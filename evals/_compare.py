"""Comparing the aggregate means of two runs (a rate of failures regresses when it rises)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from evals._thresholds import goodness


@dataclass(frozen=True)
class Delta:
    name: str
    a: float | None
    b: float | None
    regressed: bool

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    def line(self) -> str:
        def fmt(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.3f}"

        delta = self.delta
        change = "n/a" if delta is None else f"{delta:+.3f}"
        flag = "  REGRESSED" if self.regressed else ""
        return f"{self.name}: {fmt(self.a)} -> {fmt(self.b)} ({change}){flag}"


def compare_means(
    a: Mapping[str, float | None], b: Mapping[str, float | None], *, tolerance: float
) -> list[Delta]:
    """One row per metric of either run; a metric measured in A but not in B is not a
    regression (e.g. a run without the judge): it shows as n/a."""
    names = list(a) + [n for n in b if n not in a]
    rows = []
    for name in names:
        va, vb = a.get(name), b.get(name)
        regressed = (
            va is not None
            and vb is not None
            and goodness(name, vb) < goodness(name, va) - tolerance
        )
        rows.append(Delta(name, va, vb, regressed))
    return rows
