"""The chat's welcome and status lines, from index statuses (no browser, no model)."""

from __future__ import annotations

from assistant.ui._welcome import people_status, welcome_html, welcome_text
from index import DocumentInfo, IndexStatus


def _status(*titles: str) -> IndexStatus:
    documents = tuple(
        DocumentInfo(
            key=f"k{n}",
            id=f"d{n}",
            title=title,
            n_pages=106 if n == 0 else 1,
            chunks=321,
            ingested_at="2026-12-01T09:30:00+00:00",
        )
        for n, title in enumerate(titles)
    )
    return IndexStatus(
        location="/srv/index", model="gte-small", dimension=384, generation=3, documents=documents
    )


def test_one_document_is_named_with_pages_and_day() -> None:
    status = _status("Skills Mobility Partnerships")
    assert people_status(status) == (
        'Answering from: Skills Mobility Partnerships <span class="smp-when">'
        "(106 pages, indexed 2026-12-01)</span>"
    )
    assert "<cite>Skills Mobility Partnerships</cite>" in welcome_text(status)


def test_technical_details_only_in_the_tooltip() -> None:
    page = welcome_html(_status("Skills Mobility Partnerships"))
    tooltip = page.split('title="', 1)[1].split('"', 1)[0]
    assert "321 chunks" in tooltip and "gte-small" in tooltip, tooltip
    shown = page.replace(tooltip, "")
    assert "chunks" not in shown and "gte-small" not in shown, shown


def test_several_documents() -> None:
    status = _status("First report", "Second report", "Third report")
    assert "<cite>First report</cite> and 2 other documents" in welcome_text(status)
    assert "Second report (1 page, indexed 2026-12-01)" in people_status(status).replace(
        '<span class="smp-when">', ""
    ).replace("</span>", "")


def test_no_document_says_what_to_do() -> None:
    status = _status()
    assert "smp-guide ingest" in welcome_text(status) and "sample" in welcome_text(status)
    assert people_status(status) == "Answering from: no document yet."


def test_a_title_is_shown_as_text() -> None:
    page = welcome_html(_status('<img src=x onerror="alert(1)">'))
    assert "<img" not in page and "&lt;img" in page, page
