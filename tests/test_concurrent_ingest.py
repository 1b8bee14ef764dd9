"""Several ``smp-guide ingest`` processes writing one index at once (real CLI processes).

Each writer stores its PDF, chunks and token vectors, embeds, publishes and collects
garbage; none may remove what another has stored but not yet published. Afterwards
every document is listed, answers cite it, and its stored PDF (what the chat's
``/pdf/<id>`` serves) exists.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ROOT
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from assistant import Settings
from index import open_index

TOPICS = {
    "hatchery": (
        "Zebrafish hatchery handbook",
        (
            "The zebrafish hatchery cleans every breeding tank on Tuesdays with filtered "
            "lake water. Hatchery technicians log the water temperature of each tank at dawn. "
            "Larvae move from the nursery racks to the grow-out tanks after nine days."
        ),
        "How often does the zebrafish hatchery clean its breeding tanks?",
    ),
    "quarry": (
        "Basalt quarry safety rules",
        (
            "Blasting at the basalt quarry happens only at noon, after a siren sounds three "
            "times. Quarry drivers keep their dump trucks below fifteen kilometres per hour "
            "on the haul road. Crushed basalt is stockpiled beside the weighbridge."
        ),
        "When does blasting happen at the basalt quarry?",
    ),
    "lighthouse": (
        "Lighthouse keeper rota",
        (
            "Each lighthouse keeper polishes the Fresnel lens before sunset and winds the "
            "clockwork rotation mechanism every four hours. The keeper rota swaps night "
            "watches on Sundays, and the foghorn is tested on the first of each month."
        ),
        "Who polishes the Fresnel lens of the lighthouse?",
    ),
}


def _pdf(path: Path, title: str, text: str) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(title)
    for page in range(2):
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(72, 780, title if page == 0 else f"{title} (continued)")
        pdf.setFont("Helvetica", 11)
        lines = textwrap.wrap(text, 85) * 3
        for row, line in enumerate(lines):
            pdf.drawString(72, 750 - 16 * row, line)
        pdf.showPage()
    pdf.save()
    return path


def _ingest(pdf: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest", str(pdf), "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_concurrent_ingests_keep_every_document_and_its_stored_pdf(
    tmp_path: Path, clean_env: dict[str, str]
) -> None:
    pdfs = {
        key: _pdf(tmp_path / f"{key}.pdf", title, text) for key, (title, text, _) in TOPICS.items()
    }
    env = dict(clean_env, SMP_GUIDE_INDEX_DIR=str(tmp_path / "index"))
    # Three different PDFs and one of them twice, all started at once.
    processes = [_ingest(pdf, env) for pdf in (*pdfs.values(), pdfs["hatchery"])]
    for process in processes:
        _out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err

    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    library = open_index(settings=settings)
    documents = {d.key: d for d in library.status().documents}
    assert sorted(documents) == sorted(f"{key}.pdf" for key in TOPICS), documents
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        "".join(json.dumps({"id": key, "question": q}) + "\n" for key, (_, _, q) in TOPICS.items())
    )
    asked = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--batch", str(batch)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    answers = {a["id"]: a for a in map(json.loads, asked.stdout.splitlines())}
    for key in TOPICS:
        document = documents[f"{key}.pdf"]
        stored = library.pdf_path(document.id)
        assert stored is not None and stored.read_bytes() == pdfs[key].read_bytes(), (
            f"the stored PDF of {key} is missing after concurrent ingests"
        )
        cited = {c["document_id"] for c in answers[key]["citations"]}
        assert document.id in cited, f"the {key} question does not cite it: {answers[key]}"
    leftovers = sorted(p.name for p in (tmp_path / "index" / "store").iterdir())
    shas = {library.manifest().documents[f"{k}.pdf"].content_sha256 for k in TOPICS}
    assert {name.split(".")[0] for name in leftovers} == shas, leftovers
    assert not [name for name in leftovers if name.endswith(".tmp")], leftovers
