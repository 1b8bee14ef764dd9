"""Ingest speed: ingest_pdf against plain pypdf text extraction, on the sample and real PDFs.

    python benchmarks/ingest.py [--real-dir DIR] [--repeat 3] [--json]

The sample PDF is generated into a temporary folder. Real PDFs come from --real-dir, else
$SMP_GUIDE_REAL_PDFS, else ../shared/real-pdfs next to the repository (skipped if absent).
The baseline is ``page.extract_text()`` over every page, timed in the same run, so the ratio
says what structure, cleaning and chunking cost on this machine. The guide target is a
106-page PDF in under 2 s, projected from the sample's pages per second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is called ingest.py: keep its own folder off the path so `import ingest` finds the
# package, not this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

import pypdf  # noqa: E402 (after the path fix above)

from assistant import Settings  # noqa: E402
from ingest import build_sample_pdf, ingest_pdf  # noqa: E402

GUIDE_PAGES = 106
TARGET_SECONDS = 2.0
REAL_PDFS_ENV = "SMP_GUIDE_REAL_PDFS"


@dataclass(frozen=True)
class Row:
    file: str
    pages: int
    chunks: int
    best_s: float
    median_s: float
    baseline_best_s: float
    pages_per_s: float
    ratio: float


def _times(run: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        out.append(time.perf_counter() - started)
    return out


def _plain_extract(path: Path) -> None:
    for page in pypdf.PdfReader(path).pages:
        page.extract_text()


def measure(path: Path, *, repeat: int, settings: Settings) -> Row:
    result = ingest_pdf(path, settings=settings)  # also warms up imports and caches
    ingest = _times(lambda: ingest_pdf(path, settings=settings), repeat)
    plain = _times(lambda: _plain_extract(path), repeat)
    best = min(ingest)
    return Row(
        path.name,
        result.document.n_pages,
        len(result.chunks),
        best,
        statistics.median(ingest),
        min(plain),
        result.document.n_pages / best,
        best / min(plain),
    )


def real_dir(given: Path | None) -> Path | None:
    if given is not None:
        return given
    override = os.environ.get(REAL_PDFS_ENV)
    default = Path(override) if override else ROOT.parent / "shared" / "real-pdfs"
    return default if default.is_dir() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real-dir", type=Path, help="folder of real PDFs to time as well")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per file (default 3)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.real_dir is not None and not args.real_dir.is_dir():
        parser.error(f"--real-dir {args.real_dir} is not a folder")
    folder = real_dir(args.real_dir)
    settings = Settings()

    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.pdf"
        build_sample_pdf(sample)
        rows = [measure(sample, repeat=args.repeat, settings=settings)]
        for pdf in sorted(folder.glob("*.pdf")) if folder else []:
            rows.append(measure(pdf, repeat=args.repeat, settings=settings))

    projected = GUIDE_PAGES / rows[0].pages_per_s
    verdict = "PASS" if projected < TARGET_SECONDS else "FAIL"
    if args.json:
        print(
            json.dumps(
                {
                    "repeat": args.repeat,
                    "rows": [asdict(r) for r in rows],
                    "projection": {
                        "pages": GUIDE_PAGES,
                        "seconds": projected,
                        "target_seconds": TARGET_SECONDS,
                        "verdict": verdict,
                    },
                },
                indent=2,
            )
        )
        return 0 if verdict == "PASS" else 1

    print(
        f"ingest_pdf vs plain pypdf extract_text, best and median of {args.repeat}"
        + ("" if folder else f" (no real-PDF folder; set {REAL_PDFS_ENV} or --real-dir)")
    )
    header = (
        f"{'file':<26} {'pages':>5} {'chunks':>6} {'best s':>7} {'median s':>8} "
        f"{'pages/s':>8} {'plain s':>7} {'x plain':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.file:<26} {r.pages:>5} {r.chunks:>6} {r.best_s:>7.3f} {r.median_s:>8.3f} "
            f"{r.pages_per_s:>8.1f} {r.baseline_best_s:>7.3f} {r.ratio:>7.2f}"
        )
    print(
        f"projected {GUIDE_PAGES}-page guide at the sample's {rows[0].pages_per_s:.0f} pages/s: "
        f"{projected:.2f} s (target < {TARGET_SECONDS:.0f} s) {verdict}"
    )
    if len(rows) > 1:
        slowest = min(rows[1:], key=lambda r: r.pages_per_s)
        print(
            f"for comparison, at the slowest real PDF's {slowest.pages_per_s:.0f} pages/s "
            f"({slowest.file}): {GUIDE_PAGES / slowest.pages_per_s:.2f} s"
        )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
