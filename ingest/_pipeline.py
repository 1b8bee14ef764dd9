"""ingest_pdf: open, read pages, find structure, clean, chunk."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

import pypdf

from ingest._blocks import build_blocks
from ingest._chunker import Draft, draft_chunks
from ingest._cover import cover_facts
from ingest._imprint import read_metadata
from ingest._layout import Layout, analyse, without_running_titles
from ingest._open import open_pdf
from ingest._pdf import Page, read_page_or_none
from ingest._records import Chapter, Chunk, Document, IngestResult, VerbatimReport, chunk_id
from ingest._regions import with_regions
from ingest._structure import Marker, Structure, find_structure
from ingest._text import vocabulary
from ingest._verbatim import verbatim_report
from ingest.errors import CorruptPdfError, NoTextLayerError
from ingest.settings import IngestConfig

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
"""Called with (pages done, pages in all) while pages are read."""

_MIN_TEXT_CHARS = 40
_PARALLEL_FROM = 24
_BATCH = 6


def ingest_pdf(
    path: Path, *, settings: IngestConfig, progress: ProgressFn | None = None
) -> IngestResult:
    """Chunks of one PDF, each tagged with chapter, section, kind and printed pages."""
    started = time.perf_counter()
    options = settings.ingest
    reader = open_pdf(
        path, password=options.password, max_mb=options.max_file_mb, max_pages=options.max_pages
    )
    content = path.read_bytes()
    sha = hashlib.sha256(content).hexdigest()
    raw_pages, skipped = _read_pages(path, reader, settings, progress)
    if sum(len(ln.text.strip()) for p in raw_pages for ln in p.lines) < _MIN_TEXT_CHARS:
        raise NoTextLayerError(
            f"{path.name}: no text layer found (a scanned or image-only PDF?); "
            "run it through OCR first (e.g. ocrmypdf) and ingest the result."
        )
    layout = analyse(raw_pages, pdf_labels=_pdf_labels(reader))
    structure = find_structure(reader, layout.pages, layout.body_size, labels=layout.page_labels)
    pages = without_running_titles(
        layout.pages,
        [c.title for c in structure.chapters],
        structure.heading_lines,
        layout.body_size,
    )
    pages = with_regions(pages, layout.body_size)
    vocab = vocabulary(ln.text for p in pages for ln in p.lines)
    blocks = list(build_blocks(pages, structure, vocab, leading=layout.leading))
    drafts = list(
        draft_chunks(
            blocks,
            structure.chapters,
            max_words=options.max_chunk_words,
            overlap=options.overlap_sentences,
        )
    )
    chapters = _chapters(structure, layout)
    facts = cover_facts(read_metadata(reader), raw_pages, body_size=layout.body_size)
    document = Document(
        id=sha[:16],
        title=facts.title,
        source_name=path.name,
        content_sha256=sha,
        n_pages=len(raw_pages),
        page_labels=layout.page_labels,
        chapters=chapters,
        entries=tuple(d.entry for d in drafts if d.entry is not None),
        author=facts.author,
        year=facts.year,
        skipped_pages=tuple(skipped),
    )
    chunks = _chunks(drafts, document, structure.chapters)
    warnings = tuple(f"page {i + 1} could not be read and was skipped" for i in skipped)
    check = verbatim_report(chunks, raw_pages)
    chunks = _flagged(chunks, check)
    warnings += _verbatim_warnings(check)
    return IngestResult(document, chunks, time.perf_counter() - started, warnings, check)


def _flagged(chunks: Sequence[Chunk], report: VerbatimReport) -> tuple[Chunk, ...]:
    """Each chunk with the sentences the check could not find on its pages marked."""
    off: dict[str, list[str]] = {}
    for item in report.off_page:
        off.setdefault(item.chunk_id, []).append(item.sentence)
    return tuple(replace(c, unverified=tuple(off[c.id])) if c.id in off else c for c in chunks)


def _verbatim_warnings(report: VerbatimReport) -> tuple[str, ...]:
    """One warning when stored sentences are not verbatim on their pages (each is logged)."""
    for off in report.off_page:
        log.debug(
            "chunk %d (%s, PDF pages %s): not verbatim on its pages: %r",
            off.position,
            off.kind,
            ", ".join(str(p + 1) for p in off.page_indexes),
            off.sentence,
        )
    return (report.summary(),) if report.off_page else ()


def _read_pages(
    path: Path, reader: pypdf.PdfReader, settings: IngestConfig, progress: ProgressFn | None
) -> tuple[list[Page], list[int]]:
    """Every page's lines; pages pypdf cannot parse (or that time out) are skipped."""
    total = len(reader.pages)
    options = settings.ingest
    workers = min(options.workers or os.cpu_count() or 1, 2 if not options.workers else 64)
    read: list[Page | None] = []
    if workers > 1 and total >= _PARALLEL_FROM:
        # pypdf is pure Python and CPU-bound, so pages go to worker processes. They come
        # from a fork server, never from this process: forking a process whose torch or
        # tokenizer threads are running can deadlock the child.
        ranges = [(a, min(a + _BATCH, total)) for a in range(0, total, _BATCH)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context()) as pool:
            jobs = [
                pool.submit(_read_range, path, options.password, a, b, options.page_seconds)
                for a, b in ranges
            ]
            try:
                for job in jobs:
                    read.extend(job.result())
                    if progress is not None:
                        progress(len(read), total)
            except BrokenProcessPool as exc:
                raise CorruptPdfError(
                    f"{path.name}: a page reader process died (out of memory or a crash in "
                    "the PDF parser); the file may be hostile or damaged."
                ) from exc
    else:
        for index in range(total):
            read.append(read_page_or_none(reader, index, seconds=options.page_seconds))
            if progress is not None:
                progress(index + 1, total)
    skipped = [i for i, page in enumerate(read) if page is None]
    if len(skipped) == total:
        raise CorruptPdfError("no page of the PDF could be parsed; re-download or re-export it.")
    return [page or Page(i, 612.0, 792.0, ()) for i, page in enumerate(read)], skipped


def _worker_context() -> mp.context.BaseContext:
    methods = mp.get_all_start_methods()
    if "forkserver" not in methods:
        return mp.get_context("spawn")
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(["ingest._pdf"])
    return context


def _read_range(
    path: Path, password: str | None, start: int, stop: int, seconds: float
) -> list[Page | None]:
    reader = pypdf.PdfReader(path, strict=False)
    if reader.is_encrypted:
        reader.decrypt(password or "")
    return [read_page_or_none(reader, i, seconds=seconds) for i in range(start, stop)]


def _pdf_labels(reader: pypdf.PdfReader) -> list[str] | None:
    try:
        root = reader.trailer["/Root"].get_object()
        if not isinstance(root, pypdf.generic.DictionaryObject) or "/PageLabels" not in root:
            return None
        return [str(label) for label in reader.page_labels]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, pypdf.errors.PdfReadError):
        return None


def _chapters(structure: Structure, layout: Layout) -> tuple[Chapter, ...]:
    markers = structure.chapters
    out = []
    for i, marker in enumerate(markers):
        end = markers[i + 1].index if i + 1 < len(markers) else len(layout.pages) - 1
        out.append(
            Chapter(
                marker.number,
                marker.title,
                marker.index,
                layout.page_labels[marker.index],
                max(end, marker.index),
                marker.kind,
                marker.printed,
            )
        )
    return tuple(out)


def _chunks(
    drafts: Sequence[Draft], document: Document, markers: Sequence[Marker]
) -> tuple[Chunk, ...]:
    out: list[Chunk] = []
    rec_counts: dict[int, int] = {}
    for position, draft in enumerate(drafts):
        marker = markers[draft.chapter] if draft.chapter >= 0 else None
        number = marker.number if marker else None
        rec_id = None
        if draft.is_rec:
            rec_counts[draft.chapter] = rec_counts.get(draft.chapter, 0) + 1
            prefix = f"{number}." if number is not None else "X."
            rec_id = draft.rec_label or f"R{prefix}{rec_counts[draft.chapter]}"
        out.append(
            Chunk(
                id=chunk_id(document.content_sha256, position),
                document_id=document.id,
                document_title=document.title,
                position=position,
                chapter=number,
                chapter_title=marker.title if marker else "Front matter",
                section=draft.section or (marker.title if marker else "Front matter"),
                kind=draft.kind,
                rec_id=rec_id,
                page_labels=tuple(document.page_labels[p] for p in draft.pages),
                page_indexes=draft.pages,
                text=draft.text,
                term=draft.term,
                chapter_printed=marker.printed if marker and number is not None else "",
            )
        )
    return tuple(out)
