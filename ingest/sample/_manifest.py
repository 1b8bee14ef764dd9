"""Ground truth about one generated sample: where each chapter, section, recommendation and box
landed, and the strings the parser must recognise (running headers, hyphenations)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.sample._doc import SampleDoc
from ingest.sample._labels import page_label
from ingest.sample._model import Box, Para, SampleText
from ingest.sample._story import Registry, header_text

_HYPHEN_BREAK = re.compile(r"(\w+)-<br/>(\w+)")


@dataclass(frozen=True)
class SampleChapter:
    number: int
    title: str
    start_index: int
    start_label: str


@dataclass(frozen=True)
class SampleSection:
    chapter: int
    title: str
    start_index: int
    start_label: str


@dataclass(frozen=True)
class SampleRecommendation:
    rec_id: str
    chapter: int
    text: str
    page_index: int
    page_label: str


@dataclass(frozen=True)
class SampleBox:
    number: int
    title: str
    chapter: int
    page_index: int
    page_label: str


@dataclass(frozen=True)
class SampleManifest:
    """Ground truth about one generated sample PDF (0-based page indexes, printed labels)."""

    n_pages: int
    chapters: tuple[SampleChapter, ...]
    sections: tuple[SampleSection, ...]
    recommendations: tuple[SampleRecommendation, ...]
    boxes: tuple[SampleBox, ...]
    acronyms: tuple[tuple[str, str], ...]
    glossary: tuple[tuple[str, str], ...]
    hyphenations: tuple[tuple[str, str], ...]
    header_footer_strings: tuple[str, ...]
    back_matter_index: int


def _markup(text: SampleText) -> list[str]:
    blocks = [
        b for c in text.chapters for b in (*c.intro, *(b for s in c.sections for b in s.blocks))
    ]
    paras = [b.text for b in blocks if isinstance(b, Para)]
    return paras + [p for b in blocks if isinstance(b, Box) for p in b.paras]


def _hyphenations(text: SampleText) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for markup in _markup(text):
        for head, tail in _HYPHEN_BREAK.findall(markup):
            joined = f"{head}-{tail}"
            compound = joined.lower() in text.compounds
            pairs.append((f"{head}-\n{tail}", joined if compound else head + tail))
    return tuple(pairs)


def sample_manifest(text: SampleText, doc: SampleDoc, reg: Registry) -> SampleManifest:
    """The manifest of a finished build of ``text`` laid out by ``doc``."""

    def at(key: str) -> tuple[int, str]:
        index = doc.marks[key]
        return index, page_label(index, doc.body_start)

    chapters = tuple(
        SampleChapter(c.number, c.title(), *at(f"chapter:{c.number}")) for c in text.chapters
    )
    sections = tuple(SampleSection(c, t, *at(k)) for k, c, t in reg.sections)
    recs = tuple(SampleRecommendation(r, c, t, *at(f"rec:{r}")) for r, c, t in reg.recs)
    boxes = tuple(SampleBox(i, t, c, *at(k)) for i, (k, c, t) in enumerate(reg.boxes, start=1))
    headers = tuple(header_text(c) for c in text.chapters)
    return SampleManifest(
        n_pages=doc.page,
        chapters=chapters,
        sections=sections,
        recommendations=recs,
        boxes=boxes,
        acronyms=text.acronyms,
        glossary=text.glossary,
        hyphenations=_hyphenations(text),
        header_footer_strings=(text.footer_marker, *headers, text.back_header),
        back_matter_index=doc.marks["back"],
    )
