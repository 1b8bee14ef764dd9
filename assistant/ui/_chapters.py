"""The chat's chapter filter as the ``/ask`` event receives it: numbers, or digits.

The page sends the integers of its choices, but a client of ``/ask`` may send ``"7"`` for
chapter 7 (JSON clients often quote numbers). Gradio's dropdown would refuse any value
that is not one of its choices as given, with a traceback in the server log; so the
dropdown takes any value (``allow_custom_value``) and the handler reads it here: ``"7"``
as 7, and a value that is no chapter of the index refused in one line that names the
chapters there are.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import gradio as gr

from assistant._validate import ranges


class ChapterFilterError(gr.Error):
    """A chapter filter value that names no chapter of the index (one line, no traceback)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, print_exception=False)


def chosen_chapters(payload: Any, present: Callable[[], Collection[int]]) -> list[int]:
    """The chapter numbers in ``payload`` (a list, one value or None), each one of
    ``present()`` (read only when a chapter is asked for), or ChapterFilterError."""
    if payload is None or payload == []:
        return []
    values = payload if isinstance(payload, list) else [payload]
    chapters = sorted(present())
    return [chapter_number(value, chapters) for value in values]


def chapter_number(value: Any, present: list[int]) -> int:
    """``value`` (``7`` or ``"7"``) as a chapter number of ``present`` (ChapterFilterError)."""
    there = f"chapters are {ranges(present)}" if present else "the index has no chapters"
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
        number = int(value.strip())
    else:
        raise ChapterFilterError(f"chapters: {value!r} is not a chapter number; {there}.")
    if number not in present:
        raise ChapterFilterError(
            f"chapters: no chapter {number} in the indexed documents; {there}."
        )
    return number
