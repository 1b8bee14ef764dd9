"""Speed: full ingest against the embedding floor, warm retrieval latency (embedded and over a
Chroma server), process memory, and a many-document library, all measured in one run.

    python benchmarks/speed.py [--real-dir DIR] [--quick] [--json]

Full ingest = ingest_pdf + GuideIndex.add into a fresh embedded index (the Embedder's per-text
cache is cleared first). The floor is embedding exactly the same texts (Chunk.embedding_text())
with the same model and batch size, calling the model directly so no cache hides work; floor and
ingest runs alternate after a warm-up and medians are reported. Latency: the questions of
evals/datasets/*.jsonl, cycled, after warm-up queries. Scale variants: the sample is parsed again
for every document, then its text is varied (each chunk gets an " (edition N)" suffix, new content
hash, IDs and file name) so every document has new vectors to compute.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

# Page-reading worker processes re-run this file with the parent's sys.path: keep this
# folder on it so `_common` resolves there too.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, chroma_server, corpora, median, memory_mb, percentile, real_pdfs_dir

INGEST_X_FLOOR, EMBEDDED_P95_MS, SCALE_P95_MS = 1.5, 30.0, 100.0
WARM_QUERIES = 10


def questions(n: int) -> list[str]:
    from evals import load_dataset

    files = sorted((ROOT / "evals" / "datasets").glob("*.jsonl"))
    pool = [q.question for f in files for q in load_dataset(f)]
    return [pool[i % len(pool)] for i in range(n)]


def latency(library, queries: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    library.search(queries[0])  # the first search builds BM25 and the glossary vectors
    first = (time.perf_counter() - started) * 1000
    for q in queries[:WARM_QUERIES]:
        library.search(q)
    times = []
    for q in queries:
        started = time.perf_counter()
        library.search(q)
        times.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    return {"queries": len(times), "first_ms": round(first, 1), "p50_ms": p50, "p95_ms": p95}


class Runner:
    """Fresh index folders, full ingests and floor timings sharing one embedder."""

    def __init__(self, work: Path) -> None:
        from assistant import Settings
        from index._embedder import load_embedder

        self.work, self.runs = work, 0
        index = Settings(data_dir=work).index
        self.embedder = load_embedder(index.embed_model, batch_size=index.embed_batch_size)

    def settings(self, name: str, chroma_url: str | None = None):
        from assistant import Settings

        self.runs += 1
        folder = self.work / f"{name}-{self.runs}"
        return Settings(data_dir=self.work, index_dir=folder, chroma_url=chroma_url)

    def ingest(self, pdf: Path, name: str):
        """(seconds, result, library) of one full ingest into a fresh embedded index."""
        from index import open_index
        from ingest import ingest_pdf

        settings = self.settings(name)
        self.embedder.cache.clear()
        started = time.perf_counter()
        result = ingest_pdf(pdf, settings=settings)
        library = open_index(settings=settings)
        library.add(result, pdf=pdf)
        return time.perf_counter() - started, result, library

    def floor(self, texts: list[str]) -> float:
        started = time.perf_counter()
        self.embedder.model.get_text_embedding_batch(texts)
        return time.perf_counter() - started


def measure_ingest(runner: Runner, name: str, pdf: Path, reps: int):
    ingest_s, floor_s = [], []
    for _ in range(reps):
        seconds, result, library = runner.ingest(pdf, name)
        ingest_s.append(seconds)
        floor_s.append(runner.floor([c.embedding_text() for c in result.chunks]))
    ingest, floor, n = median(ingest_s), median(floor_s), len(result.chunks)
    row = {"pages": result.document.n_pages, "chunks": n, "runs": reps, "ingest_s": ingest}
    row |= {"floor_s": floor, "chunks_per_s": n / ingest, "x_floor": ingest / floor}
    return row, result, library


def variant(result, n: int):
    """The sample's IngestResult as another document whose chunk texts all differ."""
    from ingest._records import chunk_id

    doc = result.document
    sha = hashlib.sha256(f"{doc.content_sha256}:edition-{n}".encode()).hexdigest()
    title, name = f"{doc.title} (edition {n})", f"sample-edition-{n:02d}.pdf"
    doc = replace(doc, id=sha[:16], content_sha256=sha, title=title, source_name=name)
    chunks = tuple(
        replace(
            c,
            id=chunk_id(sha, c.position),
            document_id=doc.id,
            document_title=title,
            text=f"{c.text} (edition {n})",
        )
        for c in result.chunks
    )
    return replace(result, document=doc, chunks=chunks)


def measure_scale(runner: Runner, pdf: Path, docs: int, queries: list[str]) -> dict:
    from index import open_index
    from ingest import ingest_pdf

    settings = runner.settings("scale")
    library = open_index(settings=settings)
    per_doc = []
    for n in range(1, docs + 1):
        runner.embedder.cache.clear()
        started = time.perf_counter()
        library.add(variant(ingest_pdf(pdf, settings=settings), n))
        per_doc.append(time.perf_counter() - started)
    window = min(10, docs // 2)
    first, last = median(per_doc[:window]), median(per_doc[-window:])
    return {
        "documents": docs, "chunks": len(library.chunks()), "total_s": sum(per_doc),
        "method": "parse the sample again, then suffix every chunk text with ' (edition N)'",
        "window": window, "first_doc_s": first, "last_doc_s": last, "growth": last / first,
        **latency(library, queries),
    }  # fmt: skip


def run(args: argparse.Namespace) -> dict:
    reps_sample, reps_real = (1, 1) if args.quick else (3, 1)
    n_queries, n_docs = (50, 10) if args.quick else (200, 50)
    out: dict = {"mode": "quick" if args.quick else "full", "ingest": {}, "memory": {}}
    wall, cpu, load = time.perf_counter(), time.process_time(), os.getloadavg()[0]
    queries = questions(n_queries)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        found = corpora(work, real_pdfs_dir(args.real_dir))
        sample, runner = found[0].pdf, Runner(work)
        _, warm, _ = runner.ingest(sample, "warmup")  # model, parser and Chroma warm-up
        runner.floor([c.embedding_text() for c in warm.chunks])
        row, result, library = measure_ingest(runner, "sample", sample, reps_sample)
        out["ingest"]["sample"] = row
        for corpus in found[1:]:
            out["ingest"][corpus.name] = measure_ingest(runner, corpus.name, corpus.pdf, reps_real)[
                0
            ]
        out["memory"]["after_ingest"] = memory_mb()
        out["latency"] = {"embedded": latency(library, queries)}
        from index import open_index

        with chroma_server(work) as url:
            served = open_index(settings=runner.settings("served", chroma_url=url))
            served.add(result, pdf=sample)
            out["latency"]["server"] = latency(served, queries)
        out["memory"]["after_latency"] = memory_mb()
        out["scale"] = measure_scale(runner, sample, n_docs, queries)
        out["memory"]["after_scale"] = memory_mb()
    out["machine"] = {
        "cores": os.cpu_count(), "load_start": round(load, 1),
        "load_end": round(os.getloadavg()[0], 1), "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
    }  # fmt: skip
    s, emb, sc = out["ingest"]["sample"], out["latency"]["embedded"], out["scale"]
    out["targets"] = [
        target("sample ingest / embedding floor", s["x_floor"], INGEST_X_FLOOR, "x"),
        target("embedded query p95", emb["p95_ms"], EMBEDDED_P95_MS, "ms"),
        target(f"{sc['documents']}-document library query p95", sc["p95_ms"], SCALE_P95_MS, "ms"),
    ]
    return out


def target(name: str, value: float, limit: float, unit: str) -> dict:
    verdict = {"value": value, "limit": limit, "ratio": value / limit, "pass": value <= limit}
    return {"name": name, "unit": unit, **verdict}


def report(out: dict) -> None:
    m = out["machine"]
    print(f"mode: {out['mode']}; {m['cores']} cores, 1-min load {m['load_start']} at start, "
          f"{m['load_end']} at end; this process: {m['cpu_s']:.0f} CPU s "
          f"in {m['wall_s']:.0f} s")  # fmt: skip
    print(f"{'ingest':8} {'pages':>5} {'chunks':>6} {'runs':>4} {'ingest s':>8} {'floor s':>8} "
          f"{'chunks/s':>8} {'x floor':>7}")  # fmt: skip
    for name, r in out["ingest"].items():
        print(f"{name:8} {r['pages']:>5} {r['chunks']:>6} {r['runs']:>4} {r['ingest_s']:>8.2f} "
              f"{r['floor_s']:>8.2f} {r['chunks_per_s']:>8.1f} {r['x_floor']:>7.2f}")  # fmt: skip
    print(f"{'latency':20} {'queries':>7} {'first ms':>8} {'p50 ms':>7} {'p95 ms':>7}")
    rows = {f"sample {k}": v for k, v in out["latency"].items()}
    sc = out["scale"]
    rows[f"library {sc['documents']} docs"] = sc
    for name, r in rows.items():
        print(f"{name:20} {r['queries']:>7} {r['first_ms']:>8.1f} {r['p50_ms']:>7.1f} "
              f"{r['p95_ms']:>7.1f}")  # fmt: skip
    print(f"scale: {sc['documents']} documents, {sc['chunks']} chunks; {sc['method']}")
    print(f"scale: total {sc['total_s']:.1f} s; per document, first {sc['window']} "
          f"{sc['first_doc_s']:.2f} s, last {sc['window']} {sc['last_doc_s']:.2f} s "
          f"(growth {sc['growth']:.2f}x)")  # fmt: skip
    for step, mem in out["memory"].items():
        current = "-" if mem["current_rss_mb"] is None else f"{mem['current_rss_mb']:.0f}"
        print(f"memory {step:14} peak RSS {mem['peak_rss_mb']:.0f} MB, current {current} MB")
    for t in out["targets"]:
        print(f"{'PASS' if t['pass'] else 'FAIL'} {t['name']}: {t['value']:.2f} {t['unit']} "
              f"(limit {t['limit']:g} {t['unit']}, ratio {t['ratio']:.2f})")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-dir", help="folder with the real PDFs")
    parser.add_argument("--quick", action="store_true", help="10 documents, 50 queries, 1 run")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    out = run(args)
    print(json.dumps(out, indent=1)) if args.json else report(out)
    return 0 if all(t["pass"] for t in out["targets"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
