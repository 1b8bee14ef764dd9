"""Ragas without telemetry, and without a file in the user's data folder.

Ragas reads ``RAGAS_DO_NOT_TRACK`` once (cached) and sends usage events unless it is
exactly "true"; the ``smp-guide`` entry point sets it and ``_scoring.score`` refuses to
run without it. Ragas also writes a user id, ``<user data dir>/ragas/uuid.json``, the
first time a process builds one of its analytics events (``evaluate()`` does, even when
tracking is off): ``ragas._analytics.get_userid`` asks ``appdirs.user_data_dir`` for the
folder (``$XDG_DATA_HOME`` or ``~/.local/share``) and caches the id for the process.
Ragas has no setting for that folder, so ``ragas_home`` points the one name it looks up
(``ragas._analytics.user_data_dir``) into the run's output folder while ragas runs and
restores it after. The process environment is left alone: other threads (and the
libraries they run) that read ``XDG_DATA_HOME`` meanwhile see the user's own value.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def ragas_home(folder: Path) -> Iterator[None]:
    """Ragas' user-id file goes under ``folder`` (``folder/ragas/uuid.json``) meanwhile."""
    from ragas import _analytics  # ragas loads only where the scoring runs

    def data_dir(appname: str | None = None, *_: object, **__: object) -> str:
        return str(folder / appname) if appname else str(folder)

    folder.mkdir(parents=True, exist_ok=True)
    names = vars(_analytics)  # the module's globals: what get_userid looks the name up in
    previous = names["user_data_dir"]
    names["user_data_dir"] = data_dir
    try:
        yield
    finally:
        names["user_data_dir"] = previous
