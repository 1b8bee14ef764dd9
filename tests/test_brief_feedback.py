"""The files the app writes for a user, through the assistant stage's public functions.

Real files under ``tmp_path``, read back; no model or index is needed for either.
"""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant import (
    Brief,
    Settings,
    answer_from_json,
    export_brief,
    record_feedback,
    storage_problem,
)

CITATION = {
    "n": 1,
    "document": "Guide",
    "reference": "IOM (2023). Guide, p. 12.",
    "quote": "Employers co-finance training.",
}
SOURCE = {"rank": 1, "reference": "IOM (2023), p. 40", "quote": "Nearest passage."}


def _turn(question: str, *, cited: bool = True) -> dict[str, object]:
    return {
        "question": question,
        "answer": "Employers co-finance training [1]." if cited else "Not covered.",
        "covered": cited,
        "citations": [CITATION] if cited else [],
        "sources": [SOURCE],
        "notices": ["Answered from chapter 3 only."],
    }


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", index_dir=tmp_path / "index")


def _brief(*turns: dict[str, object]) -> Brief:
    brief = Brief()
    for turn in turns:
        brief = brief.add(answer_from_json(turn))
    return brief


def test_export_brief_writes_a_private_file_that_reads_back(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    brief = _brief(_turn("Who pays for training?"), _turn("What about visas?", cited=False))
    path = export_brief(brief, settings=settings, created=created)
    assert path.parent == settings.data_dir / "exports", path
    assert path.name.startswith("smp-brief-") and len(path.stem) >= 40, "guessable name"
    assert path.suffix == ".md", path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, oct(path.parent.stat().st_mode)
    text = path.read_text(encoding="utf-8")
    assert "Exported 2026-01-02 03:04 UTC; 1 answer." in text, text
    assert "## 1. Who pays for training?" in text and "visas" not in text, text
    assert "IOM (2023). Guide.\n\n- [1] p. 12." in text, text
    assert text.count("_Note: Answered from chapter 3 only._") == 1, text
    again = export_brief(brief, settings=settings, created=created)
    assert again != path and path.read_text(encoding="utf-8") == text, "a second export is new"
    word = export_brief(brief, settings=settings, kind="docx", created=created)
    assert word.suffix == ".docx" and word.read_bytes()[:2] == b"PK", "a Word file is a zip"
    assert stat.S_IMODE(word.stat().st_mode) == 0o600, oct(word.stat().st_mode)


def test_export_brief_fails_with_oserror_where_it_cannot_write(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.data_dir.mkdir()
    (settings.data_dir / "exports").write_text("a file where the folder should be")
    assert storage_problem(settings=settings) is not None, "the check must see it"
    with pytest.raises(OSError):
        export_brief(_brief(_turn("Who pays?")), settings=settings)


def test_storage_problem_is_none_where_both_can_be_written(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert storage_problem(settings=settings) is None
    assert (settings.data_dir / "exports").is_dir(), "the exports folder is made ready"


def test_record_feedback_appends_one_json_line_per_rating(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    first = record_feedback(_turn("Who pays?"), liked=True, settings=settings)
    second = record_feedback(_turn("Visas?", cited=False), liked=False, settings=settings)
    assert first == second == settings.data_dir / "feedback.jsonl", (first, second)
    records = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in records] == ["Who pays?", "Visas?"], records
    assert [r["rating"] for r in records] == ["up", "down"], records
    assert records[0]["sources"] == [CITATION], "a cited answer is rated with its citations"
    assert records[1]["sources"] == [SOURCE], "an uncited one with its nearest sources"
    assert records[1]["covered"] is False and records[0]["timestamp"], records


def test_record_feedback_that_cannot_be_written_raises_and_logs_the_record(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path)
    (settings.data_dir / "feedback.jsonl").mkdir(parents=True)  # open() fails, root included
    with pytest.raises(OSError):
        record_feedback(_turn("Who pays?"), liked=True, settings=settings)
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("feedback not saved" in m and "Who pays?" in m for m in logged), logged
