"""Chat ratings into gold candidates (``eval from-feedback``), and eval plots' missing data.

Ratings are written by the real ``assistant.record_feedback`` from real answers of the
session's sample index; the CLI runs as a real subprocess; the plot is checked on the
matplotlib figure the report saves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli

from assistant import Answer, Assistant, Settings, record_feedback
from assistant.cli import exit_code_for
from evals import (
    DatasetError,
    EvalRunSettings,
    GoldQuestion,
    candidates_from_feedback,
    indexed_documents,
    load_dataset,
    read_feedback,
    run_eval,
)
from evals._plots import NO_DATA, by_chapter_figure
from evals._records import QuestionResult
from evals._report import summarise

COVERED = "Who should pay for training the candidates?"
REFUSED = "What is the boiling point of liquid nitrogen on Mars?"


def _pages(answer: Answer) -> list[str]:
    return list(dict.fromkeys(p for c in answer.citations for p in c.page_labels if p))


@pytest.fixture(scope="module")
def answers(sample_assistant: Assistant) -> dict[str, Answer]:
    covered = sample_assistant.answer(COVERED)
    refused = sample_assistant.answer(REFUSED)
    assert covered.covered and covered.citations, covered.text
    assert not refused.covered, refused.text
    return {"covered": covered, "refused": refused}


@pytest.fixture
def feedback_file(tmp_path: Path, answers: dict[str, Answer]) -> Path:
    """A feedback.jsonl as the chat writes it: the covered answer liked, then disliked
    (asked again with other spacing and case), and the refusal disliked."""
    settings = Settings(data_dir=tmp_path / "data")
    covered, refused = answers["covered"].to_json(), answers["refused"].to_json()
    record_feedback(covered, liked=True, settings=settings)
    again = covered | {"question": "  who should pay for TRAINING the candidates "}
    path = record_feedback(again, liked=False, settings=settings)
    assert record_feedback(refused, liked=False, settings=settings) == path
    return path


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _rewrite(path: Path, review: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    lines = [json.dumps(review(line)) for line in _lines(path)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _reviewed(line: dict[str, Any]) -> dict[str, Any]:
    """What a reviewer does: confirm the pages (here: the ones the answer gave) and flip."""
    note = line["feedback"]
    if note["refused"]:
        return line | {"answerable": False, "needs_review": False}
    return line | {"expected_pages": note["pages_given"], "needs_review": False}


def test_cli_turns_ratings_into_candidates_that_need_review(
    feedback_file: Path,
    answers: dict[str, Answer],
    tmp_path: Path,
    clean_env: dict[str, str],
    sample_settings: Settings,
) -> None:
    out = tmp_path / "candidates.jsonl"
    index = str(sample_settings.resolved_index_dir())
    proc = run_cli(
        "eval", "from-feedback", str(feedback_file), "--out", str(out), "--index-dir", index,
        env=clean_env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "2 rated questions (2 thumbs-down): added 2" in proc.stderr, proc.stderr
    covered, refused = _lines(out)
    assert covered["id"].startswith("fb-") and covered["id"] != refused["id"]
    assert covered["needs_review"] is True and refused["needs_review"] is True
    # the rating names the document by ID and title; the index gives its file name
    assert covered["document"] == refused["document"] == "sample.pdf", covered

    # the latest vote (thumbs-down) wins; both votes are counted
    note = covered["feedback"]
    assert (note["rating"], note["votes_up"], note["votes_down"]) == ("down", 1, 1), note
    assert note["answer"] == answers["covered"].text and not note["refused"]
    assert note["pages_given"] == _pages(answers["covered"]), note
    assert [c["n"] for c in note["citations"]] == [c.n for c in answers["covered"].citations]
    # a disliked answer's pages are not offered as the gold
    assert covered["answerable"] is True and covered["expected_pages"] == []
    assert "probably wrong" in note["review_hint"] and "mixed" in note["review_hint"]

    # a disliked refusal: the user wanted an answer; the nearest sections are kept
    assert refused["answerable"] is True and refused["feedback"]["refused"] is True
    assert refused["feedback"]["nearest_sections"] and not refused["feedback"]["citations"]

    # unreviewed: eval run refuses it in one line naming the line, before any model loads
    proc = run_cli(
        "eval",
        "run",
        "--dataset",
        str(out),
        "--index-dir",
        index,
        "--out",
        str(tmp_path / "run"),
        env=clean_env,
    )
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and "candidates.jsonl line 1" in lines[0], proc.stderr
    assert "needs_review" in lines[0], lines[0]


def test_reviewed_candidates_load_and_run(
    feedback_file: Path, tmp_path: Path, sample_settings: Settings, sample_assistant: Assistant
) -> None:
    out = tmp_path / "candidates.jsonl"
    questions = read_feedback(
        feedback_file, documents=lambda: indexed_documents(settings=sample_settings)
    )
    out.write_text("".join(q.model_dump_json() + "\n" for q in questions), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"line 1: 'fb-\w+' is a candidate not yet reviewed"):
        load_dataset(out)

    _rewrite(out, _reviewed)
    loaded = load_dataset(out)
    assert [q.needs_review for q in loaded] == [False, False]
    assert loaded[0].expected_pages and loaded[0].feedback is not None
    assert loaded[1].answerable is False

    report = run_eval(
        settings=EvalRunSettings.model_validate(sample_settings.model_dump()),
        datasets=[out],
        out_dir=tmp_path / "run",
        assistant=sample_assistant,
    )
    assert [r.id for r in report.questions] == [q.id for q in loaded]
    page_hit = report.questions[0].scores["page_hit@5"]
    assert page_hit == 1.0, "the reviewed pages are the ones the answer cited"


def test_a_rerun_keeps_reviewed_lines(
    feedback_file: Path, tmp_path: Path, clean_env: dict[str, str]
) -> None:
    out = tmp_path / "candidates.jsonl"
    first = run_cli("eval", "from-feedback", str(feedback_file), "--out", str(out), env=clean_env)
    assert first.returncode == 0, first.stderr
    _rewrite(out, _reviewed)
    reviewed = out.read_text(encoding="utf-8")
    proc = run_cli("eval", "from-feedback", str(feedback_file), "--out", str(out), env=clean_env)
    assert proc.returncode == 0, proc.stderr
    assert "added 0 candidates" in proc.stderr and "2 already there" in proc.stderr
    # no index here: a warning, and the documents keep the title the ratings carry
    assert proc.stderr.startswith("warning: ") and len(proc.stderr.splitlines()) == 2
    assert out.read_text(encoding="utf-8") == reviewed, "a rerun changed reviewed lines"


def _rating(question: str, rating: str, timestamp: str) -> str:
    return json.dumps(
        {
            "timestamp": timestamp,
            "question": question,
            "answer": "It is not covered.",
            "rating": rating,
            "covered": False,
            "sources": [{"rank": 1, "document": "x.pdf", "chapter": 2, "page_labels": ["4"]}],
        }
    )


def test_ids_are_stable_and_the_latest_rating_wins() -> None:
    early, late = "2026-01-01T10:00:00+00:00", "2026-01-02T10:00:00+00:00"
    lines = [_rating("Is X covered?", "down", late), _rating("is x  COVERED", "up", early)]
    (one,) = candidates_from_feedback(lines)
    (reordered,) = candidates_from_feedback(list(reversed(lines)))
    assert one.id == reordered.id
    assert one.feedback is not None and one.feedback.rating == "down", "latest by timestamp"
    assert (one.feedback.votes_up, one.feedback.votes_down) == (1, 1)
    # a liked refusal is offered as unanswerable; nothing of it becomes expected pages
    (liked,) = candidates_from_feedback([_rating("Is Y covered?", "up", early)])
    assert liked.answerable is False and liked.expected_pages == []
    assert isinstance(liked, GoldQuestion) and liked.needs_review


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("question,answer\nwho?,me\n", "feedback.jsonl line 1: not valid JSON"),
        (None, "over the 20 MB limit"),
    ],
    ids=["csv", "huge"],
)
def test_bad_feedback_is_one_line_and_exit_2(
    content: str | None, message: str, tmp_path: Path, clean_env: dict[str, str]
) -> None:
    path = tmp_path / "feedback.jsonl"
    if content is None:
        with path.open("wb") as handle:  # sparse: the size is checked before reading
            handle.truncate(21_000_000)
    else:
        path.write_text(content, encoding="utf-8")
    out = tmp_path / "candidates.jsonl"
    proc = run_cli("eval", "from-feedback", str(path), "--out", str(out), env=clean_env)
    lines = proc.stderr.splitlines()
    assert proc.returncode == exit_code_for(DatasetError("probe")) == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
    assert message in lines[0], lines[0]
    assert not out.exists(), "nothing is written from bad input"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "Who pays?", "answer": "A", "rating": "up"}', "line 2: covered missing"),
        ('{"question": "Who pays?", "answer": "A", "rating": "meh", "covered": true}', "'meh'"),
        ('["question", "answer"]', "line 2: not a JSON object"),
        ('{"question": "Who pays?", "answer": "A", "rating": "up", "covered": 1}', "must be bool"),
        ("", "no ratings"),
    ],
    ids=["missing-field", "bad-rating", "not-an-object", "wrong-type", "empty"],
)
def test_bad_feedback_lines_are_named(line: str, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        candidates_from_feedback(["", line], document="x.pdf", source="feedback.jsonl")


# ----------------------------------------------------------------------- plots
LONG = "Glossary of terms and acronyms used throughout the guidance"


def _result(chapter: str, scores: dict[str, float | None]) -> QuestionResult:
    return QuestionResult(
        id=f"q-{chapter}",
        dataset="d.jsonl",
        document="sample.pdf",
        question="?",
        answerable=True,
        expected_chapter=chapter,
        expected_pages=[],
        covered=True,
        answer="",
        scores=scores,
        problems=[],
        top_sources=[],
    )


def test_chapter_plot_shows_missing_data_and_full_labels() -> None:
    names = ["page_hit@5", "quote_quality"]
    results = [
        _result("1", {"page_hit@5": 0.0, "quote_quality": 0.0}),
        _result(LONG, {"page_hit@5": None, "quote_quality": 0.5}),
    ]
    _, per_chapter = summarise(results, names, several_datasets=False)
    figure = by_chapter_figure(per_chapter, names)
    page_hit, quote = figure.axes
    labels = [t.get_text() for t in page_hit.get_yticklabels()]
    assert [" ".join(label.split()) for label in labels] == ["1", LONG], labels
    assert max(len(line) for label in labels for line in label.splitlines()) < len(LONG)
    assert not any("…" in label or "..." in label for label in labels), labels

    texts = [t.get_text() for t in page_hit.texts]
    assert texts.count(NO_DATA) == 1 and "0" in texts, texts  # missing and a real 0 differ
    hatched = [p for p in page_hit.patches if p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_width() > 0, "missing is a visible empty bar"
    assert NO_DATA not in [t.get_text() for t in quote.texts], "quote_quality has every value"
