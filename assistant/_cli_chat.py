"""``smp-guide chat``: serve the chat UI over the index (Gradio, local by default)."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant._cli_common import (
    CHROMA_URL,
    INDEX_DIR,
    ChromaUrlOption,
    IndexDirOption,
    edge,
    env_name,
    settings_from,
)

HOST = "assistant.host"
PORT = "assistant.port"
AUTH = "auth"
LLM = "assistant.llm"
LLM_BASE_URL = "assistant.llm_base_url"


def chat(
    host: Annotated[
        str | None, typer.Option(help=f"Bind address \\[env: {env_name(HOST)}; default 127.0.0.1].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help=f"Port, 0 for a free one \\[env: {env_name(PORT)}].")
    ] = None,
    auth: Annotated[
        str | None, typer.Option(help=f"Require a login, USER:PASS \\[env: {env_name(AUTH)}].")
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
        if settings.auth is not None and ":" not in settings.auth:
            typer.echo("error: --auth must be USER:PASS.", err=True)
            raise typer.Exit(code=2)
        from assistant._ui import launch  # gradio loads only for this command

        demo = launch(settings, prevent_thread_lock=True)
    typer.echo(f"SMP Guide chat on {demo.local_url} (Ctrl+C to stop)")
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        demo.close()
