"""Brief-ready references: '{author} ({year}). {title}, ch. 11, Recommendations, p. 78.'"""

from __future__ import annotations

import re

from ingest import Chunk

NO_DATE = "n.d."
# PDF tools stamp defaults (1970, the Unix epoch; 1980, the ZIP and DOS epoch) into
# creation dates; no policy publication a reader cites is that old in its PDF form.
EARLIEST_YEAR = 1990
_YEAR = re.compile(r"(?:19|20)\d\d")


def reference_year(year: str) -> str:
    """``year`` as a reference prints it: 'n.d.' when it is missing or an epoch default.

    Text that is not a number ('forthcoming', '2023a') is a user's choice, kept as given.
    """
    text = year.strip()
    if not text.isdigit():
        return text or NO_DATE
    return text if _YEAR.fullmatch(text) and int(text) >= EARLIEST_YEAR else NO_DATE


def reference(chunk: Chunk, *, template: str, author: str, year: str) -> str:
    """The reference for a chunk from the configured template; missing parts drop out cleanly.

    A year is printed only when it is plausible (else 'n.d.'); without an author, the
    '{author} ({year}). ' part drops.
    """
    values = {
        "author": author,
        "year": reference_year(year),
        "title": chunk.document_title,
        "location": chunk.location(),
    }
    if not author:
        # '{author} ({year}). ' with nothing to fill would leave '(). ' behind.
        template = template.replace("{author} ({year}). ", "").replace("{author} ({year})", "")
    text = template.format(**values).strip()
    return text if text.endswith(".") else text + "."
