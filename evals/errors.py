"""The evals' errors (their place in the project's tree: ``ingest.errors``).

SmpGuideError
└── InputError
    └── DatasetError            a gold dataset file or one of its lines
"""

from __future__ import annotations

from ingest import InputError


class DatasetError(InputError):
    """A gold dataset that cannot be read: the message names the file and the line."""
