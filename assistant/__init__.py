"""Assistant: cited answers (extractive by default, optional LLM), the CLI and the chat UI.

Public surface: ``Assistant`` and the records they return, and ``quote_flags`` (the
quote-quality rules the evals report with); the application's ``Settings`` (every stage's
section, from the environment), the assistant's section and what ``Assistant`` reads of
the settings (``AssistantConfig``); the assistant's errors. ``assistant.cli_common`` holds
what every CLI command shares (settings from env and flags, the error edge and its exit
codes), for the evals CLI too.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assistant.errors import (
    BatchError,
    LLMUnavailableError,
    OptionError,
    PortInUseError,
    QuestionError,
    UnknownChapterError,
)
from assistant.settings import AssistantConfig, AssistantSettings, Settings

if TYPE_CHECKING:
    from assistant._engine import Assistant
    from assistant._extractive import body_sentences
    from assistant._llm import build_llm
    from assistant._quality import quote_flags
    from assistant._records import Answer, Citation, Located, Source

__all__ = [
    "Answer",
    "Assistant",
    "AssistantConfig",
    "AssistantSettings",
    "BatchError",
    "Citation",
    "LLMUnavailableError",
    "Located",
    "OptionError",
    "PortInUseError",
    "QuestionError",
    "Settings",
    "Source",
    "UnknownChapterError",
    "body_sentences",
    "build_llm",
    "quote_flags",
]

# The engine pulls in llama-index, Chroma and torch (seconds to import): load it on first
# use so that `smp-guide --help` or a rejected PDF answers at once.
_LAZY = {
    "Assistant": "assistant._engine",
    "body_sentences": "assistant._extractive",
    "build_llm": "assistant._llm",
    "Answer": "assistant._records",
    "Citation": "assistant._records",
    "Source": "assistant._records",
    "Located": "assistant._records",
    "quote_flags": "assistant._quality",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
