"""Assistant: cited answers (extractive by default, optional LLM), briefs and feedback.

Public surface: ``Assistant`` and the records they return, ``quote_flags`` (the
quote-quality rules the evals report with), the files the app writes for a user
(``export_brief``, ``record_feedback`` and ``storage_problem``: can they be written), the
brief a user builds answer by answer (``Brief``, its ``BriefEntry`` records and
``answer_from_json`` for answers a chat keeps as JSON), a cited page as an image with its
quote highlighted (``highlighted_page``), the
application's ``Settings`` (every stage's section, from the environment), the assistant's
section and what ``Assistant`` reads of the settings (``AssistantConfig``), and the
assistant's errors. The application over this stage lives in two subpackages with their
own small surface: ``assistant.cli`` (the ``smp-guide`` command, and what every CLI
command shares: settings from env and flags, the error edge and its exit codes; for the
evals CLI too) and ``assistant.ui`` (the Gradio chat).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assistant.errors import (
    BatchError,
    LLMUnavailableError,
    OptionError,
    PageUnavailableError,
    PortInUseError,
    QuestionError,
    UnknownChapterError,
)
from assistant.settings import AssistantConfig, AssistantSettings, Settings

if TYPE_CHECKING:
    from assistant._brief import export_brief, storage_problem
    from assistant._brief_model import Brief, BriefEntry, answer_from_json
    from assistant._engine import Assistant
    from assistant._extractive import body_sentences
    from assistant._feedback import record_feedback
    from assistant._llm import build_llm
    from assistant._pages import highlighted_page
    from assistant._quality import quote_flags
    from assistant._records import Answer, Citation, Located, Source

__all__ = [
    "Answer",
    "Assistant",
    "AssistantConfig",
    "AssistantSettings",
    "BatchError",
    "Brief",
    "BriefEntry",
    "Citation",
    "LLMUnavailableError",
    "Located",
    "OptionError",
    "PageUnavailableError",
    "PortInUseError",
    "QuestionError",
    "Settings",
    "Source",
    "UnknownChapterError",
    "answer_from_json",
    "body_sentences",
    "build_llm",
    "export_brief",
    "highlighted_page",
    "quote_flags",
    "record_feedback",
    "storage_problem",
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
    "export_brief": "assistant._brief",
    "storage_problem": "assistant._brief",
    "Brief": "assistant._brief_model",
    "BriefEntry": "assistant._brief_model",
    "answer_from_json": "assistant._brief_model",
    "record_feedback": "assistant._feedback",
    "highlighted_page": "assistant._pages",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
