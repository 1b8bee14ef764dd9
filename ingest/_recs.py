"""Recommendations in the shapes real reports give them, each one addressable unit.

A recommendation opens where the evidence says so:

- a "Recommendation N" block, anywhere in the document;
- inside a recommendations region (a section or chapter whose heading names
  recommendations or priority reforms, or the rest of a section after a lead-in such
  as "The following are recommendations for ...:"): a numbered or bulleted list item,
  a numbered paragraph ("12. The evaluation recommends that ..."), or, when the region
  has no list, a paragraph opening with a run-in bold label;
- a row of a table whose header names the recommendation and its strength or
  evidence (made in ``ingest._chunker``: each row one unit, its cells joined by " | ").

Inside a region the paragraphs that follow a recommendation, up to the next one or the
next heading, are its rationale and stay in its unit. When a region words its
recommendations with the recommending verb ("The Inspector recommends ..."), numbered
paragraphs without that wording are context, not recommendations.

IDs (``rec_label``): the document's own number when it is meant to be cited, so that a
reader who asks for "Recommendation 3" or "recommendation 3.2" meets the same ID:
"Recommendation 3" gives "R3" and a dotted list number "3.2" gives "R3.2". A plain list
number ("1.", "2.") only orders one list and repeats in every chapter, so those, and
unnumbered recommendations, get ``R<chapter>.<n>`` from the pipeline instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ingest._blocks import Block

RecRole = Literal["start", "rationale"]

_NAMES_RECS = re.compile(
    r"\brecommendations?\b|\bpriority (reforms?|actions?|measures?)\b|\bsuggested actions\b",
    re.IGNORECASE,
)
_NOT_RECS = re.compile(
    r"\b(conclusions?|findings?|lessons?|background|introduction|context|methodology)\b"
    r"(?!.*\brecommend)",
    re.IGNORECASE,
)
_FINDINGS = re.compile(r"\b(conclusions?|findings?|lessons?)\b", re.IGNORECASE)
_DIRECTIVE = re.compile(
    r"\b(should|must|shall|needs? to|ought to|recommend\w*|urges?|calls? (on|for))\b"
    r"|^(?:[•–-]\s*|\(?\w{1,3}[.)]\s+)?(adopt|build|create|develop|enable|encourage|enhance"
    r"|ensure|establish|expand|extend|foster|improve|increase|introduce|invest|promote"
    r"|provide|reduce|review|set up|simplify|strengthen|support|use)\b",
    re.IGNORECASE,
)
"""The wording of a recommendation: a modal of obligation, the recommending verb, or an
imperative opening the item."""
_LABELLED = re.compile(r"^Recommendation\s+(\d{1,3}(?:\.\d{1,3})*)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\(?(\d{1,3}[.)]|\d{1,3}(?:\.\d{1,3})+[.)]?)\s+\S")
_DOTTED = re.compile(r"^\(?(\d{1,3}(?:\.\d{1,3})+)[.)]?\s")
_BULLET = re.compile(r"^(•|–|-|\(?[a-z]{1,2}[.)])\s+\S")
_RECOMMENDS = re.compile(r"\brecommend(s|ed)?\b", re.IGNORECASE)
_LEAD_IN = re.compile(r"\brecommend", re.IGNORECASE)
_HEADING_WORDS = 14
_SET_APART = frozenset({"box", "table", "footnote", "figure"})
"""Blocks the layout set apart from running text: never a recommendation or its rationale."""
# "Organizational reform. The NSDP has ..." : a short label sentence, then the text.
_LABEL_SENTENCE = re.compile(r"^([A-Z][^.:;!?]{3,120}?)\.\s+[A-Z\u201c\"(]")
_LABEL_WORDS = 14


@dataclass(frozen=True)
class RecMark:
    """What a block is to the recommendation around it, and the ID the document gives."""

    role: RecRole
    label: str | None = None


def names_recommendations(title: str) -> bool:
    """Whether a heading announces recommendations ("Key recommendations", "Priority reforms")."""
    return len(title.split()) <= _HEADING_WORDS and bool(_NAMES_RECS.search(title))


def in_rec_region(section: str, chapter_title: str, chapter_is_body: bool) -> bool:
    """A section naming recommendations, or any section of a chapter naming them
    unless the section names something else (findings, conclusions)."""
    if names_recommendations(section):
        return True
    return (
        chapter_is_body
        and names_recommendations(chapter_title)
        and not (section != chapter_title and _NOT_RECS.search(section))
    )


def rec_label(text: str) -> str | None:
    """The citable ID the document gives a recommendation, if any (see module doc)."""
    match = _LABELLED.match(text) or _DOTTED.match(text)
    return f"R{match.group(1)}" if match else None


def is_labelled(text: str) -> bool:
    return bool(_LABELLED.match(text))


def mark_recs(blocks: Sequence[Block], regions: Sequence[bool]) -> list[RecMark | None]:
    """Each block's part in a recommendation; ``regions[i]`` says whether block i lies
    in a recommendations region found from its headings."""
    regions = _with_lead_ins(blocks, regions)
    marks: list[RecMark | None] = [None] * len(blocks)
    for start, stop in _runs(blocks, regions):
        _mark_region(blocks, start, stop, marks)
    for i, block in enumerate(blocks):
        if marks[i] is None and (block.kind == "recommendation" or is_labelled(block.text)):
            marks[i] = RecMark("start", rec_label(block.text))
    return marks


def _with_lead_ins(blocks: Sequence[Block], regions: Sequence[bool]) -> list[bool]:
    """A paragraph such as "The following are recommendations for ...:" makes the rest
    of its section a region."""
    out = list(regions)
    opened: tuple[int, str] | None = None
    for i, block in enumerate(blocks):
        listed = block.kind in ("item", "recommendation") or _run_in(block)
        if opened is not None and opened == (block.chapter, block.section) and listed:
            out[i] = True
            continue
        opened = None
        text = block.text.rstrip()
        if block.kind == "paragraph" and (
            (text.endswith(":") and _LEAD_IN.search(text[-160:])) or _run_in_heading(block)
        ):
            opened = (block.chapter, block.section)
    return out


def _run_in_heading(block: Block) -> bool:
    """A bold line of its own naming recommendations, set at body size: a heading by
    weight alone, which the structure does not count as a section."""
    text = block.text.strip()
    return block.bold and not text.endswith(".") and names_recommendations(text)


def _runs(blocks: Sequence[Block], regions: Sequence[bool]) -> list[tuple[int, int]]:
    """[start, stop) of consecutive region blocks sharing a chapter and section."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(blocks):
        if not regions[i]:
            i += 1
            continue
        j = i + 1
        key = (blocks[i].chapter, blocks[i].section)
        while j < len(blocks) and regions[j] and (blocks[j].chapter, blocks[j].section) == key:
            j += 1
        runs.append((i, j))
        i = j
    return runs


def _mark_region(
    blocks: Sequence[Block], start: int, stop: int, marks: list[RecMark | None]
) -> None:
    starts = _starts(blocks[start:stop])
    conclusions: set[int] = set()
    if _mixed(blocks[start]):
        # "Conclusions and recommendations" lists both: an item is a recommendation
        # only when it is worded as one; the rest are conclusions, not its rationale.
        conclusions = {
            i
            for i in starts
            if not (
                is_labelled(blocks[start + i].text) or _DIRECTIVE.search(blocks[start + i].text)
            )
        }
        starts -= conclusions
    body = max((b.size for b in blocks[start:stop]), default=0.0)
    current: Block | None = None
    for offset, block in enumerate(blocks[start:stop]):
        i = start + offset
        if offset in starts:
            marks[i] = RecMark("start", rec_label(block.text))
            current = block
        elif (
            current is not None
            and offset not in conclusions
            and block.kind not in _SET_APART
            and not _NUMBERED.match(block.text)  # the document's next numbered paragraph
            and _rationale(block, current, body)
        ):
            marks[i] = RecMark("rationale")
        else:
            current = None


def _mixed(block: Block) -> bool:
    """Whether the region's heading names findings or conclusions as well as recommendations."""
    return bool(_FINDINGS.search(block.section)) and names_recommendations(block.section)


def _starts(blocks: Sequence[Block]) -> set[int]:
    """Which blocks of one region open a recommendation: never text in smaller type
    than the region's body (a footnote, a source line)."""
    body = Counter(round(b.size) for b in blocks for _ in b.text.split()).most_common(1)
    small = {i for i, b in enumerate(blocks) if body and b.size < body[0][0] - 1.0}
    apart = {i for i, b in enumerate(blocks) if b.kind in _SET_APART}
    return _candidates(blocks) - small - apart


def _candidates(blocks: Sequence[Block]) -> set[int]:
    labelled = {
        i for i, b in enumerate(blocks) if b.kind == "recommendation" or is_labelled(b.text)
    }
    numbered = {i for i, b in enumerate(blocks) if _NUMBERED.match(b.text) and i not in labelled}
    if numbered:
        worded = {i for i in numbered if _RECOMMENDS.search(blocks[i].text)}
        # Where recommendations carry the verb, other numbered paragraphs are context.
        keep = (
            worded
            if worded and len(worded) < len(numbered) and _prose(blocks, numbered)
            else numbered
        )
        bullets = {i for i, b in enumerate(blocks) if b.kind == "item" and i not in numbered}
        # Bullets under a numbered recommendation are its parts, not recommendations.
        return labelled | keep | (bullets if not keep else set())
    items = {i for i, b in enumerate(blocks) if b.kind == "item" and _BULLET.match(b.text)}
    if items:
        return labelled | items
    run_in = {i for i, b in enumerate(blocks) if _run_in(b)}
    return labelled | (run_in if len(run_in) >= 2 else set())


def _prose(blocks: Sequence[Block], numbered: set[int]) -> bool:
    """Numbered paragraphs of prose (a report's paragraph numbers), not a short list."""
    return sum(len(blocks[i].text.split()) for i in numbered) / len(numbered) >= 25


def _run_in(block: Block) -> bool:
    """A paragraph that opens with a label: a bold run, or a short sentence without a
    comma ("Organizational reform. The NSDP ...") when the weight is not marked."""
    if block.kind != "paragraph" or block.bold:
        return False
    term = block.term
    if not term:
        match = _LABEL_SENTENCE.match(block.text)
        term = match.group(1) if match and "," not in match.group(1) else ""
    return (
        0 < len(term.split()) <= _LABEL_WORDS
        and block.text.startswith(term)
        and len(block.text) > len(term) + 40
    )


def _rationale(block: Block, rec: Block, body: float) -> bool:
    """Running text after a recommendation, not a footnote or a note in small type."""
    return block.size >= min(rec.size, body) - 1.0
