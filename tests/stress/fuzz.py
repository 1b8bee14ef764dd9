"""Mutation fuzz of ingest: >= 1,000 seeded cases, each in its own child process.

Sources: the generated sample PDF and the real PDFs in ``SMP_GUIDE_REAL_PDFS`` (default
``../shared/real-pdfs`` beside the repository). Each case mutates one source's bytes
(bit flips, inserts, deletes, truncation, duplicated ranges, edits inside a content
stream), then runs ``ingest_pdf`` in a child with a wall-clock timeout and an address
space limit. Outcomes: ok / clean error by type / crash (any other exception or a dead
child) / hang (timeout) / memory blow-up (MemoryError, or peak RSS growth over the limit).

    .venv/bin/python tests/stress/fuzz.py [--cases 1000] [--workers 2] [--timeout 90]

Exits non-zero on any crash, hang or memory blow-up.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from mutations import mutate, random_mutations  # noqa: E402 (needs tests/ on the path)

MEMORY_LIMIT_MB = 500
ADDRESS_SPACE = 3 * 1024**3


def child(path: str) -> None:
    """Run one case in this (child) process and print one JSON line."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    from assistant import Settings
    from ingest import SmpGuideError, ingest_pdf

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    try:
        result = ingest_pdf(Path(path), settings=Settings(ingest={"page_seconds": 2, "workers": 1}))
        out = {"outcome": "ok", "chunks": len(result.chunks)}
    except SmpGuideError as exc:
        out = {"outcome": "error", "type": type(exc).__name__}
    except MemoryError:
        out = {"outcome": "memory", "type": "MemoryError"}
    except BaseException as exc:  # noqa: BLE001 - this is what the fuzz counts
        out = {
            "outcome": "crash",
            "type": type(exc).__name__,
            "detail": traceback.format_exc()[-1500:],
        }
    out["seconds"] = round(time.monotonic() - started, 2)
    out["rss_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(json.dumps(out), flush=True)


def run_case(source: Path, seed: int, folder: Path, timeout: float) -> dict[str, object]:
    rng = random.Random(f"{source.name}:{seed}")
    path = folder / f"case-{seed}.pdf"
    path.write_bytes(mutate(source.read_bytes(), random_mutations(rng)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMP_GUIDE_")}
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"outcome": "hang", "source": source.name, "seed": seed}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        memory = "MemoryError" in proc.stderr
        case: dict[str, object] = {
            "outcome": "memory" if memory else "crash",
            "type": f"exit {proc.returncode}",
            "detail": proc.stderr[-1500:],
        }
    else:
        case = json.loads(lines[-1])
        too_big = float(case["rss_growth_mb"]) > MEMORY_LIMIT_MB  # type: ignore[arg-type]
        if case["outcome"] in ("ok", "error") and too_big:
            case["outcome"] = "memory"
    case.update(source=source.name, seed=seed)
    if case["outcome"] in ("ok", "error"):
        path.unlink(missing_ok=True)  # failures are kept for replay
    return case


def sources() -> list[tuple[Path, int]]:
    """(PDF, share of cases): the sample gets half, the real PDFs split the rest."""
    from ingest import build_sample_pdf

    folder = Path(tempfile.mkdtemp(prefix="smp-fuzz-src-"))
    sample = folder / "sample.pdf"
    build_sample_pdf(sample, outline=True)
    override = os.environ.get("SMP_GUIDE_REAL_PDFS")
    real_dir = Path(override) if override else ROOT.parent / "shared" / "real-pdfs"
    real = sorted(real_dir.glob("*.pdf")) if real_dir.is_dir() else []
    if not real:
        print(f"warning: no real PDFs in {real_dir}; fuzzing the sample only", file=sys.stderr)
    return [(sample, 2 if real else 1)] + [(p, 2 / len(real)) for p in real]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    weighted = sources()
    total_weight = sum(w for _, w in weighted)
    plan: list[tuple[Path, int]] = []
    for source, weight in weighted:
        n = round(args.cases * weight / total_weight)
        plan += [(source, seed) for seed in range(n)]
    while len(plan) < args.cases:
        plan.append((weighted[0][0], len(plan) + 10_000))
    folder = Path(tempfile.mkdtemp(prefix="smp-fuzz-"))
    started = time.monotonic()
    results: list[dict[str, object]] = []
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(run_case, s, seed, folder, args.timeout) for s, seed in plan]
        for i, future in enumerate(futures, start=1):
            results.append(future.result())
            if i % 100 == 0:
                print(f"... {i}/{len(plan)} cases, {time.monotonic() - started:.0f} s", flush=True)
    table: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for r in results:
        table[(str(r["source"]), str(r["outcome"]), str(r.get("type", "")))] += 1
    print(
        f"\n{len(results)} cases in {time.monotonic() - started:.0f} s (kept failures in {folder})"
    )
    print(f"{'source':<24} {'outcome':<8} {'type':<28} {'count':>5}")
    for (source, outcome, kind), count in sorted(table.items()):
        print(f"{source:<24} {outcome:<8} {kind:<28} {count:>5}")
    totals = collections.Counter(str(r["outcome"]) for r in results)
    print("totals:", ", ".join(f"{k}={v}" for k, v in sorted(totals.items())))
    slowest = max(results, key=lambda r: float(r.get("seconds", 0)))  # type: ignore[arg-type]
    print(f"slowest case: {slowest.get('seconds')} s ({slowest['source']} seed {slowest['seed']})")
    peak = max(float(r.get("rss_growth_mb", 0)) for r in results)  # type: ignore[arg-type]
    print(f"largest peak RSS growth: {peak:.0f} MB")
    bad = [r for r in results if r["outcome"] in ("crash", "hang", "memory")]
    for r in bad[:20]:
        print(f"\n{r['outcome']}: {r['source']} seed {r['seed']} {r.get('type', '')}")
        print(str(r.get("detail", ""))[-800:])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
