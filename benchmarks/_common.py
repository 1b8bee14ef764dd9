"""Shared by the benchmark scripts: the documents with question sets, and timing helpers."""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# benchmarks/ingest.py would shadow the ingest package: the root goes first. The
# benchmarks folder stays on the path: worker processes re-import the running script.
if not sys.path or Path(sys.path[0] or ".").resolve() != ROOT:
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
        "adb": "adb_tvet_bangladesh.pdf",
        "ilo": "ilo_labstat_module1.pdf",
        "unodc": "unodc_glotip_2024_ch2.pdf",
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


def memory_mb() -> dict[str, float | None]:
    """Peak RSS of this process (getrusage) and, with psutil installed, the current RSS."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak /= 2**20 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    try:
        import psutil

        current: float | None = round(psutil.Process().memory_info().rss / 2**20, 1)
    except ImportError:
        current = None
    return {"peak_rss_mb": round(peak, 1), "current_rss_mb": current}


@contextmanager
def chroma_server(folder: Path, timeout: float = 60.0) -> Iterator[str]:
    """A `chroma run` server on a free local port, logging to a file; killed on exit."""
    import socket
    import subprocess
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("chroma")
    cmd = [str(exe) if exe.exists() else "chroma", "run", "--path", str(folder / "chroma-server")]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with (folder / "chroma-server.log").open("w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    opener.open(f"{url}/api/v2/heartbeat", timeout=1).read()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"chroma server did not start; see {log.name}") from None
                    time.sleep(0.2)
            yield url
        finally:
            if proc.poll() is None:
                proc.kill()  # by pid: only the server started here
            proc.wait()
