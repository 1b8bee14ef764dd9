"""``smp-guide``: one typer app over the project's entry functions.

Every project error (``SmpGuideError``) leaves as one ``error: ...`` line on stderr and
its own exit code; anything else as one line and exit code 70, with the traceback only
when ``SMP_GUIDE_DEBUG=1``. Settings come from ``SMP_GUIDE_*`` environment variables,
then the command's flags (``_settings``). Other packages add sub-apps through the
``smp_guide.cli`` entry-point group (``evals`` adds ``eval``): this package never
imports them.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from assistant.cli._ask import ask
from assistant.cli._chat import chat
from assistant.cli._console import (
    configure_logging,
    index_json,
    page_progress,
    print_summary,
    summary_json,
)
from assistant.cli._index import index_app
from assistant.cli.common import (
    CHROMA_URL,
    EXIT_CANTCREAT,
    EXIT_UNEXPECTED,
    INDEX_DIR,
    PASSWORD,
    ChromaUrlOption,
    IndexDirOption,
    debug,
    edge,
    env_name,
    fail,
    set_process_env,
    settings_from,
    unexpected,
)
from ingest import IngestResult

if TYPE_CHECKING:
    from index import AddReport, GuideIndex

PLUGIN_GROUP = "smp_guide.cli"

app = typer.Typer(
    name="smp-guide",
    help="Cited, offline guidance from the IOM Skills Mobility Partnerships publication.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # plain help: flags without "<bool>", nothing padded when piped
    pretty_exceptions_show_locals=False,  # locals may hold a PDF password
)


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    """Cited, offline guidance from the IOM Skills Mobility Partnerships publication."""
    configure_logging(verbose=verbose, debug=debug())


@app.command("sample-pdf")
def sample_pdf(
    out: Annotated[Path, typer.Argument(help="Where to write the generated sample PDF.")],
    outline: Annotated[
        bool, typer.Option("--outline/--no-outline", help="Add PDF bookmarks for the chapters.")
    ] = True,
) -> None:
    """Build the project's sample PDF (same shape as the publication; its own text)."""
    with edge():
        from ingest import build_sample_pdf  # reportlab loads only for this command

        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            manifest = build_sample_pdf(out, outline=outline)
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}; choose another path.", EXIT_CANTCREAT)
    typer.echo(f"{out} ({manifest.n_pages} pages)")


@app.command("ingest")
def ingest(
    pdfs: Annotated[list[Path], typer.Argument(help="PDF files to ingest.", show_default=False)],
    dump: Annotated[
        Path | None, typer.Option(help="Write every chunk as JSON lines to this file.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON summary to stdout instead of tables.")
    ] = False,
    password: Annotated[
        str | None,
        typer.Option(help=f"Password of encrypted PDFs [env: {env_name(PASSWORD)}]."),
    ] = None,
    index_dir: IndexDirOption = None,
    chroma_url: ChromaUrlOption = None,
    index: Annotated[
        bool, typer.Option("--index/--no-index", help="Also embed and index the chunks.")
    ] = True,
) -> None:
    """Read PDFs into chapter-tagged, page-true chunks, index them and summarise."""
    err = Console(stderr=True)
    with edge():
        settings = settings_from({PASSWORD: password, INDEX_DIR: index_dir, CHROMA_URL: chroma_url})
        if dump is not None:  # before any work: a bad --dump path must not cost an ingest
            _check_writable(dump)
        from ingest import ingest_pdf  # pypdf loads only for this command

        results: list[IngestResult] = []
        reports: list[AddReport | None] = []
        library: GuideIndex | None = None
        for pdf in pdfs:
            with page_progress(err, pdf.name) as progress:
                result = ingest_pdf(pdf, settings=settings, progress=progress)
            results.append(result)
            if not index:
                reports.append(None)
                continue
            if library is None:  # opened only once a PDF parsed: a bad file never touches it
                from index import open_index

                library = open_index(settings=settings)
            with page_progress(err, f"embedding {pdf.name}", "chunks") as progress:
                reports.append(library.add(result, pdf=pdf, progress=progress))
        if dump is not None:
            count = _write_dump(dump, results)
            err.print(f"wrote {count} chunks to {dump}", highlight=False, soft_wrap=True)
    if as_json:
        documents = [
            summary_json(r) | {"index": index_json(i)}
            for r, i in zip(results, reports, strict=True)
        ]
        typer.echo(json.dumps({"documents": documents}, ensure_ascii=False))
        return
    out = Console()
    for result, report in zip(results, reports, strict=True):
        print_summary(out, result, report)


def _write_dump(path: Path, results: Sequence[IngestResult]) -> int:
    """All chunks as JSON lines, written to a temporary file first so no half file is left."""
    tmp = _tmp(path)
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8") as handle:
            for result in results:
                for chunk in result.chunks:
                    handle.write(json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")
                    count += 1
        tmp.replace(path)
    except OSError as exc:
        _cannot_write(path, exc)
    return count


def _check_writable(path: Path) -> None:
    """Fail now, as writing the dump later would, without touching an existing dump."""
    if path.is_dir():
        fail(f"cannot write {path}: it is a folder; give a file for --dump.", EXIT_CANTCREAT)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _tmp(path).open("w").close()
        _tmp(path).unlink()
    except OSError as exc:
        _cannot_write(path, exc)


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def _cannot_write(path: Path, exc: OSError) -> NoReturn:
    with contextlib.suppress(OSError):  # where the write failed, the clean-up may fail too
        _tmp(path).unlink(missing_ok=True)
    why = exc.strerror or str(exc)
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        why = "a folder on the path is a file"
    fail(f"cannot write {path}: {why}; choose another --dump path.", EXIT_CANTCREAT)


app.add_typer(index_app, name="index")
app.command("ask")(ask)
app.command("chat")(chat)


def _own_commands(target: typer.Typer) -> set[str]:
    names = {info.name for info in target.registered_groups}
    names |= {info.name for info in target.registered_commands}
    return {name for name in names if name}


def _wants_plugins(target: typer.Typer, args: Sequence[str]) -> bool:
    """Whether the command line may need a plug-in: not when it names one of ours.

    Loading a plug-in imports its package (the evals pull in pypdf and more); ``index
    list`` or ``ask ''`` should not pay for that. The root's only option is a flag, so
    the first word not starting with "-" is the command.
    """
    command = next((arg for arg in args if not arg.startswith("-")), None)
    return command not in _own_commands(target)


def _add_plugins(target: typer.Typer) -> None:
    """Mount the sub-apps other packages declare in the ``smp_guide.cli`` entry-point group."""
    taken: set[str | None] = set(_own_commands(target))
    for point in entry_points(group=PLUGIN_GROUP):
        if point.name in taken:
            continue
        try:
            sub = point.load()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in must not break the rest
            typer.echo(
                f"warning: CLI plug-in {point.name!r} not loaded: {unexpected(exc)}", err=True
            )
            continue
        if not isinstance(sub, typer.Typer):
            typer.echo(f"warning: CLI plug-in {point.name!r} is not a typer app; skipped", err=True)
            continue
        target.add_typer(sub, name=point.name)
        taken.add(point.name)


def main() -> None:
    """Console entry point ``smp-guide``."""
    set_process_env()
    try:
        if _wants_plugins(app, sys.argv[1:]):
            _add_plugins(app)
        app()
    except Exception as exc:  # outside any command: still one line, never a traceback
        if debug():
            raise
        typer.echo(f"error: {unexpected(exc)}", err=True)
        sys.exit(EXIT_UNEXPECTED)


if __name__ == "__main__":
    main()
