"""Answer quality of the extractive assistant on every question set, against the eval gate.

For the generated sample and each real PDF with a question set: ingest and index it in a
temporary folder, answer every question with a default ``Assistant`` on that index, and
score the answers with the eval suite's own metric functions (``evals.ANSWER_METRICS``,
``page_hit_at``, ``not_covered_accuracy``), so the numbers match ``smp-guide eval run``.

    python benchmarks/quality.py [--real-dir DIR] [--only NAME] [--json]

Exit 1 when a gated metric misses its threshold (``evals.THRESHOLDS``) on any corpus.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from _common import Corpus, corpora, real_pdfs_dir

log = logging.getLogger("benchmarks.quality")

COLUMNS = (
    "page_hit@5",
    "answer_hit@1",
    "citation_precision",
    "quote_quality",
    "not_covered_accuracy",
    "false_refusal_rate",
    "not_covered_recall",
)


@dataclass(frozen=True)
class Measured:
    mean: float | None
    n: int
    passed: bool | None


@dataclass(frozen=True)
class CorpusResult:
    name: str
    questions: int
    seconds: float
    metrics: dict[str, Measured]

    def passed(self) -> bool:
        return all(m.passed is not False for m in self.metrics.values())


def answers(corpus: Corpus, work: Path) -> list[tuple]:
    """(gold question, answer) for every question of the corpus, on a fresh index."""
    from assistant import Assistant, Settings
    from evals import load_dataset
    from index import index_pdf

    root = work / corpus.name
    settings = Settings(data_dir=root / "data", index_dir=root / "index")
    start = time.perf_counter()
    index_pdf(corpus.pdf, settings=settings)
    log.info("%s: indexed in %.0f s", corpus.name, time.perf_counter() - start)
    assistant = Assistant(settings=settings)
    start = time.perf_counter()
    pairs = [(q, assistant.answer(q.question)) for q in load_dataset(corpus.dataset)]
    log.info("%s: %d answers in %.0f s", corpus.name, len(pairs), time.perf_counter() - start)
    return pairs


def measure(corpus: Corpus, work: Path) -> CorpusResult:
    from evals import ANSWER_METRICS, THRESHOLDS, mean_score, not_covered_accuracy, page_hit_at

    start = time.perf_counter()
    pairs = answers(corpus, work)
    functions = {
        **ANSWER_METRICS,
        "page_hit@5": page_hit_at(5),
        "not_covered_accuracy": not_covered_accuracy,
    }
    metrics = {}
    for name in COLUMNS:
        mean, n = mean_score(functions[name], pairs)
        threshold = THRESHOLDS.get(name)
        passed = None if threshold is None or mean is None else threshold.passes(mean)
        metrics[name] = Measured(mean, n, passed)
    return CorpusResult(corpus.name, len(pairs), time.perf_counter() - start, metrics)


def table(results: list[CorpusResult]) -> str:
    from evals import THRESHOLDS

    heads = ["hit@5", "ans@1", "cit_prec", "quote_q", "nc_acc", "false_ref", "nc_rec"]
    lines = [f"{'corpus':8} {'n':>3} " + " ".join(f"{h:>9}" for h in heads) + "   time"]
    for r in results:
        cells = []
        for name in COLUMNS:
            m = r.metrics[name]
            value = "-" if m.mean is None else f"{m.mean:.2f}"
            cells.append(f"{value + ('!' if m.passed is False else ''):>9}")
        lines.append(f"{r.name:8} {r.questions:>3} " + " ".join(cells) + f" {r.seconds:5.0f}s")
    targets = [THRESHOLDS[n].describe() if n in THRESHOLDS else "-" for n in COLUMNS]
    lines.append(f"{'target':12} " + " ".join(f"{t:>9}" for t in targets))
    lines.append("! misses its target; - no question in scope")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-dir", help="folder with the real PDFs")
    parser.add_argument("--only", help="one corpus: sample, nist, oecd, jiu, adb, ilo, unodc")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="log the time of each step")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        chosen = [
            c for c in corpora(work, real_pdfs_dir(args.real_dir)) if args.only in (None, c.name)
        ]
        if not chosen:
            parser.error(f"no corpus named {args.only!r}")
        results = [measure(corpus, work) for corpus in chosen]
    if args.json:
        print(json.dumps([asdict(r) | {"passed": r.passed()} for r in results], indent=1))
    else:
        print(table(results))
    return 0 if all(r.passed() for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
