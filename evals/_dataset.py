"""Evaluation datasets: one JSON object per line, validated with pydantic."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evals.errors import DatasetError


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
            question = GoldQuestion.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path.name} line {number}: not valid JSON ({exc.msg}).") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise DatasetError(
                f"{path.name} line {number}: {where}: {first['msg']} "
                f"({exc.error_count()} problem(s))."
            ) from exc
        if question.id in seen:
            raise DatasetError(f"{path.name} line {number}: duplicate id {question.id!r}.")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise DatasetError(f"{path.name}: the dataset has no questions.")
    return questions


def dataset_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def bundled_datasets() -> Path:
    return Path(__file__).resolve().parent / "datasets"
