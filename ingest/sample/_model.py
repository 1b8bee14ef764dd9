"""The sample's text as typed records: what the data files hold, with no layout in it.

Paragraph strings use ReportLab mini-markup: ``<br/>`` forces a line break (used to draw
line-end hyphenation such as ``train-<br/>ing``), ``<super>n</super>`` marks a footnote and
``<b>`` sets bold. Recommendation, resource, table and glossary strings are plain text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Recs:
    items: tuple[str, ...]
    numbered: bool


@dataclass(frozen=True)
class Box:
    country: str
    title: str
    paras: tuple[str, ...]


@dataclass(frozen=True)
class Resources:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Footnotes:
    items: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class TableSpec:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class FigureSpec:
    title: str
    steps: tuple[str, ...]


Block = Para | Recs | Box | Resources | Footnotes | TableSpec | FigureSpec


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]
    two_column: bool = False


@dataclass(frozen=True)
class Chapter:
    number: int
    title_lines: tuple[str, ...]
    intro: tuple[Block, ...]
    sections: tuple[Section, ...] = ()

    def title(self) -> str:
        return " ".join(self.title_lines)


@dataclass(frozen=True)
class SampleText:
    """Every word the sample prints, in reading order, and the few facts about its shape."""

    pdf_title: str
    pdf_author: str
    pdf_year: int  # the PDF's creation date is 1 January of this year
    pdf_subject: str
    pdf_keywords: str
    footer_marker: str
    back_header: str
    cover_mark: str
    cover_notes: tuple[str, ...]
    front_parts: tuple[str, ...]
    back_title: str
    # Hyphenated words that stay hyphenated when a line break falls on their hyphen.
    compounds: frozenset[str]
    # A stray Word bookmark is added to the outline after this (chapter, section) entry.
    goback_after: tuple[int, str]
    acronyms: tuple[tuple[str, str], ...]
    glossary: tuple[tuple[str, str], ...]
    chapters: tuple[Chapter, ...]
    back_blocks: tuple[Block, ...]
