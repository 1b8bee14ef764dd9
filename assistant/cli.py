"""``smp-guide``: one typer app over the project's entry functions.

Every project error (``SmpGuideError``) leaves as one ``error: ...`` line on stderr and
its own exit code; anything else as one line and exit code 70, with the traceback only
when ``SMP_GUIDE_DEBUG=1``. Settings come from ``SMP_GUIDE_*`` environment variables,
then the command's flags (``_settings``). Other packages add sub-apps through the
``smp_guide.cli`` entry-point group (``evals`` adds ``eval``): this package never
imports them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from assistant._console import configure_logging, page_progress, print_summary, summary_json
from ingest import IngestResult, Settings, build_sample_pdf, ingest_pdf
from ingest.errors import SmpGuideError

PLUGIN_GROUP = "smp_guide.cli"
EXIT_USAGE = 2
EXIT_UNEXPECTED = 70  # EX_SOFTWARE
EXIT_CANTCREAT = 73  # EX_CANTCREAT
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "RAGAS_DO_NOT_TRACK": "true",
}

# Settings fields that CLI flags override, as dotted paths ("section.field" or "field").
PASSWORD = "ingest.password"
INDEX_DIR = "index_dir"

app = typer.Typer(
    name="smp-guide",
    help="Cited, offline guidance from the IOM Skills Mobility Partnerships publication.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold a PDF password
)


def env_name(dotted: str) -> str:
    """The environment variable of a settings field: ingest.password -> SMP_GUIDE_INGEST__PASSWORD."""
    return "SMP_GUIDE_" + dotted.replace(".", "__").upper()


def _settings(flags: Mapping[str, object]) -> Settings:
    """Environment first (``Settings()`` reads it), then every flag the user actually gave."""
    settings = Settings()
    top: dict[str, object] = {}
    sections: dict[str, dict[str, object]] = {}
    for dotted, value in flags.items():
        if value is None:
            continue
        section, _, name = dotted.rpartition(".")
        if section:
            sections.setdefault(section, {})[name] = value
        else:
            top[name] = value
    for section, values in sections.items():
        top[section] = getattr(settings, section).model_copy(update=values)
    return settings.model_copy(update=top)


def _debug() -> bool:
    return os.environ.get("SMP_GUIDE_DEBUG", "") == "1"


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _unexpected(exc: BaseException) -> str:
    detail = _one_line(str(exc))
    head = f"unexpected {type(exc).__name__}" + (f": {detail}" if detail else "")
    return f"{head} (set SMP_GUIDE_DEBUG=1 for details)"


def _settings_message(exc: ValidationError) -> str:
    problems = [
        f"{env_name('.'.join(str(part) for part in error['loc']))}: {error['msg']}"
        for error in exc.errors()
    ]
    return "invalid setting " + "; ".join(problems) + " (fix or unset the environment variable)"


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {_one_line(message)}", err=True)
    raise typer.Exit(code=code)


@contextmanager
def _edge() -> Iterator[None]:
    """Translate errors at the CLI's edge: one line on stderr and an exit code, no traceback."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise  # typer's own control flow: exits and usage errors
    except SmpGuideError as exc:
        _fail(str(exc), exc.exit_code)
    except ValidationError as exc:
        _fail(_settings_message(exc), EXIT_USAGE)
    except Exception as exc:
        if _debug():
            raise
        _fail(_unexpected(exc), EXIT_UNEXPECTED)


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    """Cited, offline guidance from the IOM Skills Mobility Partnerships publication."""
    configure_logging(verbose=verbose, debug=_debug())


@app.command("sample-pdf")
def sample_pdf(
    out: Annotated[Path, typer.Argument(help="Where to write the generated sample PDF.")],
    outline: Annotated[
        bool, typer.Option("--outline/--no-outline", help="Add PDF bookmarks for the chapters.")
    ] = True,
) -> None:
    """Build the project's sample PDF (same shape as the publication; its own text)."""
    with _edge():
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            manifest = build_sample_pdf(out, outline=outline)
        except OSError as exc:
            _fail(f"cannot write {out}: {exc.strerror or exc}; choose another path.", EXIT_CANTCREAT)
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
    index_dir: Annotated[
        Path | None, typer.Option(help=f"Index folder [env: {env_name(INDEX_DIR)}].")
    ] = None,
) -> None:
    """Read PDFs into chapter-tagged, page-true chunks and summarise them."""
    err = Console(stderr=True)
    with _edge():
        settings = _settings({PASSWORD: password, INDEX_DIR: index_dir})
        results: list[IngestResult] = []
        for pdf in pdfs:
            with page_progress(err, pdf.name) as progress:
                results.append(ingest_pdf(pdf, settings=settings, progress=progress))
        if dump is not None:
            count = _write_dump(dump, results)
            err.print(f"wrote {count} chunks to {dump}", highlight=False, soft_wrap=True)
    if as_json:
        typer.echo(json.dumps({"documents": [summary_json(r) for r in results]}, ensure_ascii=False))
        return
    out = Console()
    for result in results:
        print_summary(out, result)


def _write_dump(path: Path, results: Sequence[IngestResult]) -> int:
    """All chunks as JSON lines, written to a temporary file first so no half file is left."""
    tmp = path.with_name(path.name + ".tmp")
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
        tmp.unlink(missing_ok=True)
        _fail(f"cannot write {path}: {exc.strerror or exc}; choose another --dump path.",
              EXIT_CANTCREAT)
    return count


# Later subcommands register here, each a thin call into its package's entry function:
# `index` (index/), `ask` and `chat` (assistant/). `eval` arrives as a plug-in (below).


def _add_plugins(target: typer.Typer) -> None:
    """Mount the sub-apps other packages declare in the ``smp_guide.cli`` entry-point group."""
    taken = {info.name for info in target.registered_groups}
    taken |= {info.name for info in target.registered_commands}
    for point in entry_points(group=PLUGIN_GROUP):
        if point.name in taken:
            continue
        try:
            sub = point.load()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in must not break the rest
            typer.echo(f"warning: CLI plug-in {point.name!r} not loaded: {_unexpected(exc)}",
                       err=True)
            continue
        if not isinstance(sub, typer.Typer):
            typer.echo(f"warning: CLI plug-in {point.name!r} is not a typer app; skipped", err=True)
            continue
        target.add_typer(sub, name=point.name)
        taken.add(point.name)


def main() -> None:
    """Console entry point ``smp-guide``."""
    for name, value in OFFLINE_ENV.items():
        os.environ.setdefault(name, value)
    try:
        _add_plugins(app)
        app()
    except Exception as exc:  # outside any command: still one line, never a traceback
        if _debug():
            raise
        typer.echo(f"error: {_unexpected(exc)}", err=True)
        sys.exit(EXIT_UNEXPECTED)


if __name__ == "__main__":
    main()
