"""``ask --batch`` input: a JSONL file of questions, read and checked before any answer.

Every line is parsed first, so a bad line 90 stops the run before the model loads and
before 89 answers are printed, with the line named in the one error line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import BatchError


class BatchItem(BaseModel):
    """One line of a batch file; other keys (a reference answer, notes) are ignored."""

    model_config = ConfigDict(frozen=True, strict=True, extra="ignore")

    id: str | int | float
    question: str
    history: list[str] = []
    chapters: list[int] | None = None
    recommendations_only: bool | None = None


def read_batch(path: Path) -> list[tuple[int, BatchItem]]:
    """(line number, item) for every non-blank line of the file, or ``-`` for stdin."""
    text = _text(path)
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            items.append((number, _item(line, number, path)))
    return items


def _text(path: Path) -> str:
    stdin = str(path) == "-"
    try:
        data = sys.stdin.buffer.read() if stdin else path.read_bytes()
    except FileNotFoundError as exc:
        raise BatchError(f"{path}: no such file; give a JSONL file of questions.") from exc
    except IsADirectoryError as exc:
        raise BatchError(f"{path} is a folder; give a JSONL file of questions.") from exc
    except OSError as exc:
        raise BatchError(f"cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BatchError(
            f"{path} line {line}: not UTF-8 text (byte {data[exc.start]:#04x}); "
            "save the file as UTF-8."
        ) from exc


def _item(line: str, number: int, path: Path) -> BatchItem:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BatchError(f"{path} line {number}: not valid JSON ({exc.msg}).") from exc
    if not isinstance(raw, dict):
        raise BatchError(f'{path} line {number}: needs a JSON object with "id" and "question".')
    try:
        return BatchItem.model_validate(raw)
    except ValidationError as exc:
        raise BatchError(f"{path} line {number}: {_problem(exc, raw)}.") from exc


def _problem(exc: ValidationError, raw: dict[str, object]) -> str:
    """The first problem, named by its field: the rest usually follow from it."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else "line"
    if error["type"] == "missing":
        return f'needs "{field}"'
    expected = {
        "id": "a string or a number",
        "question": "a string",
        "history": "a list of strings (earlier questions)",
        "chapters": "a list of chapter numbers",
        "recommendations_only": "true or false",
    }.get(field, "something else")
    return f'"{field}" must be {expected}, not {json.dumps(raw.get(field))[:40]}'
