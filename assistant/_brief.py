"""Exported briefs: a conversation written as a private Markdown file under DATA_DIR.

A brief holds every question, its answer and its numbered references. It is written
with mode 0600 under an unguessable name in ``DATA_DIR/exports`` (a folder of mode 0700):
the chat serves it only to the login that exported it, by the token in that name.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant._markdown import answer_markdown, literal
from assistant.settings import Settings

BRIEF_PREFIX = "smp-brief-"


def exports_folder(settings: Settings) -> Path:
    return settings.data_dir / "exports"


def export_brief(
    turns: Sequence[Mapping[str, Any]], *, settings: Settings, created: datetime | None = None
) -> Path:
    """Write the conversation as a brief; its path, named ``smp-brief-{token}.md``.

    ``turns`` are the chat's answered turns (question, answer, citations, notices as
    ``Answer.to_json`` gives them). Raises OSError when the file cannot be written.
    """
    folder = exports_folder(settings)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    when = created if created is not None else datetime.now(UTC)
    text = brief_markdown(turns, created=when.isoformat(timespec="seconds"))
    path = folder / f"{BRIEF_PREFIX}{secrets.token_urlsafe(32)}.md"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def storage_problem(*, settings: Settings) -> str | None:
    """Why briefs and feedback cannot be written under DATA_DIR, or None if they can."""
    folder = exports_folder(settings)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for place in (settings.data_dir, folder):
            with tempfile.TemporaryFile(dir=place):
                pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def brief_markdown(turns: Sequence[Mapping[str, Any]], *, created: str) -> str:
    """The exported brief: every question, its answer and its numbered references.

    Questions, quotes and references are escaped: a Markdown viewer shows them as
    written, never as images or links.
    """
    lines = ["# SMP Guide brief", "", f"Exported {created}.", ""]
    for number, turn in enumerate(turns, start=1):
        answer = answer_markdown(str(turn["answer"]).strip())
        lines += [f"## {number}. {literal(turn['question'])}", "", answer, ""]
        citations = turn.get("citations") or []
        if citations:
            lines += ["**References**", ""]
            for c in citations:
                lines.append(
                    f"- [{c['n']}] {literal(c['reference'])} \u201c{literal(c['quote'])}\u201d"
                )
            lines.append("")
        for notice in turn.get("notices") or []:
            lines += [f"_Note: {literal(notice)}_", ""]
    return "\n".join(lines).rstrip() + "\n"
