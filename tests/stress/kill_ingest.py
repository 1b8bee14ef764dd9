"""``kill -9`` at seeded random points of an ingest that replaces a document.

Builds an index of the sample PDF through the CLI, then for each trial starts
``smp-guide ingest`` of the other version of the same file name (its own process
group, so page workers die too), kills the group with SIGKILL after a random delay,
and checks (a) the index still answers 3 questions with the same chunk IDs and scores
as before the trial, (b) the next ingest completes (status replaced). Prints
``survived N/10`` (and how many were really killed mid-ingest); exits non-zero unless
every trial survived.

    .venv/bin/python tests/stress/kill_ingest.py [--trials 10] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import run_cli  # noqa: E402 (needs tests/ on the path)

QUESTIONS = [
    "Who should pay recruitment fees?",
    "How are skills recognised?",
    "What does the partnership do about visa processing?",
]


def snapshot(settings: object) -> tuple[int, list[list[tuple[str, float]]]]:
    from chromadb.api.shared_system_client import SharedSystemClient

    from index import open_index

    SharedSystemClient.clear_system_cache()  # re-read what the killed process wrote
    library = open_index(settings=settings)  # type: ignore[arg-type]
    hits = [[(h.chunk.id, round(h.score, 9)) for h in library.search(q, k=6)] for q in QUESTIONS]
    return library.status().generation, hits


def cli_ingest(pdf: Path, env: dict[str, str]) -> dict[str, object]:
    proc = run_cli("ingest", str(pdf), "--json", env=env)
    if proc.returncode != 0:
        raise SystemExit(f"ingest of {pdf} failed: {proc.stderr}")
    (document,) = json.loads(proc.stdout)["documents"]
    return document  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--window",
        type=float,
        default=0.4,
        help="kill within this fraction of the first (cold) ingest's duration",
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from assistant import Settings
    from ingest import build_sample_pdf

    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="smp-kill-"))
    versions = []
    for name, outline in (("a", True), ("b", False)):
        path = work / name / "guide.pdf"
        path.parent.mkdir()
        build_sample_pdf(path, outline=outline)
        versions.append(path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMP_GUIDE_")}
    env.update(SMP_GUIDE_DATA_DIR=str(work / "data"), SMP_GUIDE_INDEX_DIR=str(work / "index"))
    settings = Settings(index_dir=work / "index")

    started = time.monotonic()
    cli_ingest(versions[0], env)
    # A replacing ingest is faster than the cold first one (index created, caches warm).
    window = args.window * (time.monotonic() - started)
    live, survived, killed = 0, 0, 0
    print(f"kills fall in [0, {window:.1f}] s after the ingest starts", flush=True)
    for trial in range(1, args.trials + 1):
        generation, before = snapshot(settings)
        new = versions[1 - live]
        delay = rng.uniform(0.0, window)
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ingest", str(new)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        finished = process.poll() is not None
        if not finished:
            os.killpg(process.pid, signal.SIGKILL)
            killed += 1
        process.wait(timeout=60)
        problems = []
        now = snapshot(settings)
        if finished:
            if process.returncode != 0:
                problems.append(f"ingest finished with exit {process.returncode}")
            if now[0] != generation + 1:
                problems.append("a completed ingest did not publish")
        elif now != (generation, before):
            problems.append("the killed ingest changed what the index serves")
        document = cli_ingest(new, env)
        status = document["index"]["status"]  # type: ignore[index]
        expected = "unchanged" if finished else "replaced"
        if status != expected:
            problems.append(f"next ingest status {status!r}, expected {expected!r}")
        live = 1 - live
        ok = not problems
        survived += ok
        state = "completed before the kill" if finished else "killed"
        print(
            f"trial {trial:2d}: delay {delay:5.2f} s, {state}: "
            + ("survived" if ok else "FAILED: " + "; ".join(problems)),
            flush=True,
        )
    print(f"survived {survived}/{args.trials} ({killed} killed mid-ingest)")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if survived == args.trials else 1


if __name__ == "__main__":
    sys.exit(main())
