"""The index's errors (their place in the project's tree: ``ingest.errors``).

SmpGuideError
├── IndexUnavailableError       the index cannot serve
│   ├── IndexNotBuiltError
│   ├── IndexCorruptError
│   ├── EmbeddingModelMismatchError
│   └── ChromaUnavailableError
├── IndexNotWritableError       the index folder cannot be written
│   └── DiskFullError
└── EmbeddingModelError         the embedding model cannot be loaded
"""

from __future__ import annotations

from ingest import SmpGuideError


class IndexUnavailableError(SmpGuideError):
    """The index cannot serve searches."""


class IndexNotBuiltError(IndexUnavailableError):
    pass


class IndexCorruptError(IndexUnavailableError):
    pass


class EmbeddingModelMismatchError(IndexUnavailableError):
    pass


class ChromaUnavailableError(IndexUnavailableError):
    pass


class IndexNotWritableError(SmpGuideError):
    """An ingest cannot write the index folder: read-only, or no permission."""


class DiskFullError(IndexNotWritableError):
    """An ingest ran out of disk space; the last published index still serves."""


class EmbeddingModelError(SmpGuideError):
    pass
