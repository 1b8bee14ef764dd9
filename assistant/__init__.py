"""Assistant: cited answers (extractive by default, optional LLM), the CLI and the chat UI.

Public surface: ``answer`` / ``Assistant`` and the records they return.
"""

from assistant._engine import Assistant, answer
from assistant._extractive import body_sentences
from assistant._records import Answer, Citation, Source

__all__ = ["Answer", "Assistant", "Citation", "Source", "answer", "body_sentences"]
