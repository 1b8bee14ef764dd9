"""The root of the project's exception tree, and the errors of reading a PDF.

The first stage defines the root, ``SmpGuideError``, and ``InputError``; every later
stage derives its own errors from them in its own ``errors.py``:

    SmpGuideError                   ingest.errors: every error raised on purpose
    ├── InputError                  ingest.errors: bad user input (a file, a line, a flag)
    │   ├── NotAPdfError            ingest.errors
    │   ├── CorruptPdfError         ingest.errors
    │   ├── EncryptedPdfError       ingest.errors
    │   ├── NoTextLayerError        ingest.errors
    │   ├── EmptyPdfError           ingest.errors
    │   ├── PdfTooLargeError        ingest.errors
    │   ├── QuestionError           assistant.errors
    │   │   └── UnknownChapterError assistant.errors
    │   ├── BatchError              assistant.errors: a line or the file of ``ask --batch``
    │   ├── OptionError             assistant.errors: a flag or setting that cannot be used
    │   │   └── PortInUseError      assistant.errors
    │   └── DatasetError            evals.errors
    ├── IndexUnavailableError       index.errors: the index cannot serve
    │   ├── IndexNotBuiltError
    │   ├── IndexCorruptError
    │   ├── EmbeddingModelMismatchError
    │   └── ChromaUnavailableError
    ├── IndexNotWritableError       index.errors: the index folder cannot be written
    │   └── DiskFullError
    ├── EmbeddingModelError         index.errors
    └── LLMUnavailableError         assistant.errors

Each message says what to do next. The errors carry no exit code: the CLI's edge maps
classes to codes in one table (``assistant.cli.EXIT_CODES``), and the CLI and the
UI print the message as one line.
"""

from __future__ import annotations


class SmpGuideError(Exception):
    """Base of every error this project raises on purpose."""


class InputError(SmpGuideError):
    """Input the user can fix: a file, a line of one, a flag or a setting."""


class NotAPdfError(InputError):
    pass


class CorruptPdfError(InputError):
    pass


class EncryptedPdfError(InputError):
    pass


class NoTextLayerError(InputError):
    pass


class EmptyPdfError(InputError):
    pass


class PdfTooLargeError(InputError):
    pass
