"""The assistant's errors (their place in the project's tree: ``ingest.errors``).

SmpGuideError
├── InputError
│   ├── QuestionError           a question that cannot be asked as given
│   │   └── UnknownChapterError
│   ├── BatchError              a line or the file of ``ask --batch``
│   ├── OptionError             a flag or setting that cannot be used as given
│   │   └── PortInUseError
│   └── PageUnavailableError    a cited page that cannot be shown
└── LLMUnavailableError
"""

from __future__ import annotations

from ingest import InputError, SmpGuideError


class QuestionError(InputError):
    pass


class UnknownChapterError(QuestionError):
    """A chapter filter names a chapter that no indexed document has."""


class BatchError(InputError):
    """The questions file of ``ask --batch``, or one of its lines, cannot be read."""


class OptionError(InputError):
    """A command-line option (or its environment variable) that cannot be used as given."""


class PortInUseError(OptionError):
    """The chat server's port is taken by another program."""


class LLMUnavailableError(SmpGuideError):
    pass


class PageUnavailableError(InputError):
    """A page the document does not have, or a PDF pdfium cannot open (a password)."""
