"""Shared by the benchmark scripts: the documents with question sets, and timing helpers."""

from __future__ import annotations

import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# benchmarks/ingest.py would shadow the ingest package: import packages from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_name, _value)


@dataclass(frozen=True)
class Corpus:
    name: str
    pdf: Path
    dataset: Path


def real_pdfs_dir(given: str | None) -> Path | None:
    path = Path(
        given or os.environ.get("SMP_GUIDE_REAL_PDFS") or ROOT.parent / "shared" / "real-pdfs"
    )
    return path if path.is_dir() else None


def corpora(workdir: Path, real_dir: Path | None) -> list[Corpus]:
    """The generated sample plus the real PDFs that have a question set."""
    from ingest import build_sample_pdf

    datasets = ROOT / "evals" / "datasets"
    sample = workdir / "sample.pdf"
    if not sample.exists():
        build_sample_pdf(sample)
    out = [Corpus("sample", sample, datasets / "sample_gold.jsonl")]
    pairs = {
        "nist": "nist_sp_800_207.pdf",
        "oecd": "oecd_ai_capability.pdf",
        "jiu": "jiu_rep_2025_1.pdf",
    }
    for name, file in pairs.items():
        if real_dir is not None and (real_dir / file).is_file():
            out.append(Corpus(name, real_dir / file, datasets / f"{name}_questions.jsonl"))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)
