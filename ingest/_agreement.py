"""Chapters without an outline: the reading that the contents page, divider pages and
headings agree on.

A chapter is taken from the contents page when a heading on the page its entry points
to carries the same title; a divider page counts when a second divider, its title as a
heading on the next pages, or a contents entry backs it. Without either, the numbered
headings of one size class that count 1, 2, 3... are the chapters.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from ingest._contents import Entry, chapter_level, number_value, read_contents
from ingest._dividers import LABEL_ONLY, Divider, find_dividers
from ingest._headings import (
    DivisionKind,
    Heading,
    Marker,
    printed_number,
    split_number,
    title_key,
)
from ingest._pdf import Page

_BACK_TITLES = re.compile(
    r"^(references|bibliography|glossary|endnotes|notes|annex|annexes|appendix|appendixes|"
    r"appendices)\b",
    re.IGNORECASE,
)


def _chapters_from_headings(headings: list[Heading], body: float) -> list[Marker]:
    """The size class of numbered headings that counts 1, 2, 3... is the chapter level.

    A count that runs wholly between two headings of another count (an introduction's
    numbered points inside "Chapter I") is a lower level, whatever its length.
    """
    chains: list[list[tuple[Heading, int]]] = []
    for size in sorted({round(h.size) for h in headings if h.size >= body * 1.25}):
        chain: list[tuple[Heading, int]] = []
        for h in headings:
            num, _ = split_number(h.text)
            if (
                round(h.size) == size
                and num is not None
                and num == (chain[-1][1] + 1 if chain else 1)
            ):
                chain.append((h, num))
        if len(chain) >= 2:
            chains.append(chain)
    outer = [c for c in chains if not any(_nested(c, o) for o in chains if o is not c)]
    if not outer:
        return []
    best = max(outer, key=len)
    size = round(best[0][0].size)
    markers = [
        Marker(split_number(h.text)[1], h.index, h.y, num, printed=printed_number(h.text))
        for h, num in best
    ]
    last = best[-1][0]
    tail = [
        h
        for h in headings
        if abs(h.size - size) <= 0.6
        and (h.index, -h.y) > (last.index, -last.y)
        and split_number(h.text)[0] is None
    ]
    markers += [Marker(h.text, h.index, h.y, None, "back_matter") for h in tail]
    return markers


def _nested(inner: list[tuple[Heading, int]], outer: list[tuple[Heading, int]]) -> bool:
    spots = [(h.index, -h.y) for h, _ in outer]
    places = {
        next((k for k, spot in enumerate(spots) if spot > (h.index, -h.y)), len(spots))
        for h, _ in inner
    }
    return len(places) == 1 and 0 < min(places) < len(spots)


def agreed_chapters(
    pages: Sequence[Page], headings: list[Heading], body: float, labels: Sequence[str]
) -> list[Marker]:
    """Chapters two signals agree on: a contents entry or a divider page confirmed by a
    heading on its page (or another divider); else the numbered headings alone."""
    entries = read_contents(pages, labels) if labels else []
    level = chapter_level(entries)
    confirmed = [m for e in level if (m := _confirmed(e, headings, "chapter")) is not None]
    found = find_dividers(pages, body)
    # Dividers numbered in one increasing run (1, 2, 3) back each other up.
    run = len(found) >= 2 and all(a.number < b.number for a, b in itertools.pairwise(found))
    dividers = [d for d in found if run or _divider_agreed(d, headings, level)]
    if len(confirmed) >= max(2, len(level) // 2):
        chapters = _merged(confirmed, [_divider_marker(d) for d in dividers])
        chapters = _filled(chapters, _chapters_from_headings(headings, body))
        return chapters + _contents_matter(entries, level, chapters, headings)
    if dividers:
        chapters = [_divider_marker(d) for d in dividers]
        return chapters + _back_matter(headings, chapters, body)
    return _chapters_from_headings(headings, body)


def _filled(chapters: list[Marker], chain: list[Marker]) -> list[Marker]:
    """Chapters the contents missed (an entry whose page could not be mapped), taken from
    the numbered headings when those agree with the contents on at least two chapters."""
    numbered = [m for m in chain if m.kind == "chapter"]
    spots = {(c.number, c.index) for c in chapters}
    if sum((m.number, m.index) in spots for m in numbered) < 2:
        return chapters
    known = {c.number for c in chapters}
    out = sorted(
        chapters + [m for m in numbered if m.number not in known], key=lambda m: (m.index, -m.y)
    )
    numbers = [m.number or 0 for m in out]
    return out if numbers == sorted(set(numbers)) else chapters


def _confirmed(entry: Entry, headings: list[Heading], kind: DivisionKind) -> Marker | None:
    """The entry placed at its heading, found on the mapped page or next to it."""
    if entry.index is None:
        return None
    for index in (entry.index, entry.index + 1, entry.index - 1):
        # Headings come in page order: look only at those of this page.
        lo = bisect.bisect_left(headings, index, key=lambda h: h.index)
        hi = bisect.bisect_right(headings, index, key=lambda h: h.index)
        scored = [
            (max(_likeness(entry.title, t) for t in _prefixes(h)), -k, h)
            for k, h in enumerate(headings[lo:hi])
        ]
        score, _, h = max(scored, key=lambda item: item[:2], default=(0.0, 0, None))
        if h is None or score <= 0:
            continue
        if kind != "chapter":
            return Marker(h.text, h.index, h.y + 0.5, None, kind)
        return Marker(
            _title_as_listed(entry, h),
            h.index,
            h.y + 0.5,
            number_value(entry.number),
            kind,
            entry.number,
        )
    return None


def _prefixes(heading: Heading) -> list[str]:
    """The heading's text, then its first line, first two lines...: a title may be joined
    to a sub-heading set in the same type under it."""
    lines = [ln.text.strip() for ln in heading.lines]
    return [heading.text] + [" ".join(lines[:k]) for k in range(1, len(lines))]


def _title_as_listed(entry: Entry, heading: Heading) -> str:
    """The heading's title, cut after the line where the contents entry's title ends: a
    sub-heading set in the same type right under a title would otherwise be joined to it."""
    want = title_key(entry.title)
    for k in range(1, len(heading.lines)):
        text = " ".join(ln.text.strip() for ln in heading.lines[:k])
        if title_key(_bare_title(text)) == want:
            return _bare_title(text)
    return _bare_title(heading.text)


def _bare_title(text: str) -> str:
    """'PART 44: PART 4 UNEMPLOYMENT' -> 'UNEMPLOYMENT': labels and numbers off the front
    (a label may be printed twice, once in a side tab)."""
    head, _, rest = text.partition(":")
    if rest and LABEL_ONLY.match(head):
        text = rest.strip()
    for _ in range(2):
        number, bare = split_number(text)
        if number is None:
            break
        text = bare
    return text


def _same_title(entry: str, heading: str) -> bool:
    return _likeness(entry, heading) > 0


def _likeness(entry: str, heading: str) -> float:
    """How closely a heading carries a title, 0 when it does not: equal, one containing
    most of the other (a subtitle or a label added), or nearly the same letters."""
    best = 0.0
    # Contents often add a parenthetical note the heading lacks: "Title (exercise)".
    shorter = re.sub(r"\s*\([^()]*\)\s*$", "", entry)
    for a, text in itertools.product(
        {title_key(entry), title_key(shorter)},
        (heading, split_number(heading)[1], heading.split(":", 1)[-1]),
    ):
        b = title_key(text)
        if len(a) < 3 or len(b) < 3:
            continue
        share = min(len(a), len(b)) / max(len(a), len(b))
        if (a in b or b in a) and share >= 0.5:
            best = max(best, share)
        elif (ratio := SequenceMatcher(None, a, b).ratio()) >= 0.85:
            best = max(best, ratio)
    return best


def _divider_agreed(divider: Divider, headings: list[Heading], level: list[Entry]) -> bool:
    """A divider counts when a second signal backs it: a second divider page, the title
    again as a heading on the next pages, or a contents entry for its page."""
    if divider.repeated or any(e.index == divider.index for e in level):
        return True
    return any(
        divider.index < h.index <= divider.index + 2 and _same_title(divider.title, h.text)
        for h in headings
    )


def _divider_marker(divider: Divider) -> Marker:
    return Marker(
        divider.title, divider.index, divider.top, divider.number, "chapter", divider.printed
    )


def _merged(chapters: list[Marker], extra: list[Marker]) -> list[Marker]:
    """Chapters with the divider pages the contents did not list; a divider before its
    chapter's heading page moves the start to the divider."""
    out = list(chapters)
    for d in extra:
        same = next((i for i, c in enumerate(out) if c.number == d.number), None)
        if same is None:
            out.append(d)
        elif 0 < out[same].index - d.index <= 2:
            out[same] = replace(out[same], index=d.index, y=d.y)
    return sorted(out, key=lambda m: (m.index, -m.y))


def _contents_matter(
    entries: list[Entry], level: list[Entry], chapters: list[Marker], headings: list[Heading]
) -> list[Marker]:
    """Unnumbered contents entries before the chapters (front) and after them (back)."""
    first, last = entries.index(level[0]), entries.index(level[-1])
    start = min(c.index for c in chapters)
    end = max(c.index for c in chapters)
    out: list[Marker] = []
    for i, entry in enumerate(entries):
        if first <= i <= last or entry.index is None:
            continue
        if entry.number and number_value(entry.number) is None:
            continue  # a lettered or decimal sub-entry (A., 9.2) of the last chapter
        kind: DivisionKind = "front_matter" if i < first else "back_matter"
        if kind == "back_matter" and (entry.index <= end or out and entry.index < out[-1].index):
            continue  # not in page order: a list of figures or tables after the contents
        marker = _confirmed(entry, headings, kind)
        if marker is not None and (kind == "back_matter" or marker.index < start):
            out.append(marker)
    return _first_per_page(out)


def _first_per_page(markers: list[Marker]) -> list[Marker]:
    seen: set[int] = set()
    out = []
    for m in markers:
        if m.index not in seen:
            out.append(m)
            seen.add(m.index)
    return out


def _back_matter(headings: list[Heading], chapters: list[Marker], body: float) -> list[Marker]:
    last = max((c.index, -c.y) for c in chapters)
    found = [
        Marker(h.text, h.index, h.y + 0.5, None, "back_matter")
        for h in headings
        if (h.index, -h.y) > last and h.size >= body * 1.25 and _BACK_TITLES.match(h.text)
    ]
    return _first_per_page(found)
