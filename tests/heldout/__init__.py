"""Held-out designed policy-report PDFs with their true structure, for measuring ingest
on layouts it was not tuned on. See README.md in this folder."""

from __future__ import annotations

from pathlib import Path

from ._build import Spec, build
from .coastal import SPEC as COASTAL
from .heatwave import SPEC as HEATWAVE
from .migration import SPEC as MIGRATION
from .training import SPEC as TRAINING

SPECS: tuple[Spec, ...] = (COASTAL, MIGRATION, TRAINING, HEATWAVE)

__all__ = ["SPECS", "build_all"]


def build_all(folder: Path) -> list[Path]:
    """Write every held-out PDF and its `<stem>.json` into `folder`; returns the PDF paths."""
    folder.mkdir(parents=True, exist_ok=True)
    return [build(spec, folder) for spec in SPECS]
