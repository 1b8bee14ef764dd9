"""Ragas without telemetry.

Ragas reads ``RAGAS_DO_NOT_TRACK`` once (cached) and sends usage events unless it is
exactly "true"; the ``smp-guide`` entry point sets it and ``_scoring.score`` refuses to
run without it. Ragas also writes ``$XDG_DATA_HOME/ragas/uuid.json`` on the
first ``evaluate()`` of a process even when tracking is off; ``ragas_home`` points that
file into the run's output folder (see ``_scoring.score``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def ragas_home(folder: Path) -> Iterator[None]:
    """XDG_DATA_HOME set to ``folder`` while ragas runs (its uuid file lands there)."""
    previous = os.environ.get("XDG_DATA_HOME")
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["XDG_DATA_HOME"] = str(folder)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("XDG_DATA_HOME", None)
        else:
            os.environ["XDG_DATA_HOME"] = previous
