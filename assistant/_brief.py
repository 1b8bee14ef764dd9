"""Exported briefs: a ``Brief`` written as a private Markdown or Word file under DATA_DIR.

A brief holds the answers a user added, one numbered reference list and the filters each
answer was asked with (``assistant._brief_model``, rendered by ``assistant._brief_render``).
It is written with mode 0600 under an unguessable name in ``DATA_DIR/exports`` (a folder
of mode 0700): the chat serves it only to the login that exported it, by the token in
that name.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, assert_never

from assistant._brief_model import Brief
from assistant._brief_render import brief_docx, brief_markdown
from assistant.settings import Settings

BRIEF_PREFIX = "smp-brief-"
BriefFormat = Literal["md", "docx"]


def exports_folder(settings: Settings) -> Path:
    return settings.data_dir / "exports"


def brief_bytes(brief: Brief, *, kind: BriefFormat, created: datetime) -> bytes:
    """The brief's file content in ``kind`` (Markdown or Word)."""
    if kind == "md":
        return brief_markdown(brief, created=created).encode("utf-8")
    if kind == "docx":
        return brief_docx(brief, created=created)
    assert_never(kind)


def export_brief(
    brief: Brief,
    *,
    settings: Settings,
    kind: BriefFormat = "md",
    created: datetime | None = None,
) -> Path:
    """Write ``brief`` as a private file; its path, named ``smp-brief-{token}.{kind}``.

    Raises OSError when the file cannot be written.
    """
    folder = exports_folder(settings)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = brief_bytes(brief, kind=kind, created=created or datetime.now(UTC))
    path = folder / f"{BRIEF_PREFIX}{secrets.token_urlsafe(32)}.{kind}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
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
