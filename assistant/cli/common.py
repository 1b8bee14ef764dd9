"""What every CLI command shares: settings from env + flags, and the error edge."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError

from ingest import Settings
from ingest.errors import SmpGuideError

EXIT_USAGE = 2
EXIT_UNEXPECTED = 70  # EX_SOFTWARE
EXIT_CANTCREAT = 73  # EX_CANTCREAT
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
"""Defaults: a caller who sets these otherwise (to fetch another model) is obeyed."""
TELEMETRY_OFF_ENV = {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "RAGAS_DO_NOT_TRACK": "true",
}
"""Forced: the product sends no telemetry, whatever the caller's shell says."""


def set_process_env() -> None:
    """Offline and telemetry off, before Chroma, Gradio, transformers or ragas is imported
    (some of them read these variables at import); only the entry point calls this."""
    for name, value in OFFLINE_ENV.items():
        os.environ.setdefault(name, value)
    os.environ.update(TELEMETRY_OFF_ENV)


# Settings fields that CLI flags override, as dotted paths ("section.field" or "field").
PASSWORD = "ingest.password"
INDEX_DIR = "index_dir"
CHROMA_URL = "chroma_url"


def env_name(dotted: str) -> str:
    """The environment variable of a settings field: ingest.password -> SMP_GUIDE_INGEST__PASSWORD."""
    return "SMP_GUIDE_" + dotted.replace(".", "__").upper()


IndexDirOption = Annotated[
    Path | None, typer.Option(help=f"Index folder \\[env: {env_name(INDEX_DIR)}].")
]
ChromaUrlOption = Annotated[
    str | None,
    typer.Option(help=f"Use a Chroma server, http://HOST:PORT \\[env: {env_name(CHROMA_URL)}]."),
]


def settings_from(flags: Mapping[str, object]) -> Settings:
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


def debug() -> bool:
    return os.environ.get("SMP_GUIDE_DEBUG", "") == "1"


def one_line(message: str) -> str:
    return " ".join(message.split())


def unexpected(exc: BaseException) -> str:
    detail = one_line(str(exc))
    head = f"unexpected {type(exc).__name__}" + (f": {detail}" if detail else "")
    return f"{head} (set SMP_GUIDE_DEBUG=1 for details)"


def settings_message(exc: ValidationError) -> str:
    problems = [
        f"{env_name('.'.join(str(part) for part in error['loc']))}: {error['msg']}"
        for error in exc.errors()
    ]
    return "invalid setting " + "; ".join(problems) + " (fix or unset the environment variable)"


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {one_line(message)}", err=True)
    raise typer.Exit(code=code)


@contextmanager
def edge() -> Iterator[None]:
    """Translate errors at the CLI's edge: one line on stderr and an exit code, no traceback."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise  # typer's own control flow: exits and usage errors
    except SmpGuideError as exc:
        fail(str(exc), exc.exit_code)
    except ValidationError as exc:
        fail(settings_message(exc), EXIT_USAGE)
    except Exception as exc:
        if debug():
            raise
        fail(unexpected(exc), EXIT_UNEXPECTED)
