"""``smp-guide index list | remove | rebuild``: the library of indexed documents."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

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
        from index import open_index

        status = open_index(settings=settings).status()
    if as_json:
        typer.echo(json.dumps(asdict(status), ensure_ascii=False))
        return
    console = Console()
    console.print(
        f"index at {escape(status.location)}, model {escape(status.model)}", highlight=False
    )
    if not status.documents:
        console.print("no documents indexed yet: run `smp-guide ingest PDF`")
        return
    table = Table(show_edge=False)
    for column in ("file", "title", "pages", "chunks", "ingested"):
        table.add_column(column)
    for doc in status.documents:
        table.add_row(
            escape(doc.key), escape(doc.title), str(doc.n_pages), str(doc.chunks), doc.ingested_at
        )
    console.print(table)


@index_app.command("remove")
def remove(
    document: Annotated[str, typer.Argument(help="File name, document ID or title.")],
    index_dir: IndexDirOption = None,
    chroma_url: ChromaUrlOption = None,
) -> None:
    """Remove one document from the index."""
    with edge():
        settings = settings_from({INDEX_DIR: index_dir, CHROMA_URL: chroma_url})
        from index import open_index

        removed = open_index(settings=settings).remove(document)
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
