"""Recommendations in the common shapes become one unit each, with citable IDs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from assistant import Settings
from ingest import Chunk, IngestResult, ingest_pdf
from ingest._recs import rec_label

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=8)
_H1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=18, leading=22, spaceAfter=12)
_H2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceAfter=8)
_ITEM = ParagraphStyle("item", parent=_BODY, leftIndent=18, bulletIndent=4)

_FILLER = (
    "Partnerships between countries of origin and destination train workers for jobs "
    "that both labour markets need, and their design decides who benefits from them. "
)


def _chapter(number: int, title: str) -> list[Flowable]:
    return [Paragraph(f"{number}. {title}", _H1), Paragraph(_FILLER * 3, _BODY)]


def _build(path: Path, story: list[Flowable]) -> Path:
    SimpleDocTemplate(str(path), pagesize=A4, title="Recommendation shapes").build(story)
    return path


def _recs(path: Path) -> list[Chunk]:
    chunks = ingest_pdf(path, settings=Settings()).chunks
    return [c for c in chunks if c.kind == "recommendation"]


def test_numbered_list_under_key_recommendations_keeps_rationale(tmp_path: Path) -> None:
    story = [*_chapter(1, "Context"), Paragraph(_FILLER * 4, _BODY)]
    story += _chapter(2, "Financing the partnership")
    story += [Paragraph("Key recommendations for governments", _H2)]
    actions = ["Create a joint fund", "Publish the cost model", "Cap worker contributions"]
    for i, action in enumerate(actions, start=1):
        story.append(
            Paragraph(f"{action} before the first cohort is recruited.", _ITEM, bulletText=f"{i}.")
        )
        story.append(
            Paragraph(f"Rationale {i}: pilots that skipped this step stalled later.", _BODY)
        )
    story += [Paragraph("Further reading", _H2), Paragraph(_FILLER, _BODY)]
    recs = _recs(_build(tmp_path / "list.pdf", story))
    assert [r.rec_id for r in recs] == ["R2.1", "R2.2", "R2.3"], [r.text[:40] for r in recs]
    for i, (rec, action) in enumerate(zip(recs, actions, strict=True), start=1):
        assert rec.text.startswith(action), rec.text
        assert f"Rationale {i}:" in rec.text, f"rationale {i} not kept with its recommendation"
        assert f"Rationale {i + 1}:" not in rec.text


def test_a_bold_recommendations_line_at_body_size_opens_its_list(tmp_path: Path) -> None:
    bold_body = ParagraphStyle("bold", parent=_BODY, fontName="Helvetica-Bold")
    story = [*_chapter(1, "Context"), *_chapter(2, "What ministries can do")]
    story += [Paragraph(_FILLER, _BODY), Paragraph("Recommendations", bold_body)]
    actions = ["Adopt one shared plan", "Fund local check-in schemes"]
    for i, action in enumerate(actions, start=1):
        story.append(Paragraph(f"{action} for every district.", _ITEM, bulletText=f"{i}."))
    story += [*_chapter(3, "Conclusion")]
    recs = _recs(_build(tmp_path / "bold.pdf", story))
    assert [r.text.split(" for ")[0] for r in recs] == actions, [r.text[:40] for r in recs]


def test_dotted_numbers_are_the_ids(tmp_path: Path) -> None:
    story = [*_chapter(1, "Scope"), *_chapter(2, "Costs"), *_chapter(3, "Priority reforms")]
    for n in (1, 2):
        story.append(Paragraph(f"3.{n} Ministries should agree on shared indicator {n}.", _BODY))
        story.append(Paragraph(f"Indicator {n} lets both sides see progress every year.", _BODY))
    recs = _recs(_build(tmp_path / "dotted.pdf", story))
    assert [r.rec_id for r in recs] == ["R3.1", "R3.2"], [(r.rec_id, r.text[:40]) for r in recs]
    assert "progress every year" in recs[1].text


def test_numbered_paragraphs_with_the_recommending_verb(tmp_path: Path) -> None:
    story = [*_chapter(1, "Findings"), *_chapter(2, "Recommendations")]
    paras = [
        "40. This chapter draws the findings together. " + _FILLER,
        "41. The evaluation recommends that the steering committee meet every quarter. " + _FILLER,
        "The committee met twice in three years, and decisions waited for months.",
        "42. The evaluation recommends that the secretariat publish the cost model. " + _FILLER,
        "43. Several partners also raised other topics that are outside the scope. " + _FILLER,
    ]
    story += [Paragraph(p, _BODY) for p in paras]
    recs = _recs(_build(tmp_path / "paras.pdf", story))
    assert len(recs) == 2, [r.text[:50] for r in recs]
    assert "recommends that the steering committee" in recs[0].text
    assert "met twice in three years" in recs[0].text, "context paragraph left its recommendation"
    assert "secretariat publish" in recs[1].text and "outside the scope" not in recs[1].text
    assert [r.rec_id for r in recs] == ["R2.1", "R2.2"]


def test_numbered_findings_in_a_narrative_chapter_stay_narrative(tmp_path: Path) -> None:
    story = [*_chapter(1, "What the survey found"), Paragraph("Main findings", _H2)]
    for i in range(1, 5):
        story.append(
            Paragraph(f"Employers in sector {i} reported shortages.", _ITEM, bulletText=f"{i}.")
        )
    story.append(Spacer(1, 12))
    story += _chapter(2, "Next steps")
    assert _recs(_build(tmp_path / "findings.pdf", story)) == []


def test_conclusions_listed_with_recommendations_are_not_recommendations(
    tmp_path: Path,
) -> None:
    story = [*_chapter(1, "Context"), *_chapter(2, "What the study shows")]
    story += [Paragraph("Conclusions and policy recommendations", _H2)]
    story += [Paragraph("The study shows that:", _BODY)]
    items = [
        "Employers in the partner countries value the training more than its certificate.",
        "Ministries should publish the cost of each training place every year.",
        "Few trainees knew whom to call when their contract was not respected.",
        "Strengthen the helplines that trainees can reach in their own language.",
    ]
    for item in items:
        story.append(Paragraph(item, _ITEM, bulletText="•"))
    story += _chapter(3, "Annex")
    recs = _recs(_build(tmp_path / "mixed.pdf", story))
    assert [r.text.split()[0] for r in recs] == ["Ministries", "Strengthen"], [
        r.text[:50] for r in recs
    ]
    assert not any("value the training" in r.text or "whom to call" in r.text for r in recs)


def test_recommendation_blocks_keep_their_own_number(tmp_path: Path) -> None:
    story = [*_chapter(1, "Governance")]
    label = ParagraphStyle("rec", parent=_BODY, fontName="Helvetica-Bold")
    for n in (1, 2):
        story.append(Paragraph(f"Recommendation {n}", label))
        story.append(Paragraph(f"The board should adopt rule {n} by the end of 2026.", label))
        story.append(Paragraph(_FILLER, _BODY))
    recs = _recs(_build(tmp_path / "blocks.pdf", story))
    assert [r.rec_id for r in recs] == ["R1", "R2"], [(r.rec_id, r.text[:40]) for r in recs]


def test_jiu_formal_recommendations_keep_pages_and_get_their_numbers(
    real_ingested: Callable[[str], IngestResult],
) -> None:
    recs = [c for c in real_ingested("jiu_rep_2025_1.pdf").chunks if c.kind == "recommendation"]
    pages = {"R1": "10", "R2": "21", "R3": "24", "R4": "24", "R5": "37", "R6": "48"}
    pages |= {"R7": "58", "R8": "66"}
    found = {r.rec_id: r.page_labels[0] for r in recs if r.rec_id in pages}
    assert found == pages, [(r.rec_id, r.page_labels, r.text[:40]) for r in recs]


def test_adb_priority_reforms_are_units(real_ingested: Callable[[str], IngestResult]) -> None:
    chunks = real_ingested("adb_tvet_bangladesh.pdf").chunks
    recs = [c for c in chunks if c.kind == "recommendation"]
    chapter5 = [r for r in recs if r.chapter == 5]
    # Five run-in reforms in 5.A and at least five in 5.B ("Priority Reforms and Investments").
    assert len(chapter5) >= 10, [r.text[:40] for r in chapter5]
    assert any(r.text.startswith("Organizational reform.") for r in chapter5)
    summary = [r for r in recs if r.chapter is None and "Executive" in r.section]
    assert len(summary) == 8, [r.text[:40] for r in summary]


@pytest.mark.parametrize(
    "opening, rec_id", [("Recommendation 3", "R3"), ("3.2", "R3.2"), ("12.", None)]
)
def test_rec_label_is_the_documents_citable_number(opening: str, rec_id: str | None) -> None:
    assert rec_label(opening + " The board should act.") == rec_id
