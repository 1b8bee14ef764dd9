"""The chat's chapter filter: a multiselect of chapter numbers that also reads them as text.

The page sends the integers of its choices, but a client of the ``/ask`` event may send
``"7"`` for chapter 7 (JSON clients often quote numbers). Gradio's own dropdown refuses
any value that is not one of its choices as given, with a traceback in the server log;
this one reads ``"7"`` as 7 and refuses a value that is no chapter of the index in one
line, naming the chapters there are.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant._validate import ranges


class ChapterFilterError(gr.Error):
    """A chapter filter value that names no chapter of the index (one line, no traceback)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, print_exception=False)


class ChapterFilter(gr.Dropdown):
    """``gr.Dropdown(multiselect=True)`` over chapter numbers, given as numbers or digits."""

    def get_block_name(self) -> str:
        return "dropdown"  # the page draws Gradio's own dropdown; only the server side differs

    def preprocess(self, payload: Any) -> list[str | int | float]:
        """The chapter numbers chosen (integers), each one of this dropdown's choices.

        A single value is read as a list of one; ``None`` as no filter. (Typed as the
        dropdown's own result, of which a list of integers is one.)
        """
        if payload is None:
            return []
        values = payload if isinstance(payload, list) else [payload]
        present = sorted(int(value) for _, value in self.choices)
        chosen: list[str | int | float] = [chapter_number(value, present) for value in values]
        return chosen


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
