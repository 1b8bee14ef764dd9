"""Brief-ready references: '{author} ({year}). {title}, ch. 11, Recommendations, p. 78.'"""

from __future__ import annotations

from ingest import Chunk


def reference(chunk: Chunk, *, template: str, author: str, year: str) -> str:
    """The reference for a chunk from the configured template; missing parts drop out cleanly."""
    values = {
        "author": author,
        "year": year,
        "title": chunk.document_title,
        "location": chunk.location(),
    }
    if not author or not year:
        # '{author} ({year}). ' with nothing to fill would leave '(). ' behind.
        template = template.replace("{author} ({year}). ", "").replace("{author} ({year})", "")
    text = template.format(**values).strip()
    return text if text.endswith(".") else text + "."
