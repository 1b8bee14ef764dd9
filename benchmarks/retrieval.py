"""Retrieval quality: page hit@1/@5, MRR and recommendation-ID hit@5 on the gold sets,
side by side with a vanilla llama-index pipeline measured in the same run.

The baseline is what a llama-index quick start gives: one Document per PDF page (what
llama-index's PDF file reader produces; that reader is not installed because it pins an
older pypdf), the default SentenceSplitter, an in-memory VectorStoreIndex, the same
embedding model, top-5. Each page is labelled with the printed page number our ingest
read for it, as the gold sets cite pages: pypdf's own labels are PDF page numbers on most
real reports, which would score the baseline on page numbering instead of retrieval.

    python benchmarks/retrieval.py [--real-dir DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _common import Corpus, corpora, real_pdfs_dir

K = 5


@dataclass(frozen=True)
class Ranked:
    pages: list[list[str]]
    rec_ids: list[str | None]


def ours(corpus: Corpus, workdir: Path, questions: list) -> tuple[list[Ranked], list[str]]:
    """Our rankings, and the printed page label of each PDF page as our ingest read it."""
    from assistant import Settings
    from index import open_index
    from ingest import ingest_pdf

    settings = Settings(data_dir=workdir, index_dir=workdir / f"index-{corpus.name}")
    library = open_index(settings=settings)
    result = ingest_pdf(corpus.pdf, settings=settings)
    library.add(result, pdf=corpus.pdf)
    out = []
    for q in questions:
        hits = library.search(q.question, k=K)
        out.append(
            Ranked([list(h.chunk.page_labels) for h in hits], [h.chunk.rec_id for h in hits])
        )
    return out, list(result.document.page_labels)


def vanilla(corpus: Corpus, questions: list, labels: list[str]) -> list[Ranked]:
    import pypdf
    from llama_index.core import Document, VectorStoreIndex

    from assistant import Settings
    from index._embedder import load_embedder

    embed = load_embedder(Settings().index.embed_model, batch_size=32).model
    reader = pypdf.PdfReader(corpus.pdf)
    docs = [
        Document(
            text=page.extract_text(),
            metadata={"page_label": labels[i], "file_name": corpus.pdf.name},
        )
        for i, page in enumerate(reader.pages)
    ]
    index = VectorStoreIndex.from_documents(docs, embed_model=embed)
    retriever = index.as_retriever(similarity_top_k=K)
    out = []
    for q in questions:
        nodes = retriever.retrieve(q.question)
        out.append(
            Ranked(
                [[str(n.node.metadata.get("page_label", ""))] for n in nodes], [None] * len(nodes)
            )
        )
    return out


def scores(questions: list, ranked: list[Ranked]) -> dict[str, float | int | None]:
    hit1 = hit5 = rr = 0.0
    rec_total = rec_hit = 0
    answerable = [(q, r) for q, r in zip(questions, ranked, strict=True) if q.answerable]
    for q, r in answerable:
        expected = set(q.expected_pages)
        ranks = [i for i, pages in enumerate(r.pages[:K]) if expected & set(pages)]
        hit1 += bool(ranks and ranks[0] == 0)
        hit5 += bool(ranks)
        rr += 1.0 / (ranks[0] + 1) if ranks else 0.0
        if q.expected_rec_ids:
            rec_total += 1
            rec_hit += bool(set(q.expected_rec_ids) & {x for x in r.rec_ids[:K] if x})
    n = len(answerable)
    return {
        "questions": n,
        "page_hit@1": hit1 / n,
        "page_hit@5": hit5 / n,
        "mrr@5": rr / n,
        "rec_questions": rec_total,
        "rec_id_hit@5": rec_hit / rec_total
        if rec_total and any(x for r in ranked for x in r.rec_ids)  # vanilla has no rec IDs
        else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-dir", help="folder with the real PDFs")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    from evals import load_dataset

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for corpus in corpora(work, real_pdfs_dir(args.real_dir)):
            questions = load_dataset(corpus.dataset)
            ranked, labels = ours(corpus, work, questions)
            results[corpus.name] = {
                "ours": scores(questions, ranked),
                "vanilla": scores(questions, vanilla(corpus, questions, labels)),
            }
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"{'corpus':8} {'system':8} {'n':>3} {'hit@1':>6} {'hit@5':>6} {'MRR':>6} {'rec@5':>6}")
    for name, systems in results.items():
        for system, s in systems.items():
            rec = "-" if s["rec_id_hit@5"] is None else f"{s['rec_id_hit@5']:.2f}"
            print(
                f"{name:8} {system:8} {s['questions']:>3} {s['page_hit@1']:6.2f} "
                f"{s['page_hit@5']:6.2f} {s['mrr@5']:6.2f} {rec:>6}"
            )
        gain = systems["ours"]["page_hit@5"] - systems["vanilla"]["page_hit@5"]
        print(f"{name:8} page hit@5 gain over vanilla: {gain * 100:+.0f} points")
    sample = results["sample"]["ours"]
    print(
        f"targets: sample page hit@5 {sample['page_hit@5']:.2f} (>= 0.95), "
        f"rec-ID hit@5 {sample['rec_id_hit@5']:.2f} (>= 0.90), real PDFs >= +10 points"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
