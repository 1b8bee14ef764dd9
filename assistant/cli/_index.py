"""``smp-guide index list | remove | rebuild``: the library of indexed documents."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.cli._console import page_progress
from assistant.cli.common import (
    CHROMA_URL,
    INDEX_DIR,
    ChromaUrlOption,
    IndexDirOption,
    edge,
    settings_from,
)

if TYPE_CHECKING:
    from index import IndexStatus

NOTHING_INDEXED = "no documents indexed yet: run `smp-guide ingest PDF`"

index_app = typer.Typer(help="List, remove or rebuild indexed documents.", no_args_is_help=True)


@index_app.command("list")
def list_documents(
    index_dir: IndexDirOption = None,
    chroma_url: ChromaUrlOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The indexed documents, with the model that embedded them."""
    with edge():
        settings = settings_from({INDEX_DIR: index_dir, CHROMA_URL: chroma_url})
        from index import list_documents  # reads the manifest file: no Chroma, no model

        status = list_documents(settings=settings)
    if as_json:
        typer.echo(json.dumps(asdict(status), ensure_ascii=False))
        return
    console = Console()
    if not console.is_terminal:
        typer.echo(plain_listing(status))
        return
    console.print(
        f"index at {escape(status.location)}, model {escape(status.model)}", highlight=False
    )
    if not status.documents:
        console.print(NOTHING_INDEXED)
        return
    table = Table(show_edge=False)
    for column in ("file", "title", "pages", "chunks", "ingested"):
        table.add_column(column, no_wrap=column != "title")
    for doc in status.documents:
        table.add_row(
            escape(doc.key), escape(doc.title), str(doc.n_pages), str(doc.chunks), doc.ingested_at
        )
    console.print(table)


def plain_listing(status: IndexStatus) -> str:
    """One line per document, tab-separated and never cut (for pipes, grep and cut)."""
    lines = [f"index at {status.location}, model {status.model}"]
    if not status.documents:
        return "\n".join([*lines, NOTHING_INDEXED])
    lines.append("\t".join(("file", "title", "pages", "chunks", "ingested")))
    for doc in status.documents:
        fields = (doc.key, doc.title, str(doc.n_pages), str(doc.chunks), doc.ingested_at)
        lines.append("\t".join(" ".join(f.split()) for f in fields))
    return "\n".join(lines)


@index_app.command("remove")
def remove(
    document: Annotated[str, typer.Argument(help="File name, document ID or title.")],
    index_dir: IndexDirOption = None,
    chroma_url: ChromaUrlOption = None,
) -> None:
    """Remove one document from the index."""
    with edge():
        settings = settings_from({INDEX_DIR: index_dir, CHROMA_URL: chroma_url})
        from index import Library  # storage only: Chroma, never the embedding model

        removed = Library(settings=settings).remove(document)
    typer.echo(f"removed {removed.key} ({removed.chunks} chunks)")


@index_app.command("rebuild")
def rebuild(index_dir: IndexDirOption = None, chroma_url: ChromaUrlOption = None) -> None:
    """Re-embed every document from the stored chunks (after a model change or damage)."""
    with edge():
        settings = settings_from({INDEX_DIR: index_dir, CHROMA_URL: chroma_url})
        from index import rebuild_index

        with page_progress(Console(stderr=True), "re-embedding", "chunks") as progress:
            reports = rebuild_index(settings=settings, progress=progress)
    for report in reports:
        typer.echo(f"rebuilt {report.document}: {report.chunks} chunks")
