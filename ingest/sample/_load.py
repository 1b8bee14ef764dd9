"""The sample's text, read from the YAML files shipped in ``ingest/sample/data``.

``data/document.yaml`` documents the file format; each chapter is one file under
``data/chapters``. The files are package data, read through ``importlib.resources`` so that
an installed wheel finds them as a source checkout does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TypeVar

import yaml

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

T = TypeVar("T")


class SampleDataError(ValueError):
    """A sample data file does not have the documented shape (a packaging or editing mistake)."""


def data_root() -> Traversable:
    """The folder of the sample's data files, inside the installed package."""
    return resources.files("ingest.sample").joinpath("data")


def _read(entry: Traversable) -> Mapping[str, object]:
    loaded = yaml.safe_load(entry.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise SampleDataError(f"{entry.name}: expected a mapping at the top level")
    return loaded


def _field(data: Mapping[str, object], key: str, kind: type[T], where: str) -> T:
    value = data.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SampleDataError(f"{where}: `{key}` must be {kind.__name__}, found {value!r}")
    return value


def _mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise SampleDataError(f"{where}: expected a mapping, found {value!r}")
    return value


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise SampleDataError(f"{where}: expected a list, found {value!r}")
    return value


def _strs(value: object, where: str) -> tuple[str, ...]:
    items = _list(value, where)
    if not all(isinstance(item, str) for item in items):
        raise SampleDataError(f"{where}: expected a list of strings")
    return tuple(str(item) for item in items)


def _floats(value: object, where: str) -> tuple[float, ...]:
    numbers: list[float] = []
    for item in _list(value, where):
        if not isinstance(item, (int, float)) or isinstance(item, bool):
            raise SampleDataError(f"{where}: expected a list of numbers, found {item!r}")
        numbers.append(float(item))
    return tuple(numbers)


def _pairs(value: object, keys: tuple[str, str], where: str) -> tuple[tuple[str, str], ...]:
    rows = (_mapping(row, where) for row in _list(value, where))
    return tuple((_field(r, keys[0], str, where), _field(r, keys[1], str, where)) for r in rows)


def _recs(value: object, where: str) -> Recs:
    data = _mapping(value, where)
    return Recs(_strs(data.get("items"), where), _field(data, "numbered", bool, where))


def _box(value: object, where: str) -> Box:
    data = _mapping(value, where)
    country, title = _field(data, "country", str, where), _field(data, "title", str, where)
    return Box(country, title, _strs(data.get("paras"), where))


def _footnotes(value: object, where: str) -> Footnotes:
    notes = (_mapping(note, where) for note in _list(value, where))
    return Footnotes(
        tuple((_field(n, "number", int, where), _field(n, "text", str, where)) for n in notes)
    )


def _table(value: object, where: str) -> TableSpec:
    data = _mapping(value, where)
    rows = tuple(_strs(row, where) for row in _list(data.get("rows"), where))
    header, widths = _strs(data.get("header"), where), _floats(data.get("widths"), where)
    return TableSpec(_field(data, "title", str, where), header, rows, widths)


def _figure(value: object, where: str) -> FigureSpec:
    data = _mapping(value, where)
    return FigureSpec(_field(data, "title", str, where), _strs(data.get("steps"), where))


def _para(value: object, where: str) -> Para:
    if not isinstance(value, str):
        raise SampleDataError(f"{where}: a para is a string, found {value!r}")
    return Para(value)


def _resources(value: object, where: str) -> Resources:
    return Resources(_strs(value, where))


_BLOCKS: dict[str, Callable[[object, str], Block]] = {
    "para": _para,
    "recs": _recs,
    "box": _box,
    "resources": _resources,
    "footnotes": _footnotes,
    "table": _table,
    "figure": _figure,
}


def _block(value: object, where: str) -> Block:
    data = _mapping(value, where)
    if len(data) != 1 or next(iter(data)) not in _BLOCKS:
        raise SampleDataError(f"{where}: a block has one key of {sorted(_BLOCKS)}: {sorted(data)}")
    kind, body = next(iter(data.items()))
    return _BLOCKS[kind](body, f"{where} ({kind})")


def _blocks(value: object, where: str) -> tuple[Block, ...]:
    return tuple(_block(item, where) for item in _list(value, where))


def _section(value: object, where: str) -> Section:
    data = _mapping(value, where)
    title = _field(data, "title", str, where)
    two_column = data.get("two_column", False) is True
    return Section(title, _blocks(data.get("blocks"), f"{where}, {title}"), two_column)


def _chapter(entry: Traversable) -> Chapter:
    data, where = _read(entry), entry.name
    sections = tuple(_section(s, where) for s in _list(data.get("sections", []), where))
    return Chapter(
        _field(data, "number", int, where),
        _strs(data.get("title_lines"), where),
        _blocks(data.get("intro"), where),
        sections,
    )


def _chapters(folder: Traversable) -> tuple[Chapter, ...]:
    chapters = sorted(
        (_chapter(entry) for entry in folder.iterdir() if entry.name.endswith(".yaml")),
        key=lambda chapter: chapter.number,
    )
    numbers = [chapter.number for chapter in chapters]
    if numbers != list(range(1, len(numbers) + 1)):
        raise SampleDataError(f"chapters must be numbered 1..n without gaps: {numbers}")
    return tuple(chapters)


@functools.cache
def load_sample_text() -> SampleText:
    """The sample's text from the package data, read once per process (records are immutable)."""
    return read_sample_text(data_root())


def read_sample_text(root: Traversable) -> SampleText:
    """The sample's text from a folder laid out as ``data/`` (``document.yaml``, ``chapters/``)."""
    doc, where = _read(root.joinpath("document.yaml")), "document.yaml"
    pdf, cover = _mapping(doc.get("pdf"), where), _mapping(doc.get("cover"), where)
    goback = _mapping(doc.get("goback_after"), where)
    return SampleText(
        pdf_title=_field(pdf, "title", str, where),
        pdf_author=_field(pdf, "author", str, where),
        pdf_year=_field(pdf, "year", int, where),
        pdf_subject=_field(pdf, "subject", str, where),
        pdf_keywords=_field(pdf, "keywords", str, where),
        footer_marker=_field(doc, "footer_marker", str, where),
        back_header=_field(doc, "back_header", str, where),
        cover_mark=_field(cover, "mark", str, where),
        cover_notes=_strs(cover.get("notes"), where),
        front_parts=_strs(doc.get("front_parts"), where),
        back_title=_field(doc, "back_title", str, where),
        compounds=frozenset(_strs(doc.get("compounds"), where)),
        goback_after=(_field(goback, "chapter", int, where), _field(goback, "section", str, where)),
        acronyms=_pairs(doc.get("acronyms"), ("acronym", "expansion"), where),
        glossary=_pairs(doc.get("glossary"), ("term", "definition"), where),
        chapters=_chapters(root.joinpath("chapters")),
        back_blocks=_blocks(doc.get("back_matter"), where),
    )
