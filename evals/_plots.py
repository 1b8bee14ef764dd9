"""PNG plots of a run, drawn with matplotlib's Agg canvas (no pyplot, no display)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from evals._records import QuestionResult
from evals._thresholds import LOWER_IS_BETTER, THRESHOLDS

_COLUMNS = 3
_LABEL_CHARS = 22
NO_DATA = "no data"


def _grid(count: int, *, row_height: float = 3.6) -> tuple[Figure, int, int]:
    rows = max(1, math.ceil(count / _COLUMNS))
    figure = Figure(figsize=(5 * _COLUMNS, row_height * rows), layout="constrained")
    FigureCanvasAgg(figure)
    return figure, rows, _COLUMNS


def _title(name: str) -> str:
    return f"{name} (lower is better)" if name in LOWER_IS_BETTER else name


def _label(chapter: str) -> str:
    """The chapter's full name, wrapped over lines: never cut, so no two look alike."""
    return textwrap.fill(chapter, width=_LABEL_CHARS, break_long_words=False)


def _bars(axes: Axes, values: Sequence[float | None]) -> None:
    """Horizontal bars; a missing value is a hatched empty bar saying "no data", not a 0."""
    for y, value in enumerate(values):
        if value is None:
            axes.barh(y, 1.0, fill=False, hatch="//", edgecolor="lightgrey", linewidth=0)
            axes.text(0.5, y, NO_DATA, ha="center", va="center", fontsize=7, color="dimgrey")
        else:
            axes.barh(y, value, color="tab:blue")
            if value == 0:  # a bar of width 0 is invisible: say it is a real 0
                axes.text(0.01, y, "0", va="center", fontsize=7)


def by_chapter_figure(
    per_chapter: Mapping[str, Mapping[str, float | None]], names: Sequence[str]
) -> Figure:
    """One horizontal bar chart per metric: its mean per (expected) chapter, threshold as a
    line, chapters top to bottom in report order with their full (wrapped) names."""
    chapters = list(per_chapter)
    labels = [_label(c) for c in chapters]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure, rows, columns = _grid(len(names), row_height=max(3.6, 0.22 * lines + 1.4))
    for i, name in enumerate(names, start=1):
        axes = figure.add_subplot(rows, columns, i)
        _bars(axes, [per_chapter[c].get(name) for c in chapters])
        axes.set_yticks(range(len(chapters)), labels, fontsize=7)
        axes.set_ylim(len(chapters) - 0.5, -0.5)  # the first chapter on top
        axes.set_xlim(0, 1.05)
        axes.set_title(_title(name), fontsize=9)
        threshold = THRESHOLDS.get(name)
        if threshold is not None:
            axes.axvline(threshold.value, color="red", linestyle="--", linewidth=1)
    figure.suptitle(
        f"Mean score per chapter (none: questions without a chapter; {NO_DATA}: "
        "no question of that chapter in the metric's scope)"
    )
    return figure


def plot_by_chapter(
    per_chapter: Mapping[str, Mapping[str, float | None]], names: Sequence[str], path: Path
) -> Path:
    by_chapter_figure(per_chapter, names).savefig(path, dpi=90)
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
            axes.text(0.5, 0.5, f"{NO_DATA}: no question in scope", ha="center", color="grey")
        axes.set_title(f"{_title(name)} (n={len(values)})", fontsize=9)
        axes.set_xlim(0, 1)
    figure.suptitle("Score distributions")
    figure.savefig(path, dpi=90)
    return path
