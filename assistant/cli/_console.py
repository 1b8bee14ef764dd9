"""Terminal output of the CLI: logging, the page progress bar and the per-document summaries."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest import IngestResult

if TYPE_CHECKING:
    from index import AddReport
    from ingest import ProgressFn

OWN_PACKAGES = ("ingest", "index", "assistant", "evals")


class _OwnRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.split(".")[0] in OWN_PACKAGES


def configure_logging(*, verbose: bool, debug: bool) -> None:
    """Log to stderr: by default only this project's errors, -v adds INFO, debug everything.

    Library chatter (pypdf's warnings on damaged files) stays hidden by default so that a
    failure prints exactly one ``error:`` line.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.ERROR
    if level == logging.ERROR:
        handler.addFilter(_OwnRecords())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.captureWarnings(True)


@contextmanager
def page_progress(console: Console, name: str, unit: str = "pages") -> Iterator[ProgressFn | None]:
    """A progress bar on ``console``; None (no bar) when it is not a terminal."""
    if not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(name, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def summary_json(result: IngestResult) -> dict[str, Any]:
    """The machine-readable summary of one ingested document."""
    document = result.document
    return {
        "document_id": document.id,
        "title": document.title,
        "source": document.source_name,
        "pages": document.n_pages,
        "chapters": [
            {
                "number": chapter.number,
                "title": chapter.title,
                "start_label": chapter.start_label,
                "start_index": chapter.start_index,
                "kind": chapter.kind,
            }
            for chapter in document.chapters
        ],
        "chunks_by_kind": result.counts_by_kind(),
        "chunks": len(result.chunks),
        "seconds": round(result.seconds, 3),
        "warnings": list(result.warnings),
    }


def index_json(report: AddReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        "status": report.status,
        "chunks": report.chunks,
        "embedded": report.embedded,
        "seconds": round(report.seconds, 3),
    }


def print_summary(console: Console, result: IngestResult, report: AddReport | None = None) -> None:
    """Chapters with their printed start pages, chunk counts by kind, time and warnings."""
    document = result.document
    console.print(
        f"[bold]{escape(document.title)}[/bold]  ({escape(document.source_name)}, "
        f"{document.n_pages} pages, "
        f"{len(result.chunks)} chunks in {result.seconds:.1f} s)",
        highlight=False,
    )
    chapters = Table(title="Chapters", title_justify="left", show_edge=False)
    chapters.add_column("no.", justify="right")
    chapters.add_column("title")
    chapters.add_column("starts at", justify="right")
    chapters.add_column("kind")
    for chapter in document.chapters:
        number = "" if chapter.number is None else str(chapter.number)
        start = chapter.start_label or f"PDF p. {chapter.start_index + 1}"
        chapters.add_row(number, escape(chapter.title), escape(start), chapter.kind)
    console.print(chapters)

    kinds = Table(title="Chunks by kind", title_justify="left", show_edge=False)
    kinds.add_column("kind")
    kinds.add_column("chunks", justify="right")
    for kind, count in result.counts_by_kind().items():
        kinds.add_row(kind, str(count))
    kinds.add_row("[bold]total[/bold]", f"[bold]{len(result.chunks)}[/bold]")
    console.print(kinds)

    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    if report is not None:
        console.print(
            f"index: {report.status} ({report.embedded} of {report.chunks} chunks "
            f"embedded in {report.seconds:.1f} s)",
            highlight=False,
        )
    console.print()
