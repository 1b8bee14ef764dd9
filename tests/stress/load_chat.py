"""Load on the chat server: N concurrent ``gradio_client`` users x M questions each.

Builds the sample index in a temporary folder through the CLI (``smp-guide sample-pdf``
and ``smp-guide ingest``), starts ``python -m assistant.cli chat`` on 127.0.0.1, then runs
``--clients`` threads, each with its own ``Client``, asking ``--questions`` questions of
the bundled sample gold set one after the other through the ``/ask`` endpoint. Records
the latency of every request and every error, samples the server's RSS once a second,
and finally sends one 2,000-character question, which must come back as a polite
refusal in the chat (not an exception). Prints the figures; exits non-zero on any error.

Then two "slow neighbour" cases, each timing one ordinary client's questions alone and
again beside the neighbour (the ordinary p95 must stay within 3x its unloaded p50):

- big history: the neighbour keeps sending the largest history a chat could hold
  (``--history-messages`` messages, ``--history-kb`` KB in all);
- slow LLM: a second chat server answers with an LLM (a fake OpenAI-compatible server
  on 127.0.0.1 that takes ``--llm-delay`` seconds per call); the neighbour keeps an LLM
  answer in flight while the ordinary client asks questions the publication does not
  cover (answered without the LLM).

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
# isort: split
from fake_llm import base_url, slow_llm  # noqa: E402 (needs tests/ on the path)
from helpers import free_port, start_chat  # noqa: E402

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
            with contextlib.suppress(psutil.Error):  # the process ended since it was listed
                total += proc.memory_info().rss
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
            result = client.predict(question, [], [], False, api_name="/ask")
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
        text = last_assistant_text(client.predict(question, [], [], False, api_name="/ask"))
    except Exception as exc:  # noqa: BLE001 - an exception is the failure being checked
        return False, f"exception: {type(exc).__name__}: {exc}"
    polite = text.startswith("Sorry") and "characters" in text and "Traceback" not in text
    return polite, text


OFF_TOPIC = [
    "What is the boiling point of liquid nitrogen at sea level?",
    "How many moons does Jupiter have?",
    "Who painted the ceiling of the Sistine Chapel?",
    "What is the best recipe for sourdough bread?",
    "How fast can a cheetah run?",
]


def timed_questions(url: str, questions: list[str]) -> tuple[list[float], list[str]]:
    """One ordinary client asking ``questions`` one after another: latencies and errors."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    latencies: list[float] = []
    errors: list[str] = []
    for question in questions:
        start = time.perf_counter()
        try:
            text = last_assistant_text(client.predict(question, [], [], False, api_name="/ask"))
            if not text.strip() or text.startswith("Sorry"):
                raise ValueError(text[:200])
        except Exception as exc:  # noqa: BLE001 - every failure is an error to count
            errors.append(f"{question[:40]!r}: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        latencies.append(time.perf_counter() - start)
    return latencies, errors


def big_history(messages: int, kb: int) -> list[dict[str, Any]]:
    """A chat history of ``messages`` messages and about ``kb`` KB (the chatbot's value)."""
    size = kb * 1024 // messages
    words = ("skills partnership training recruitment employers migrants " * (size // 50 + 1))[
        :size
    ]
    history = [
        {
            "role": "user" if n % 2 == 0 else "assistant",
            "content": [{"type": "text", "text": f"{n} {words}"}],  # gradio 6: a list of parts
        }
        for n in range(messages)
    ]
    return history


class Neighbour(threading.Thread):
    """A client sending the same request again and again until stopped."""

    def __init__(self, url: str, question: str, history: list[dict[str, Any]]) -> None:
        super().__init__(daemon=True)
        self.args = (url, question, history)
        self.stop = threading.Event()
        self.sent = 0
        self.outcomes: dict[str, int] = {}
        self.latencies: list[float] = []

    def run(self) -> None:
        from gradio_client import Client

        url, question, history = self.args
        client = Client(url, verbose=False)
        while not self.stop.is_set():
            start = time.perf_counter()
            try:
                text = last_assistant_text(
                    client.predict(question, history, [], False, api_name="/ask")
                )
                outcome = "refused: " + text[:120] if text.startswith("Sorry") else "answered"
            except Exception as exc:  # noqa: BLE001 - recorded as an outcome
                outcome = f"{type(exc).__name__}: {str(exc)[:120]}"
            self.latencies.append(time.perf_counter() - start)
            self.sent += 1
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def beside(url: str, questions: list[str], neighbour: Neighbour) -> tuple[list[float], list[str]]:
    neighbour.start()
    time.sleep(1.0)  # the neighbour's first request is in flight
    try:
        return timed_questions(url, questions)
    finally:
        neighbour.stop.set()
        neighbour.join(timeout=120)


def report_case(
    name: str, alone: list[float], loaded: list[float], errors: list[str], neighbour: Neighbour
) -> bool:
    unloaded = percentile(alone, 0.5)
    p95 = percentile(loaded, 0.95)
    within = bool(loaded) and p95 <= 3 * unloaded and not errors
    print(f"--- slow neighbour: {name}")
    print(f"ordinary alone        p50 {unloaded:.2f} s, p95 {percentile(alone, 0.95):.2f} s")
    print(
        f"ordinary beside it    p50 {percentile(loaded, 0.5):.2f} s, p95 {p95:.2f} s "
        f"({p95 / unloaded:.1f}x the unloaded p50; limit 3x) {'OK' if within else 'FAIL'}"
    )
    print(
        f"neighbour             {neighbour.sent} requests, p50 "
        f"{percentile(neighbour.latencies, 0.5):.2f} s; outcomes {neighbour.outcomes}"
    )
    for error in errors[:5]:
        print("  error:", error)
    return within


def slow_neighbour_cases(
    index_dir: Path, work: Path, pool: list[str], args: argparse.Namespace
) -> bool:
    """The two neighbour cases; True when the ordinary client stayed within 3x."""
    ordinary = [pool[i % len(pool)] for i in range(args.neighbour_questions)]
    history = big_history(args.history_messages, args.history_kb)
    big_ok = neighbour_case(
        index_dir, cli_env(work), work / "chat-big.log",
        label=f"{args.history_messages} messages / {args.history_kb} KB of history",
        ordinary=ordinary, neighbour_question=pool[0], history=history,
    )  # fmt: skip
    with slow_llm(args.llm_delay) as llm:
        env = cli_env(work) | {
            "SMP_GUIDE_ASSISTANT__LLM": "openai:fake",
            "SMP_GUIDE_ASSISTANT__LLM_BASE_URL": base_url(llm),
        }
        llm_ok = neighbour_case(
            index_dir, env, work / "chat-llm.log",
            label=f"LLM answers of {args.llm_delay:.0f} s in flight (ordinary: not covered)",
            ordinary=[OFF_TOPIC[i % len(OFF_TOPIC)] for i in range(args.neighbour_questions)],
            neighbour_question=pool[0], history=[],
        )  # fmt: skip
    return big_ok and llm_ok


def neighbour_case(
    index_dir: Path,
    env: dict[str, str],
    log: Path,
    *,
    label: str,
    ordinary: list[str],
    neighbour_question: str,
    history: list[dict[str, Any]],
) -> bool:
    """One chat server: the ordinary questions timed alone, then beside the neighbour."""
    port = free_port()
    server = start_chat(index_dir, port=port, env=env, log=log)
    try:
        url = f"http://127.0.0.1:{port}/"
        timed_questions(url, ordinary[:2])  # warm-up
        alone, _ = timed_questions(url, ordinary)
        neighbour = Neighbour(url, neighbour_question, history)
        loaded, errors = beside(url, ordinary, neighbour)
        return report_case(label, alone, loaded, errors, neighbour)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10, help="questions per client")
    parser.add_argument("--neighbour-questions", type=int, default=20)
    parser.add_argument("--history-messages", type=int, default=40)
    parser.add_argument("--history-kb", type=int, default=200)
    parser.add_argument("--llm-delay", type=float, default=3.0)
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

            Client(url, verbose=False).predict(pool[0], [], [], False, api_name="/ask")
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
        neighbours_ok = slow_neighbour_cases(index_dir, work, pool, args)

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
    failed = (
        bool(errors) or not polite or not alive or len(latencies) != requests or not neighbours_ok
    )
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
