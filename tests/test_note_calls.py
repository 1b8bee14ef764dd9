"""Note calls: a raised call is dropped from its line, and a call glued to a full stop
ends the sentence there.

A raised call makes pypdf break its baseline into three lines (before the call, the call,
after it); read by height, the call and the rest of the line came before the line itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from assistant import Settings
from ingest import IngestResult, ingest_pdf
from ingest._text import split_sentences

LINES = (
    ("The evaluation serves accountability to the donors and partner governments and", ""),
    ("learning for the design of a possible second phase of the programme.", "1"),
    ("It was required by the programme agreement and planned from the outset, and the", ""),
    ("team met employers and workers in all four countries of origin.", "2"),
)
AFTER_CALL = "Interviews took place away from the homes of employers."


def _build(path: Path) -> None:
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setTitle("Note calls in running text")
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(72, 760, "Note calls in running text")
    y = 700.0
    for _ in range(3):
        for text, call in LINES:
            canvas.setFont("Helvetica", 11)
            canvas.drawString(72, y, text)
            if call:
                end = 72 + stringWidth(text, "Helvetica", 11)
                canvas.setFont("Helvetica", 6.6)
                canvas.drawString(end + 0.5, y + 4.4, call)
                if call == "1":  # the sentence after the call shares the baseline
                    canvas.setFont("Helvetica", 11)
                    canvas.drawString(end + 5, y, AFTER_CALL)
            y -= 14.5
        y -= 10
    canvas.setFont("Helvetica", 8)
    canvas.line(72, 120, 200, 120)
    canvas.drawString(72, 108, "1 Terms of reference of the evaluation, annex 2.")
    canvas.drawString(72, 98, "2 Field notes of the evaluation team, kept on file.")
    canvas.showPage()
    canvas.save()


@pytest.fixture(scope="module")
def called(tmp_path_factory: pytest.TempPathFactory) -> IngestResult:
    path = tmp_path_factory.mktemp("calls") / "calls.pdf"
    _build(path)
    return ingest_pdf(path, settings=Settings())


def test_a_raised_call_mid_line_is_dropped_and_the_line_reads_in_order(
    called: IngestResult,
) -> None:
    prose = " ".join(c.text for c in called.chunks if c.kind != "footnote")
    assert f"second phase of the programme. {AFTER_CALL}" in prose, prose[:400]
    assert "the 1 " not in prose and "programme.1" not in prose
    assert prose.index("learning for the design") < prose.index(AFTER_CALL)


def test_every_sentence_around_the_calls_is_verbatim(called: IngestResult) -> None:
    assert not called.text_check.off_page, called.text_check.off_page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on this route.30 Africa has", ["on this route.30", "Africa has"]),
        ("the four regions.* The analysis", ["the four regions.*", "The analysis"]),
        ("in North Kivu.b The conflict", ["in North Kivu.b", "The conflict"]),
        ("as they said.”12 The study", ["as they said.”12", "The study"]),
        ("rose by 2.30 Africa has", ["rose by 2.30 Africa has"]),
        ("the CEO’s Office said", ["the CEO’s Office said"]),
        ("see e.g. The Guide", ["see e.g. The Guide"]),
    ],
)
def test_a_call_glued_to_a_full_stop_ends_the_sentence(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected
