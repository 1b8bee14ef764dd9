"""Load on the chat server: N concurrent ``gradio_client`` users x M questions each.

Builds the sample index in a temporary folder through the CLI (``smp-guide sample-pdf``
and ``smp-guide ingest``), starts ``python -m assistant.cli chat`` on 127.0.0.1, then runs
``--clients`` threads, each with its own ``Client``, asking ``--questions`` questions of
the bundled sample gold set one after the other through the ``/ask`` endpoint. Records
the latency of every request and every error, samples the server's RSS once a second,
and finally sends one 2,000-character question, which must come back as a polite
refusal in the chat (not an exception). Prints the figures; exits non-zero on any error.

    .venv/bin/python tests/stress/load_chat.py [--clients 50] [--questions 10]

Only loopback traffic: the server binds 127.0.0.1 and every client talks to it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import free_port, start_chat

GOLD = ROOT / "evals" / "datasets" / "sample_gold.jsonl"
OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "RAGAS_DO_NOT_TRACK": "true",
}
for _name, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_name, _value)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = q * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def cli_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMP_GUIDE_")}
    env.update(OFFLINE_ENV)
    env["SMP_GUIDE_DATA_DIR"] = str(work / "data")
    env["SMP_GUIDE_INDEX_DIR"] = str(work / "index")
    return env


def build_index(work: Path) -> Path:
    """The sample PDF ingested into ``work/index`` through the CLI."""
    cli = Path(sys.executable).with_name("smp-guide")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "assistant.cli"]
    env = cli_env(work)
    pdf = work / "sample.pdf"
    for args in (["sample-pdf", str(pdf)], ["ingest", str(pdf), "--json"]):
        done = subprocess.run(
            command + args, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return work / "index"


def gold_questions() -> list[str]:
    with GOLD.open(encoding="utf-8") as handle:
        return [json.loads(line)["question"] for line in handle if line.strip()]


def last_assistant_text(result: Any) -> str:
    """The text of the last assistant message in the ``/ask`` result's chat output."""
    messages = result[0] if isinstance(result, (list, tuple)) else None
    if not isinstance(messages, list) or not messages:
        raise ValueError(f"unexpected /ask result: {result!r:.300}")
    last = messages[-1]
    if isinstance(last, dict):
        if last.get("role") != "assistant":
            raise ValueError(f"last message is not the assistant's: {last!r:.300}")
        content = last.get("content")
        if isinstance(content, list):  # gradio 6 may wrap text in a list of parts
            content = " ".join(
                str(part.get("text", part)) if isinstance(part, dict) else str(part)
                for part in content
            )
        return str(content)
    if isinstance(last, (list, tuple)) and len(last) == 2:  # legacy [user, bot] pairs
        return str(last[1])
    raise ValueError(f"unexpected message shape: {last!r:.300}")


class Sampler(threading.Thread):
    """Server RSS (process + children) once a second."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def rss_mb(self) -> float:
        import psutil

        total = 0
        for proc in [self.process, *self.process.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total / 1_048_576

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.samples.append(self.rss_mb())
            except Exception:  # noqa: BLE001 - the server went away: reported elsewhere
                return
            self.stop.wait(1.0)


def client_worker(
    url: str,
    number: int,
    asked: list[str],
    latencies: list[float],
    errors: list[str],
    lock: threading.Lock,
) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # noqa: BLE001 - every failure is an error to count
        with lock:
            errors.extend([f"client {number}: connect: {type(exc).__name__}: {exc}"] * len(asked))
        return
    for question in asked:
        start = time.perf_counter()
        try:
            result = client.predict(question, [], [], [], False, api_name="/ask")
            text = last_assistant_text(result)
            if not text.strip():
                raise ValueError("empty answer")
            if text.startswith("Sorry"):
                raise ValueError(f"answer is an apology: {text[:200]}")
        except Exception as exc:  # noqa: BLE001 - every failure is an error to count
            with lock:
                errors.append(
                    f"client {number}: {question[:40]!r}: {type(exc).__name__}: {str(exc)[:300]}"
                )
            continue
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)
    with contextlib.suppress(Exception):
        client.close()


def refusal(url: str) -> tuple[bool, str]:
    """One 2,000-character question: must be answered by a polite refusal in the chat."""
    from gradio_client import Client

    base = "Who should pay for training the candidates in a skills mobility partnership? "
    question = (base * (2000 // len(base) + 1))[:2000]
    assert len(question) == 2000
    try:
        client = Client(url, verbose=False)
        text = last_assistant_text(client.predict(question, [], [], [], False, api_name="/ask"))
    except Exception as exc:  # noqa: BLE001 - an exception is the failure being checked
        return False, f"exception: {type(exc).__name__}: {exc}"
    polite = text.startswith("Sorry") and "characters" in text and "Traceback" not in text
    return polite, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10, help="questions per client")
    args = parser.parse_args()
    pool = gold_questions()
    with tempfile.TemporaryDirectory(prefix="smpg-load-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        index_dir = build_index(work)
        print(f"sample index built in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server = start_chat(index_dir, port=port, env=cli_env(work), log=work / "chat.log")
        url = f"http://127.0.0.1:{port}/"
        sampler = Sampler(server.pid)
        sampler.start()
        try:
            # one warm-up request so model loading is not counted as load latency
            from gradio_client import Client

            Client(url, verbose=False).predict(pool[0], [], [], [], False, api_name="/ask")
            latencies: list[float] = []
            errors: list[str] = []
            lock = threading.Lock()
            threads = []
            for n in range(args.clients):
                asked = [pool[(n * args.questions + i) % len(pool)] for i in range(args.questions)]
                threads.append(
                    threading.Thread(
                        target=client_worker,
                        args=(url, n, asked, latencies, errors, lock),
                        daemon=True,
                    )
                )
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
            polite, refusal_text = refusal(url)
            alive = server.poll() is None
        finally:
            sampler.stop.set()
            sampler.join(timeout=5)
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        log_tail = (work / "chat.log").read_text(errors="replace")[-2000:]

    requests = args.clients * args.questions
    rss = sampler.samples or [float("nan")]
    print(f"clients x questions   {args.clients} x {args.questions}")
    print(f"requests              {requests}")
    print(f"completed             {len(latencies)}")
    print(f"errors                {len(errors)}")
    print(f"latency p50           {percentile(latencies, 0.5):.2f} s")
    print(f"latency p95           {percentile(latencies, 0.95):.2f} s")
    print(f"latency max           {max(latencies, default=float('nan')):.2f} s")
    print(f"wall time             {wall:.1f} s")
    print(f"throughput            {len(latencies) / wall:.2f} answers/s")
    print(
        f"server RSS            min {min(rss):.0f} MB, max {max(rss):.0f} MB "
        f"({len(sampler.samples)} samples, 1/s)"
    )
    print(
        f"2,000-char question   {'polite refusal' if polite else 'NOT a polite refusal'}: "
        f"{refusal_text!r}"
    )
    print(f"server alive at end   {alive}")
    for error in errors[:20]:
        print("  error:", error)
    failed = bool(errors) or not polite or not alive or len(latencies) != requests
    if failed:
        print("--- server log tail ---\n" + log_tail)
    print("RESULT", "FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception:  # noqa: BLE001 - print it, exit 2
        traceback.print_exc()
        raise SystemExit(2) from None
