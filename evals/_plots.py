"""PNG plots of a run, drawn with matplotlib's Agg canvas (no pyplot, no display)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from evals._records import QuestionResult
from evals._thresholds import LOWER_IS_BETTER, THRESHOLDS

_COLUMNS = 3


def _grid(count: int) -> tuple[Figure, int, int]:
    rows = max(1, math.ceil(count / _COLUMNS))
    figure = Figure(figsize=(5 * _COLUMNS, 3.6 * rows), layout="constrained")
    FigureCanvasAgg(figure)
    return figure, rows, _COLUMNS


def _title(name: str) -> str:
    return f"{name} (lower is better)" if name in LOWER_IS_BETTER else name


def plot_by_chapter(
    per_chapter: Mapping[str, Mapping[str, float | None]], names: Sequence[str], path: Path
) -> Path:
    """One bar chart per metric: its mean per (expected) chapter, threshold as a line."""
    figure, rows, columns = _grid(len(names))
    chapters = list(per_chapter)
    for i, name in enumerate(names, start=1):
        axes = figure.add_subplot(rows, columns, i)
        values = [per_chapter[c].get(name) for c in chapters]
        heights = [v if v is not None else math.nan for v in values]  # no bar: not in scope
        axes.bar(range(len(chapters)), heights)
        for x, value in enumerate(values):
            # a missing bar and a bar of height 0 look alike: say which one it is
            if value is None or value == 0:
                label, colour = ("n/a", "grey") if value is None else ("0", "black")
                axes.text(x, 0.03, label, ha="center", va="bottom", fontsize=7, color=colour)
        labels = [c if len(c) <= 14 else c[:13] + "…" for c in chapters]
        axes.set_xticks(range(len(chapters)), labels, rotation=90, fontsize=7)
        axes.set_xlim(-0.6, len(chapters) - 0.4)  # a trailing NaN bar would be cut off
        axes.set_ylim(0, 1.05)
        axes.set_title(_title(name), fontsize=9)
        threshold = THRESHOLDS.get(name)
        if threshold is not None:
            axes.axhline(threshold.value, color="red", linestyle="--", linewidth=1)
    figure.suptitle("Mean score per chapter (none: questions without a chapter)")
    figure.savefig(path, dpi=90)
    return path


def plot_distributions(results: Sequence[QuestionResult], names: Sequence[str], path: Path) -> Path:
    """One histogram per metric over the questions in its scope."""
    figure, rows, columns = _grid(len(names))
    for i, name in enumerate(names, start=1):
        axes = figure.add_subplot(rows, columns, i)
        values = [v for r in results if (v := r.scores.get(name)) is not None]
        if values:
            axes.hist(values, bins=10, range=(0.0, 1.0))
        else:
            axes.text(0.5, 0.5, "no question in scope", ha="center", color="grey")
        axes.set_title(f"{_title(name)} (n={len(values)})", fontsize=9)
        axes.set_xlim(0, 1)
    figure.suptitle("Score distributions")
    figure.savefig(path, dpi=90)
    return path
