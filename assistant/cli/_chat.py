"""``smp-guide chat``: serve the chat UI over the index (Gradio, local by default)."""

from __future__ import annotations

import errno
import socket
from typing import Annotated

import typer

from assistant.cli.common import (
    CHROMA_URL,
    INDEX_DIR,
    ChromaUrlOption,
    IndexDirOption,
    edge,
    env_name,
    settings_from,
)
from assistant.errors import OptionError, PortInUseError

HOST = "assistant.host"
PORT = "assistant.port"
AUTH = "auth"
LLM = "assistant.llm"
LLM_BASE_URL = "assistant.llm_base_url"


def chat(
    host: Annotated[
        str | None, typer.Option(help=f"Bind address [env: {env_name(HOST)}; default 127.0.0.1].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help=f"Port, 0 for a free one [env: {env_name(PORT)}].")
    ] = None,
    auth: Annotated[
        str | None, typer.Option(help=f"Require a login, USER:PASS [env: {env_name(AUTH)}].")
    ] = None,
    index_dir: IndexDirOption = None,
    chroma_url: ChromaUrlOption = None,
    llm: Annotated[
        str | None, typer.Option(help="Answer with an LLM: ollama:MODEL or openai:MODEL.")
    ] = None,
    llm_base_url: Annotated[str | None, typer.Option(help="Base URL of the LLM server.")] = None,
) -> None:
    """Serve the chat UI: streamed, cited answers with a sources panel."""
    with edge():
        settings = settings_from(
            {
                HOST: host,
                PORT: port,
                AUTH: auth,
                INDEX_DIR: index_dir,
                CHROMA_URL: chroma_url,
                LLM: llm,
                LLM_BASE_URL: llm_base_url,
            }
        )
        if settings.auth is not None:
            login(settings.auth)
        options = settings.assistant
        check_port(options.host, options.port)  # before gradio, the index and the model load
        from assistant.ui import launch  # gradio loads only for this command

        try:
            demo = launch(settings, prevent_thread_lock=True)
        except OSError:  # the port was taken while the model loaded
            check_port(options.host, options.port)
            raise
    typer.echo(f"SMP Guide chat on {demo.local_url} (Ctrl+C to stop)")
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        demo.close()


def login(auth: str) -> tuple[str, str]:
    """USER:PASS as a pair; an empty user or password would be a login anyone passes."""
    user, colon, password = auth.partition(":")
    if not colon or not user.strip() or not password:
        raise OptionError(
            f"--auth (or {env_name(AUTH)}) must be USER:PASS with a non-empty user and password."
        )
    return user, password


def check_port(host: str, port: int) -> None:
    """Bind HOST:PORT as the server will, so a taken port is one clear line, not a crash."""
    if port == 0:
        return  # any free port
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            bare, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except socket.gaierror as exc:
        raise OptionError(
            f"cannot use --host {host}: {exc.strerror}; pass a local address."
        ) from exc
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"port {port} on {host} is already in use; pass a free one with --port "
                "(or --port 0 for any free port)."
            ) from exc
        raise OptionError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
            "pass another --host or --port."
        ) from exc
