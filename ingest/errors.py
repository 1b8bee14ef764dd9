"""The project's exception tree, shared by every stage.

    SmpGuideError
    ├── InputError                  bad user input (a file or a dataset line)
    │   ├── NotAPdfError
    │   ├── CorruptPdfError
    │   ├── EncryptedPdfError
    │   ├── NoTextLayerError
    │   ├── EmptyPdfError
    │   ├── PdfTooLargeError
    │   ├── DatasetError
    │   ├── QuestionError
    │   │   └── UnknownChapterError
    │   └── OptionError             a flag or setting that cannot be used as given
    │       └── PortInUseError
    ├── IndexError_                 the index cannot serve
    │   ├── IndexNotBuiltError
    │   ├── IndexCorruptError
    │   ├── EmbeddingModelMismatchError
    │   └── ChromaUnavailableError
    ├── IndexNotWritableError       the index folder cannot be written (exit 73)
    │   └── DiskFullError
    ├── EmbeddingModelError
    └── LLMUnavailableError

Each message says what to do next; the CLI and the UI print it as one line.
"""

from __future__ import annotations


class SmpGuideError(Exception):
    """Base of every error this project raises on purpose."""

    exit_code = 1


class InputError(SmpGuideError):
    exit_code = 2


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


class DatasetError(InputError):
    pass


class QuestionError(InputError):
    pass


class UnknownChapterError(QuestionError):
    """A chapter filter names a chapter that no indexed document has."""


class OptionError(InputError):
    """A command-line option (or its environment variable) that cannot be used as given."""


class PortInUseError(OptionError):
    """The chat server's port is taken by another program."""


class IndexError_(SmpGuideError):
    exit_code = 3


class IndexNotBuiltError(IndexError_):
    pass


class IndexCorruptError(IndexError_):
    pass


class EmbeddingModelMismatchError(IndexError_):
    pass


class ChromaUnavailableError(IndexError_):
    pass


class IndexNotWritableError(SmpGuideError):
    """An ingest cannot write the index folder: read-only, or no permission."""

    exit_code = 73  # EX_CANTCREAT, like every other cannot-write case


class DiskFullError(IndexNotWritableError):
    """An ingest ran out of disk space; the last published index still serves."""


class EmbeddingModelError(SmpGuideError):
    exit_code = 4


class LLMUnavailableError(SmpGuideError):
    exit_code = 5
