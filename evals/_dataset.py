"""Evaluation datasets: one JSON object per line, validated with pydantic.

A line made from chat feedback (``smp-guide eval from-feedback``) carries what the user
saw in ``feedback`` and starts with ``needs_review: true``; the loader refuses it until a
reviewer has checked ``answerable`` and ``expected_pages`` and set it to false.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evals.errors import DatasetError


class FeedbackCitation(BaseModel):
    """A passage a rated answer cited (or, for a refusal, one of the nearest sections)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int | None = None
    document: str = ""
    chapter: str = ""
    section: str = ""
    rec_id: str = ""
    pages: list[str] = []
    quote: str = ""


class FeedbackNote(BaseModel):
    """What the chat user saw and said: kept on the line so the reviewer need not look it up.

    ``rating`` is the latest vote; ``pages_given`` are the printed pages the answer cited,
    which a thumbs-down says are probably wrong (they are never copied into
    ``expected_pages`` then).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    rating: Literal["up", "down"]
    votes_up: int = Field(ge=0)
    votes_down: int = Field(ge=0)
    rated_at: str = ""
    refused: bool
    answer: str
    pages_given: list[str] = []
    citations: list[FeedbackCitation] = []
    nearest_sections: list[FeedbackCitation] = []
    review_hint: str = ""


class GoldQuestion(BaseModel):
    """A question with what a correct answer must cite."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    document: str = Field(min_length=1)
    question: str = Field(min_length=3)
    answerable: bool
    expected_pages: list[str] = []
    expected_chapter: str = ""
    expected_rec_ids: list[str] = []
    reference_answer: str = ""
    reference_quote: str = ""
    needs_review: bool = False
    feedback: FeedbackNote | None = None

    @model_validator(mode="after")
    def _unanswerable_cites_nothing(self) -> GoldQuestion:
        if not self.answerable and (self.expected_pages or self.expected_rec_ids):
            raise ValueError("an unanswerable question cannot expect pages or recommendations")
        return self


def load_dataset(path: Path) -> list[GoldQuestion]:
    """All questions of a JSONL file; a bad line raises DatasetError naming the line."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such dataset file.")
    questions: list[GoldQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if isinstance(data, dict) and data.get("needs_review") is True:
                # said before the schema: a candidate may lack fields the reviewer fills
                raise _unreviewed(path, number, data.get("id"))
            question = GoldQuestion.model_validate(data)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path.name} line {number}: not valid JSON ({exc.msg}).") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise DatasetError(
                f"{path.name} line {number}: {where}: {first['msg']} "
                f"({exc.error_count()} problem(s))."
            ) from exc
        if question.needs_review:
            raise _unreviewed(path, number, question.id)
        if question.id in seen:
            raise DatasetError(f"{path.name} line {number}: duplicate id {question.id!r}.")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise DatasetError(f"{path.name}: the dataset has no questions.")
    return questions


def _unreviewed(path: Path, number: int, question_id: Any) -> DatasetError:
    return DatasetError(
        f"{path.name} line {number}: {question_id or 'this line'!r} is a candidate not yet "
        "reviewed: check answerable and expected_pages, then set needs_review to false."
    )


def dataset_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def bundled_datasets() -> Path:
    return Path(__file__).resolve().parent / "datasets"
