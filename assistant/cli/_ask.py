"""``smp-guide ask``: one question, or a JSONL batch answered with one loaded index."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape

from assistant._validate import checked_chapters, checked_question
from assistant.cli._batch import BatchItem, read_batch
from assistant.cli.common import (
    CHROMA_URL,
    INDEX_DIR,
    ChromaUrlOption,
    IndexDirOption,
    edge,
    settings_from,
)
from assistant.errors import BatchError, QuestionError, UnknownChapterError

if TYPE_CHECKING:
    from assistant._engine import Assistant
    from assistant._records import Answer

LLM = "assistant.llm"
LLM_BASE_URL = "assistant.llm_base_url"


def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question (omit with --batch).")
    ] = None,
    chapter: Annotated[
        list[int] | None, typer.Option("--chapter", help="Only search these chapters (repeatable).")
    ] = None,
    recommendations_only: Annotated[
        bool, typer.Option("--recommendations-only", help="Only cite recommendations.")
    ] = False,
    batch: Annotated[
        Path | None, typer.Option(help='JSONL file of {"id", "question"} lines; - for stdin.')
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    llm: Annotated[
        str | None, typer.Option(help="Answer with an LLM: ollama:MODEL or openai:MODEL.")
    ] = None,
    llm_base_url: Annotated[str | None, typer.Option(help="Base URL of the LLM server.")] = None,
    index_dir: IndexDirOption = None,
    chroma_url: ChromaUrlOption = None,
) -> None:
    """Answer a question with cited passages of the publication."""
    with edge():
        settings = settings_from(
            {INDEX_DIR: index_dir, CHROMA_URL: chroma_url, LLM: llm, LLM_BASE_URL: llm_base_url}
        )
        if (question is None) == (batch is None):
            raise QuestionError("give either a QUESTION or --batch FILE.")
        # The question or the batch file is checked before the index and model load.
        items = read_batch(batch) if batch is not None else []
        if question is not None:
            question = checked_question(question, limit=settings.assistant.max_question_chars)
        from assistant._engine import Assistant

        assistant = Assistant(settings=settings)
        if batch is not None:
            _batch(assistant, items, batch, chapter, recommendations_only)
            return
        assert question is not None
        answer = assistant.answer(
            question, chapters=chapter, recommendations_only=recommendations_only
        )
    if as_json:
        typer.echo(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        _print(answer)


def _batch(
    assistant: Assistant,
    items: Sequence[tuple[int, BatchItem]],
    path: Path,
    chapters: list[int] | None,
    recs: bool,
) -> None:
    # Every chapter filter is checked before the first answer is printed.
    checked_chapters(assistant.index, chapters)
    for number, item in items:
        try:
            checked_chapters(assistant.index, item.chapters)
        except UnknownChapterError as exc:
            raise BatchError(f"{path} line {number}: {exc}") from exc
    for _, item in items:
        try:
            answer = assistant.answer(
                item.question,
                history=item.history,
                chapters=chapters if item.chapters is None else item.chapters,
                recommendations_only=(
                    recs if item.recommendations_only is None else item.recommendations_only
                ),
            )
            out: dict[str, Any] = {"id": item.id, **answer.to_json()}
        except QuestionError as exc:
            out = {"id": item.id, "question": item.question, "error": str(exc)}
        typer.echo(json.dumps(out, ensure_ascii=False))


def _print(answer: Answer) -> None:
    console = Console()
    if not console.is_terminal:  # piped: the Markdown as written, for a brief or a script
        typer.echo(plain_answer(answer))
        return
    console.print(Markdown(answer.text))
    for notice in answer.notices:
        console.print(f"[yellow]note:[/yellow] {escape(notice)}", highlight=False)
    if answer.citations:
        console.print("\n[bold]References[/bold]")
        for c in answer.citations:
            console.print(f"[{c.n}] {escape(c.reference)}", highlight=False)


def plain_answer(answer: Answer) -> str:
    """The answer as Markdown text: no wrapping, no padding, references one per line."""
    lines = [line.rstrip() for line in answer.text.strip().splitlines()]
    lines += [f"note: {notice}" for notice in answer.notices]
    if answer.citations:
        lines += ["", "References"]
        lines += [f"[{c.n}] {c.reference}" for c in answer.citations]
    return "\n".join(lines)
