"""Checks on what a question asks for, against what the index actually holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from assistant.errors import QuestionError, UnknownChapterError

if TYPE_CHECKING:  # the CLI imports this module; the index package loads only when used
    from index import GuideIndex


def checked_question(question: str, *, limit: int) -> str:
    """The question with its whitespace collapsed, once it is neither empty nor too long.

    Needs nothing loaded, so the CLI checks it before the index and the model load.
    """
    question = " ".join(question.split())
    if not question:
        raise QuestionError("the question is empty; ask something about the publication.")
    if len(question) > limit:
        raise QuestionError(
            f"the question is {len(question)} characters long; please keep it under {limit}."
        )
    return question


def checked_chapters(index: GuideIndex, chapters: Sequence[int] | None) -> tuple[int, ...] | None:
    """The chapter filter, once every chapter in it exists in the indexed documents.

    A filter on a missing chapter would match nothing and read as "not covered", which
    looks like an answer; naming the chapter and the ones there are says what to fix.
    """
    if not chapters:
        return None
    present = index.chapter_numbers()
    unknown = sorted({n for n in chapters if n not in present})
    if unknown:
        names = ", ".join(str(n) for n in unknown)
        there = f"chapters are {ranges(present)}" if present else "they have no numbered chapters"
        word = "chapter" if len(unknown) == 1 else "chapters"
        raise UnknownChapterError(f"no {word} {names} in the indexed documents; {there}.")
    return tuple(dict.fromkeys(chapters))


def ranges(numbers: Iterable[int]) -> str:
    """1, 2, 3, 5, 7, 8 -> "1-3, 5, 7-8"."""
    spans: list[list[int]] = []
    for n in sorted(set(numbers)):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
