"""The ``smp-guide`` command line: one typer app over the stages' public functions.

Public surface: ``app`` and ``main`` (the console entry point), and what every command
shares, from ``assistant.cli.common`` (settings from env and flags, the error edge), which
the evals CLI plugs in with.
"""

from assistant.cli._app import app, main
from assistant.cli.common import (
    CHROMA_URL,
    EXIT_CANTCREAT,
    EXIT_CODES,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    INDEX_DIR,
    PASSWORD,
    ChromaUrlOption,
    IndexDirOption,
    edge,
    env_name,
    exit_code_for,
    fail,
    settings_from,
)

__all__ = [
    "CHROMA_URL",
    "EXIT_CANTCREAT",
    "EXIT_CODES",
    "EXIT_UNEXPECTED",
    "EXIT_USAGE",
    "INDEX_DIR",
    "PASSWORD",
    "ChromaUrlOption",
    "IndexDirOption",
    "app",
    "edge",
    "env_name",
    "exit_code_for",
    "fail",
    "main",
    "settings_from",
]
