"""The generated sample PDF: a stand-in with the shape of the SMP publication, and its truth.

The real publication is not redistributable, so tests and the demo use this generated sample.
It deliberately carries the parts that make report PDFs hard to parse: roman then arabic page
labels, running headers and footers, a heading that wraps, line-end hyphenation, bullets, boxed
examples, a table, a figure, footnotes, one two-column page and a junk bookmark.

Its words live in YAML files shipped as package data (``data/``), read by
``load_sample_text``; the modules here only lay them out. Nothing here imports the parser, so
the sample stays an independent check on it.
"""

from ingest.sample._build import build_sample_pdf
from ingest.sample._labels import lower_roman, page_label
from ingest.sample._load import SampleDataError, data_root, load_sample_text, read_sample_text
from ingest.sample._manifest import (
    SampleBox,
    SampleChapter,
    SampleManifest,
    SampleRecommendation,
    SampleSection,
)
from ingest.sample._model import (
    Block,
    Box,
    Chapter,
    FigureSpec,
    Footnotes,
    Para,
    Recs,
    Resources,
    SampleText,
    Section,
    TableSpec,
)

__all__ = [
    "Block",
    "Box",
    "Chapter",
    "FigureSpec",
    "Footnotes",
    "Para",
    "Recs",
    "Resources",
    "SampleBox",
    "SampleChapter",
    "SampleDataError",
    "SampleManifest",
    "SampleRecommendation",
    "SampleSection",
    "SampleText",
    "Section",
    "TableSpec",
    "build_sample_pdf",
    "data_root",
    "load_sample_text",
    "lower_roman",
    "page_label",
    "read_sample_text",
]
