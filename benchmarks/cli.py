"""CLI start-up: wall time and peak memory of `smp-guide` commands, against a baseline
checkout measured in the same run, and whether the answers stayed the same.

    python benchmarks/cli.py [--baseline-rev REV | --baseline-dir PATH]
                             [--runs 5] [--questions 20] [--index-dir DIR] [--json]

Each command runs as a fresh child process from each checkout (its folder first on
PYTHONPATH, the same virtualenv); wall time is the median of ``--runs``, peak RSS the
child's own ``ru_maxrss`` (``os.wait4``). Each checkout gets its own copy of the index
as an ingest leaves it; ``ask cold`` is the first ``ask`` on it (a new process; the page
cache is whatever the machine has; the query encoder was exported by the ingest), ``ask
warm`` the median of the runs after it (with what the first one cached in the index
folder), ``ask 1st ever`` one ``ask`` with an empty cache folder (it exports the query
encoder first, once per machine and model). ``--baseline-rev`` (default: where this
branch left ``main``) is checked out into a temporary ``git worktree`` outside the
repository and removed afterwards. ``--questions`` gold questions of the sample go
through ``ask --batch --json`` in both checkouts; their cited chunks must be the same
(exit 1 otherwise). ``index remove`` runs on a fresh copy of the index each time.
Targets: ``index list`` and a refused question < 1 s and < 200 MB; ``ask cold`` <= 4 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from _common import ROOT, median

QUESTION = "Who should pay for training the candidates?"
TARGETS: dict[str, tuple[float, float | None]] = {
    "index list": (1.0, 200.0),
    "ask ''": (1.0, 200.0),
    "ask cold": (4.0, None),
}
"""(seconds, MB or None) each command should stay under."""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    code: int


def run_cli(checkout: Path, args: Sequence[str], env: dict[str, str]) -> Run:
    """``python -m assistant.cli ARGS`` run from ``checkout``: wall time, the child's peak RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=checkout,
        env={**env, "PYTHONPATH": str(checkout)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not all children's
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode)  # KiB on Linux


def measured(checkout: Path, index: Path, runs: int, env: dict[str, str]) -> dict[str, Run]:
    """Median wall time and largest peak RSS of each command, for one checkout."""
    where = ["--index-dir", str(index)]
    cases = {
        "--help": ["--help"],
        "index list": ["index", "list", *where],
        "ask ''": ["ask", "", *where],
    }
    out = {name: _median([run_cli(checkout, args, env) for _ in range(runs)])
           for name, args in cases.items()}  # fmt: skip
    out["index remove"] = _median([removal(checkout, index, env) for _ in range(runs)])
    asks = [run_cli(checkout, ["ask", QUESTION, *where], env) for _ in range(max(2, runs))]
    out["ask cold"] = asks[0]
    out["ask warm"] = _median(asks[1:])
    with tempfile.TemporaryDirectory() as empty:  # no query encoder exported yet
        out["ask 1st ever"] = run_cli(
            checkout, ["ask", QUESTION, *where], {**env, "SMP_GUIDE_CACHE_DIR": empty}
        )
    return out


def fresh_copy(index: Path, folder: Path) -> Path:
    """The index as an ingest leaves it: no glossary vectors cached by an earlier ``ask``."""
    shutil.copytree(index, folder / "index")
    shutil.rmtree(folder / "index" / "glossary", ignore_errors=True)
    return folder / "index"


def removal(checkout: Path, index: Path, env: dict[str, str]) -> Run:
    """``index remove`` of the first document, on a fresh copy of the index each time."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "index"
        shutil.copytree(index, copy)
        first = json.loads((copy / "documents.json").read_text(encoding="utf-8"))["documents"]
        return run_cli(
            checkout, ["index", "remove", next(iter(first)), "--index-dir", str(copy)], env
        )


def _median(runs: Sequence[Run]) -> Run:
    return Run(
        median([r.seconds for r in runs]),
        max(r.peak_mb for r in runs),
        max(r.code for r in runs),
    )


def cited(checkout: Path, index: Path, batch: Path, env: dict[str, str]) -> list[list[str]]:
    """The chunk IDs each batch question cites, answered by ``checkout``."""
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--batch", str(batch), "--json",
         "--index-dir", str(index)],
        cwd=checkout, env={**env, "PYTHONPATH": str(checkout)},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    return [[c["chunk_id"] for c in a.get("citations", [])] for a in answers]


def gold_batch(path: Path, n: int) -> Path:
    from evals import bundled_datasets, load_dataset

    gold = load_dataset(bundled_datasets() / "sample_gold.jsonl")[:n]
    lines = [json.dumps({"id": i, "question": q.question}) for i, q in enumerate(gold)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sample_index(work: Path, env: dict[str, str]) -> Path:
    pdf, index = work / "sample.pdf", work / "index"
    for args in (["sample-pdf", str(pdf)], ["ingest", str(pdf), "--index-dir", str(index)]):
        subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL, check=True)  # fmt: skip
    return index


@contextmanager
def baseline_checkout(rev: str | None, given: Path | None, work: Path) -> Iterator[Path]:
    if given is not None:
        yield given.resolve()
        return
    git = ["git", "-C", str(ROOT)]
    if rev is None:
        base = subprocess.run([*git, "merge-base", "HEAD", "main"],
                              check=True, capture_output=True, text=True)  # fmt: skip
        rev = base.stdout.strip()
    folder = work / f"baseline-{rev[:12]}"
    subprocess.run([*git, "worktree", "add", "--detach", str(folder), str(rev)],
                   check=True, capture_output=True)  # fmt: skip
    try:
        yield folder
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(folder)], check=True)


def report(
    current: dict[str, Run], baseline: dict[str, Run], same: int, asked: int, as_json: bool
) -> str:
    rows = {
        name: {
            "seconds": round(run.seconds, 2),
            "peak_rss_mb": round(run.peak_mb),
            "baseline_seconds": round(baseline[name].seconds, 2),
            "baseline_peak_rss_mb": round(baseline[name].peak_mb),
            "speed_ratio": round(baseline[name].seconds / run.seconds, 1),
            "exit": run.code,
        }
        for name, run in current.items()
    }
    if as_json:
        return json.dumps({"commands": rows, "same_citations": [same, asked]}, indent=1)
    lines = [f"{'command':12} {'s':>6} {'MB':>5}   {'base s':>6} {'base MB':>7}   ratio"]
    for name, row in rows.items():
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            seconds, mb = target
            ok = row["seconds"] <= seconds and (mb is None or row["peak_rss_mb"] < mb)
            limit = f"{seconds:.0f} s" + ("" if mb is None else f", {mb:.0f} MB")
            verdict = f"  target < {limit}: {_verdict(ok)}"
        lines.append(
            f"{name:12} {row['seconds']:6.2f} {row['peak_rss_mb']:5} "
            f"  {row['baseline_seconds']:6.2f} {row['baseline_peak_rss_mb']:7}"
            f"   {row['speed_ratio']:4.1f}x{verdict}"
        )
    lines.append(f"same citations as the baseline: {same} of {asked} gold questions")
    return "\n".join(lines)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-rev", default=None, help="default: merge-base HEAD main")
    parser.add_argument("--baseline-dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--index-dir", type=Path, help="an index to use (default: the sample)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "SMP_GUIDE_DATA_DIR": str(work / "data"),
            "SMP_GUIDE_CACHE_DIR": str(work / "cache"),
        }
        index = args.index_dir or sample_index(work, env)
        batch = gold_batch(work / "gold.jsonl", args.questions)
        with baseline_checkout(args.baseline_rev, args.baseline_dir, work) as base:
            baseline = measured(base, fresh_copy(index, work / "base"), args.runs, env)
            current = measured(ROOT, fresh_copy(index, work / "current"), args.runs, env)
            before, after = cited(base, index, batch, env), cited(ROOT, index, batch, env)
    same = sum(a == b for a, b in zip(before, after, strict=True))
    print(report(current, baseline, same, len(after), args.json))
    return 0 if same == len(after) else 1


if __name__ == "__main__":
    raise SystemExit(main())
