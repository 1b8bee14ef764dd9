"""Answer speed: extractive answers warm on the sample index, the chat's first streamed
update, and the chat server's memory.

    python benchmarks/answer.py [--questions 200] [--json]

Targets: extractive answer p95 <= 150 ms warm; first streamed update in the UI <= 1 s;
chat server RSS <= 1.2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, percentile

sys.path.insert(0, str(ROOT / "tests"))
from helpers import free_port, start_chat

TARGETS = {"answer_p95_ms": 150.0, "first_update_p95_ms": 1000.0, "server_rss_mb": 1200.0}


def build_index(work: Path) -> Path:
    from assistant import Settings
    from index import index_pdf
    from ingest import build_sample_pdf

    pdf = work / "sample.pdf"
    build_sample_pdf(pdf)
    settings = Settings(data_dir=work / "data", index_dir=work / "index")
    index_pdf(pdf, settings=settings)
    return work / "index"


def questions(n: int) -> list[str]:
    """Distinct questions (all bundled sets), so no per-process cache flatters the timing."""
    from evals import bundled_datasets, load_dataset

    pool = list(
        dict.fromkeys(
            q.question
            for path in sorted(bundled_datasets().glob("*.jsonl"))
            for q in load_dataset(path)
        )
    )
    return pool[:n]


def extractive_latency(index_dir: Path, asked: list[str]) -> dict[str, float]:
    from assistant import Assistant, Settings

    assistant = Assistant(settings=Settings(index_dir=index_dir))
    for q in ("warm up", "What is a skills mobility partnership?", "Who pays for training?"):
        assistant.answer(q)  # model, BM25, glossary vectors
    times = []
    for q in asked:
        start = time.perf_counter()
        assistant.answer(q)
        times.append((time.perf_counter() - start) * 1000)
    return {"answer_p50_ms": percentile(times, 0.5), "answer_p95_ms": percentile(times, 0.95)}


def first_updates(port: int, asked: list[str]) -> dict[str, float]:
    from gradio_client import Client

    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    firsts, totals = [], []
    for q in asked:
        start = time.perf_counter()
        job = client.submit(q, [], [], False, api_name="/ask")
        first = None
        for _ in job:
            if first is None:
                first = (time.perf_counter() - start) * 1000
        job.result()
        totals.append((time.perf_counter() - start) * 1000)
        firsts.append(first if first is not None else totals[-1])
    return {
        "first_update_p50_ms": percentile(firsts, 0.5),
        "first_update_p95_ms": percentile(firsts, 0.95),
        "chat_total_p95_ms": percentile(totals, 0.95),
    }


def rss_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 1_048_576


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    asked = questions(args.questions)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        index_dir = build_index(work)
        results.update(extractive_latency(index_dir, asked))
        port = free_port()
        env = dict(
            os.environ, SMP_GUIDE_DATA_DIR=str(work / "data"), GRADIO_ANALYTICS_ENABLED="False"
        )
        server = start_chat(index_dir, port=port, env=env, log=work / "chat.log", timeout=120)
        try:
            first_updates(port, asked[:5])  # warm the server
            results.update(first_updates(port, asked[: max(20, args.questions // 4)]))
            results["server_rss_mb"] = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    for name, value in results.items():
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else (
                f"  target <= {target:.0f}: {'PASS' if value <= target else 'FAIL'} "
                f"({value / target:.2f}x)"
            )
        )
        print(f"{name:22} {value:9.1f}{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
