"""Ratings of answers: one JSON line each, appended to DATA_DIR/feedback.jsonl."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.settings import Settings

log = logging.getLogger(__name__)

_WRITE_LOCK = threading.Lock()  # one line at a time: two appends must not interleave


def record_feedback(turn: Mapping[str, Any], *, liked: bool, settings: Settings) -> Path:
    """Append the rating of one answered turn; the file's path.

    ``turn`` is a chat turn (question, answer, covered, citations, sources as
    ``Answer.to_json`` gives them). Raises OSError when the line cannot be written; the
    record is logged then, so a rating is never lost without a trace.
    """
    record = {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "question": turn["question"],
        "answer": turn["answer"],
        "rating": "up" if liked else "down",
        "covered": turn["covered"],
        "sources": turn["citations"] or turn["sources"],
    }
    path = settings.data_dir / "feedback.jsonl"
    line = json.dumps(record, ensure_ascii=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _WRITE_LOCK, path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    except OSError:
        log.error("feedback not saved to %s; the record: %s", path, line)
        raise
    return path
