"""Two-pass build of one document: lay it out, fill in the contents, label pages, write the
truth."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from pypdf import PdfWriter
from pypdf.constants import PageLabelStyle
from reportlab.pdfgen.canvas import Canvas

from ._kit import Furniture, Layout, Look, register_vera
from ._render import Blocks, Options, Renderer, Truth, parse

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Spec:
    stem: str
    title: str  # as the cover prints it
    author: str
    year: str
    meta_title: str  # what the PDF's /Title says, right or wrong
    creator: str
    look: Look
    furniture: Furniture
    cover: Callable[[Layout], None]
    options: Options
    markup: str  # file name under data/
    cover_counts: bool = True  # whether the cover takes the first page number
    label_prefix: str | None = (
        None  # /PageLabels: None for no labels, "" for plain, else a prefix on arabic pages
    )


@dataclass(frozen=True)
class Laid:
    truth: Truth
    folios: dict[int, str | None]  # implied page numbers, printed or not
    printed: dict[int, str | None]


def build(spec: Spec, folder: Path) -> Path:
    register_vera()
    blocks = parse((DATA / spec.markup).read_text(encoding="utf-8"))
    first = lay_out(spec, blocks, io.BytesIO(), {})
    toc_pages = {text: first.folios[index] or "" for _, text, index in first.truth.toc}
    path = folder / f"{spec.stem}.pdf"
    with path.open("wb") as handle:
        laid = lay_out(spec, blocks, handle, toc_pages)
    if len(laid.folios) != len(first.folios):
        raise RuntimeError(f"{spec.stem}: the contents changed the page count between passes")
    if spec.label_prefix is not None:
        write_page_labels(path, laid.folios, spec.label_prefix)
    (folder / f"{spec.stem}.json").write_text(
        json.dumps(expected(spec, laid), indent=2, ensure_ascii=False) + "\n"
    )
    return path


def lay_out(spec: Spec, blocks: Blocks, target: BinaryIO, toc_pages: dict[str, str]) -> Laid:
    canvas = Canvas(target, pagesize=spec.look.page, invariant=1)
    canvas.setTitle(spec.meta_title)
    canvas.setAuthor(spec.author)
    canvas.setCreator(spec.creator)
    lay = Layout(canvas, spec.look, spec.furniture)
    lay.start_page("cover", numbered=spec.cover_counts)
    spec.cover(lay)
    truth = Renderer(lay, blocks, spec.options, toc_pages).run()
    canvas.save()
    return Laid(truth, dict(lay.folios), dict(lay.printed))


def label_ranges(folios: dict[int, str | None]) -> list[tuple[int, int, str | None, int]]:
    """Runs of pages numbered in one style: (first index, last index, style, first number)."""
    runs: list[tuple[int, int, str | None, int]] = []
    for index in sorted(folios):
        folio = folios[index]
        style = None if folio is None else ("/D" if folio.isdigit() else "/r")
        number = 0 if folio is None else (int(folio) if folio.isdigit() else roman_value(folio))
        if (
            runs
            and runs[-1][2] == style
            and (style is None or runs[-1][3] + index - runs[-1][0] == number)
        ):
            runs[-1] = (runs[-1][0], index, style, runs[-1][3])
        else:
            runs.append((index, index, style, number))
    return runs


def write_page_labels(path: Path, folios: dict[int, str | None], prefix: str) -> None:
    writer = PdfWriter(clone_from=str(path))
    for first, last, style, number in label_ranges(folios):
        if style is None:
            writer.set_page_label(first, last, prefix="Cover")
        else:
            writer.set_page_label(
                first,
                last,
                style=cast(PageLabelStyle, style),
                prefix=(prefix if style == "/D" and prefix else None),
                start=number,
            )
    with path.open("wb") as handle:
        writer.write(handle)


def roman_value(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for glyph, following in zip(text, text[1:] + " ", strict=True):
        value = values[glyph]
        total += -value if values.get(following, 0) > value else value
    return total


def sample_labels(printed: dict[int, str | None]) -> dict[str, str]:
    """A handful of pages and the number each prints: the first of each run and a few inside."""
    numbered = [i for i in sorted(printed) if printed[i]]
    picks = {numbered[0], numbered[-1], *numbered[:: max(1, len(numbered) // 6)]}
    picks |= {
        i
        for i in numbered
        if i - 1 in printed
        and not (printed[i - 1] or "").isdigit()
        and (printed[i] or "").isdigit()
    }
    return {str(i): printed[i] or "" for i in sorted(picks)}


def expected(spec: Spec, laid: Laid) -> dict[str, Any]:
    truth = laid.truth
    return {
        "file": f"{spec.stem}.pdf",
        "title": spec.title,
        "author": spec.author,
        "year": spec.year,
        "chapters": truth.chapters,
        "front_matter": truth.front_matter,
        "back_matter": truth.back_matter,
        "recommendations": truth.recommendations,
        "tables": truth.tables,
        "footnotes": truth.footnotes,
        "boxes": truth.boxes,
        "page_labels": sample_labels(laid.printed),
        "acronyms": truth.acronyms,
        "glossary": truth.glossary,
    }
