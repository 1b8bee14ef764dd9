"""What every CLI command shares: settings from env + flags, and the error edge."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar, overload

import typer
from pydantic import ValidationError

from assistant.errors import LLMUnavailableError, OptionError
from assistant.settings import Settings
from index import EmbeddingModelError, IndexNotWritableError, IndexUnavailableError
from ingest import InputError, SmpGuideError

EXIT_USAGE = 2
EXIT_UNEXPECTED = 70  # EX_SOFTWARE
EXIT_CANTCREAT = 73  # EX_CANTCREAT
EXIT_CODES: tuple[tuple[type[SmpGuideError], int], ...] = (
    (InputError, EXIT_USAGE),
    (IndexUnavailableError, 3),
    (EmbeddingModelError, 4),
    (LLMUnavailableError, 5),
    (IndexNotWritableError, EXIT_CANTCREAT),  # like every other cannot-write case
    (SmpGuideError, 1),
)
"""The exit code of each project error: the nearest class in the error's MRO wins."""
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


AppSettings = TypeVar("AppSettings", bound=Settings)

# Settings fields that CLI flags override, as dotted paths ("section.field" or "field").
PASSWORD = "ingest.password"
INDEX_DIR = "index_dir"
CHROMA_URL = "chroma_url"


def env_name(dotted: str) -> str:
    """The environment variable of a settings field (SMP_GUIDE_INGEST__PASSWORD for a password)."""
    return "SMP_GUIDE_" + dotted.replace(".", "__").upper()


IndexDirOption = Annotated[
    Path | None, typer.Option(help=f"Index folder [env: {env_name(INDEX_DIR)}].")
]
ChromaUrlOption = Annotated[
    str | None,
    typer.Option(help=f"Use a Chroma server, http://HOST:PORT [env: {env_name(CHROMA_URL)}]."),
]


@overload
def settings_from(flags: Mapping[str, object]) -> Settings: ...


@overload
def settings_from(
    flags: Mapping[str, object], *, settings_type: type[AppSettings]
) -> AppSettings: ...


def settings_from(
    flags: Mapping[str, object], *, settings_type: type[Settings] = Settings
) -> Settings:
    """Environment first (``settings_type()`` reads it), then every flag the user actually
    gave, validated like the environment: ``--port 99999`` fails as SMP_GUIDE_ASSISTANT__PORT
    would. ``settings_type`` is ``Settings`` or a subclass adding a section (the evals')."""
    merged = settings_type().model_dump()
    given = {dotted: value for dotted, value in flags.items() if value is not None}
    for dotted, value in given.items():
        *sections, name = dotted.split(".")
        target = merged
        for section in sections:
            target = target[section]
        target[name] = value
    try:
        return settings_type.model_validate(merged)
    except ValidationError as exc:  # the environment was valid: a flag is not
        raise OptionError(flags_message(exc, given)) from exc


def flag_name(dotted: str) -> str:
    """The CLI flag of a settings field: assistant.llm_base_url -> --llm-base-url."""
    return "--" + dotted.rpartition(".")[2].replace("_", "-")


def flags_message(exc: ValidationError, given: Mapping[str, object]) -> str:
    problems = []
    for error in exc.errors():
        dotted = ".".join(str(part) for part in error["loc"])
        field = next((d for d in given if dotted == d or dotted.startswith(d + ".")), dotted)
        problems.append(f"{flag_name(field)} {given.get(field)!r}: {error['msg']}")
    return "invalid option " + "; ".join(problems) + "."


def debug() -> bool:
    return os.environ.get("SMP_GUIDE_DEBUG", "") == "1"


def one_line(message: str) -> str:
    return " ".join(message.split())


def unexpected(exc: BaseException) -> str:
    detail = one_line(str(exc))
    head = f"unexpected {type(exc).__name__}" + (f": {detail}" if detail else "")
    return f"{head} (set SMP_GUIDE_DEBUG=1 for details)"


def exit_code_for(exc: SmpGuideError) -> int:
    """The exit code of a project error, from ``EXIT_CODES``."""
    codes = dict(EXIT_CODES)
    return next(codes[cls] for cls in type(exc).__mro__ if cls in codes)


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
        fail(str(exc), exit_code_for(exc))
    except ValidationError as exc:
        fail(settings_message(exc), EXIT_USAGE)
    except Exception as exc:
        if debug():
            raise
        fail(unexpected(exc), EXIT_UNEXPECTED)
