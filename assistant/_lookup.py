"""Questions that name a unit of the document, answered from its structure.

"R4.2", "the recommendations of chapter IV", "what does RPL stand for" and "what does
chapter 3 cover" each name something the document itself labels. Similarity search
answers them only by luck (a neighbouring recommendation reads much the same), so they
are read off the chunks' structure instead: recommendation IDs, chapter numbers as
printed, sections, and the glossary and acronym entries. Nothing is embedded.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant._extractive import Passage, body_lines
from assistant._lead import sentence_case
from assistant._validate import ranges
from index import Hit
from ingest import Chunk, page_span, split_sentences

_MAX_QUOTE_WORDS = 70
_OPENING_WORDS = 40
"""A recommendation's rationale follows it in the same unit with no mark between them;
its first sentences, this short, are the recommendation itself."""
_ASK = (
    r"(?:give me|show me|show|list|tell me|what are|which are|what is|what's|what were"
    r"|get|read|quote|display|find|look up|i want|i need)"
)
_NUMBER = r"([0-9]{1,3}(?:\.[0-9]{1,3})*)"
_REC_ID = rf"(?:(?:recommendation|rec\.?)\s*(?:no\.?\s*)?r?\s?|r\s?){_NUMBER}"
_ROMAN = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_CHAPTER = rf"chapter\s+([0-9]{{1,3}}|{_ROMAN})"
_ARTICLE = r"(?:(?:an?|the)\s+)?"

_BY_ID = re.compile(
    rf"(?:(?:{_ASK}|what does|what do|explain|tell me about|summari[sz]e)\s+)?(?:the\s+)?"
    rf"(?:(?:full\s+)?text of\s+)?{_REC_ID}"
    r"(?:\s+(?:say|says|state|states|recommend|recommends|mean|about|in full))?"
)
_CHAPTER_RECS = re.compile(
    rf"(?:{_ASK}\s+)?(?:all\s+)?(?:of\s+)?(?:the\s+)?recommendations\s+(?:of|in|from|for)"
    rf"\s+(?:the\s+)?{_CHAPTER}"
    rf"|(?:{_ASK}\s+)?(?:all\s+)?(?:the\s+)?{_CHAPTER}(?:'s)?\s+recommendations"
    rf"|what does\s+{_CHAPTER}\s+recommend"
)
_CHAPTER_COVER = re.compile(
    rf"what (?:does|do)\s+{_CHAPTER}\s+(?:cover|contain|include|discuss|deal with|address)"
    rf"|(?:what is|what's)\s+(?:in\s+)?{_CHAPTER}(?:\s+about)?"
    rf"|(?:(?:{_ASK}|summari[sz]e|describe|outline)\s+)?(?:the\s+)?"
    rf"(?:(?:contents?|outline|sections|structure|summary) of\s+)?{_CHAPTER}"
)
_TERMS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"(?:what is|what's)\s+{_ARTICLE}(.+?)\s+(?:short|an abbreviation|an acronym)\s+for",
        rf"what (?:does|do)\s+{_ARTICLE}(?:(?:acronym|abbreviation|term)\s+)?(.+?)\s+"
        + r"(?:mean|stand for)",
        rf"(?:(?:what is|what's)\s+)?(?:the\s+)?(?:meaning|definition) of\s+{_ARTICLE}(.+)",
        rf"(?:what is meant by|define|explain)\s+{_ARTICLE}(.+)",
        rf"(?:what is|what's|what are|who is)\s+{_ARTICLE}(.+)",
    )
)
"""How a question asks what a term means; the first that fits names the term."""
_POLITE = re.compile(r"^(?:(?:please|can you|could you|would you)\s+)+")


class DocumentTerms(Protocol):
    """What the look-up needs of an indexed document: its ID and its acronym list."""

    @property
    def id(self) -> str: ...

    @property
    def acronyms(self) -> Sequence[tuple[str, str]]: ...


@dataclass(frozen=True)
class Lookup:
    """A structural answer: its lead line and the chunks to cite, in order, with quotes."""

    lead: str
    quoted: tuple[tuple[Chunk, str], ...]
    covered: bool
    chapters: frozenset[int | None]
    """The chapters the answer is about (None: front or back matter), for chapter filters."""

    def text(self, lowercase: Collection[str] = ()) -> str:
        """The lead line, then the quotes under bold headings, as extractive answers read;
        titles in sentence case (``lowercase``: words the documents write in lower case)."""
        passages = [Passage(Hit(chunk=c, score=1.0), q) for c, q in self.quoted]
        lead = self.lead
        titles = {t for c, _ in self.quoted for t in (c.chapter_title, c.section) if t}
        for title in sorted(titles, key=len, reverse=True):
            lead = lead.replace(title, sentence_case(title, lowercase))
        parts = [lead, ""]
        for heading, lines in body_lines(passages, lowercase):
            parts.extend([f"**{heading}**", *lines, ""])
        return "\n".join(parts).rstrip()


def lookup(
    question: str,
    chunks: Sequence[Chunk],
    documents: Iterable[DocumentTerms],
    *,
    chapters: Sequence[int] | None = None,
    recommendations_only: bool = False,
) -> Lookup | None:
    """The structural answer to a question naming a recommendation, chapter or term, or None.

    None means "answer by search": the question names no unit, the document does not
    define the term, or the unit lies outside the chapters the user selected.
    """
    asked = _core(question)
    found: Lookup | None = None
    if m := _BY_ID.fullmatch(asked):
        found = _by_id(m.group(1), chunks)
    elif m := _CHAPTER_RECS.fullmatch(asked):
        found = _chapter_recs(next(g for g in m.groups() if g), chunks)
    elif not recommendations_only and (m := _CHAPTER_COVER.fullmatch(asked)):
        found = _chapter_cover(next(g for g in m.groups() if g), chunks)
    elif not recommendations_only and (term := _asked_term(asked)):
        found = _term(term, chunks, documents)
    if found is None or (chapters and not found.chapters <= set(chapters)):
        return None
    return found


def _asked_term(asked: str) -> str | None:
    return next((m.group(1) for rx in _TERMS if (m := rx.fullmatch(asked))), None)


def _core(question: str) -> str:
    text = " ".join(question.casefold().split()).strip(" ?.!")
    return _POLITE.sub("", text).replace("’", "'")


# ---------------------------------------------------------------- recommendations
def _by_id(number: str, chunks: Sequence[Chunk]) -> Lookup:
    wanted = f"r{number}"
    hits = [c for c in chunks if c.kind == "recommendation" and (c.rec_id or "").lower() == wanted]
    if hits:
        lead = "; ".join(
            f"Recommendation {group[0].rec_id} of {group[0].document_title} is in "
            f"{_chapter_name(group[0])}, {_pages(group)}"
            for group in _by_document(hits)
        )
        quoted = tuple((c, _unit_quote(c)) for c in hits)
        return Lookup(lead + ".", quoted, True, frozenset(c.chapter for c in hits))
    chapter = int(number.split(".")[0])
    lead = "; ".join(
        _missing_id(f"R{number}", chapter, group) for group in _by_document(_recs(chunks))
    )
    return Lookup(
        (lead or f"No recommendation R{number} is indexed") + ".", (), False, frozenset({chapter})
    )


def _missing_id(rec_id: str, chapter: int, recs: Sequence[Chunk]) -> str:
    there = [c for c in recs if c.chapter == chapter]
    where = (
        f"{_chapter_name(there[0])} has {_id_range(there)}"
        if there
        else f"it has no recommendations in chapter {chapter}; its recommendations are "
        f"{_id_range(recs)}"
    )
    return f"There is no recommendation {rec_id} in {recs[0].document_title}; {where}"


def _chapter_recs(asked: str, chunks: Sequence[Chunk]) -> Lookup:
    matched = _chapter_chunks(asked, chunks)
    if not matched:
        return _no_chapter(asked, chunks)
    leads: list[str] = []
    quoted: list[tuple[Chunk, str]] = []
    for group in matched:
        first_of_each = list({c.rec_id: c for c in reversed(_recs(group))}.values())[::-1]
        name = f"{_chapter_name(group[0])} of {group[0].document_title}"
        if not first_of_each:
            leads.append(f"{_capital(name)} has no recommendations")
            continue
        listed = ", ".join(f"{c.rec_id} ({_pages([c])})" for c in first_of_each)
        count = len(first_of_each)
        leads.append(
            f"{_capital(name)} has {count} recommendation{'' if count == 1 else 's'}: {listed}"
        )
        quoted.extend((c, _unit_quote(c)) for c in first_of_each)
    chapters = frozenset(g[0].chapter for g in matched)
    return Lookup("; ".join(leads) + ".", tuple(quoted), bool(quoted), chapters)


def _unit_quote(chunk: Chunk) -> str:
    """A unit's own words: all of it, or its opening sentences when a recommendation
    carries a long rationale after them."""
    text = chunk.text
    if len(text.split()) <= _MAX_QUOTE_WORDS and not chunk.unverified:
        return text
    return _opening(chunk)


def _opening(chunk: Chunk) -> str:
    """The first sentences of the chunk's first line that ingest verified: at least one,
    more while they stay short."""
    first = next(ln for ln in chunk.text.split("\n") if ln.strip())
    sentences = [
        s for s in split_sentences(first) if not any(u in s or s in u for u in chunk.unverified)
    ] or split_sentences(first)
    taken = [sentences[0]]
    for s in sentences[1:]:
        if len(" ".join([*taken, s]).split()) > _OPENING_WORDS:
            break
        taken.append(s)
    span = " ".join(taken)
    return span if span in chunk.text else taken[0] if taken[0] in chunk.text else chunk.text


# ---------------------------------------------------------------------- chapters
def _chapter_cover(asked: str, chunks: Sequence[Chunk]) -> Lookup:
    matched = _chapter_chunks(asked, chunks)
    if not matched:
        return _no_chapter(asked, chunks)
    leads = [_outline(group) for group in matched]
    quoted = tuple((g[0], _opening(g[0])) for g in matched)
    return Lookup(" ".join(leads), quoted, True, frozenset(g[0].chapter for g in matched))


def _outline(group: Sequence[Chunk]) -> str:
    first = group[0]
    sections: dict[str, Chunk] = {}
    for c in group:
        if c.section not in ("", first.chapter_title):
            sections.setdefault(c.section, c)
    lead = (
        f"{_capital(_chapter_label(first))} of {first.document_title} ({_pages(group)}) "
        f"is {first.chapter_title}"
    )
    if sections:
        lead += "; its sections: " + "; ".join(
            f"{name} ({_pages([c], first_only=True)})" for name, c in sections.items()
        )
    ids = list(dict.fromkeys(c.rec_id for c in _recs(group)))
    lead += (
        f"; recommendations: {', '.join(i for i in ids if i)}" if ids else "; no recommendations"
    )
    return lead + "."


def _chapter_chunks(asked: str, chunks: Sequence[Chunk]) -> list[list[Chunk]]:
    """The asked chapter's chunks, one list per document that has it.

    A number as the document prints it ("IV") wins; otherwise the number's value is
    compared with the chapter numbers ("chapter 4" finds a chapter printed "IV").
    """
    numbered = [c for c in chunks if c.chapter is not None]
    printed = [c for c in numbered if c.chapter_printed.casefold() == asked]
    value = int(asked) if asked.isdigit() else _roman_value(asked)
    matched = printed or [c for c in numbered if c.chapter == value]
    return _by_document(matched)


def _no_chapter(asked: str, chunks: Sequence[Chunk]) -> Lookup:
    numbered = [c for c in chunks if c.chapter is not None]
    shown = asked.upper() if not asked.isdigit() else asked
    there = f"chapters are {_numbers(numbered)}" if numbered else "they have no numbered chapters"
    value = int(asked) if asked.isdigit() else _roman_value(asked)
    lead = f"There is no chapter {shown} in the indexed documents; {there}."
    return Lookup(lead, (), False, frozenset({value}))


def _roman_value(text: str) -> int | None:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    if not text or any(ch not in values for ch in text):
        return None
    total = 0
    for ch, nxt in zip(text, [*text[1:], ""], strict=True):
        v = values[ch]
        total += -v if nxt and values[nxt] > v else v
    return total


# ------------------------------------------------------------------------- terms
def _term(asked: str, chunks: Sequence[Chunk], documents: Iterable[DocumentTerms]) -> Lookup | None:
    expansions = {(d.id, _key(short)): _key(long) for d in documents for short, long in d.acronyms}
    entries = [c for c in chunks if c.kind in ("glossary", "acronym") and c.term]
    names = {c.id: _names(c, expansions) for c in entries}
    wanted = _key(asked.strip(" '\"`"))
    direct = {c.id for c in entries if wanted in names[c.id]}
    if not direct:
        return None
    # An acronym's expansion is the glossary's term and the other way round.
    linked = {n for c in entries if c.id in direct for n in names[c.id]}
    chosen = [c for c in entries if c.id in direct or names[c.id] & linked]
    lead = "; ".join(
        f"{group[0].document_title} defines "
        + " / ".join(dict.fromkeys(c.term or "" for c in group))
        + " in its "
        + " and ".join(dict.fromkeys(c.chapter_title for c in group))
        for group in _by_document(chosen)
    )
    quoted = tuple((c, _unit_quote(c)) for c in chosen)
    return Lookup(lead + ".", quoted, True, frozenset(c.chapter for c in chosen))


def _names(entry: Chunk, expansions: dict[tuple[str, str], str]) -> set[str]:
    """What an entry defines: its term, and for an acronym also its expansion."""
    term = _key(entry.term or "")
    expansion = expansions.get((entry.document_id, term))
    return {term, expansion} if expansion else {term}


def _key(term: str) -> str:
    """A term as compared: case-folded, hyphens as spaces, a plural's last word singular."""
    words = term.casefold().replace("-", " ").split()
    if words and len(words[-1]) > 2 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


# ----------------------------------------------------------------------- helpers
def _recs(chunks: Iterable[Chunk]) -> list[Chunk]:
    return [c for c in chunks if c.kind == "recommendation" and c.rec_id]


def _by_document(chunks: Iterable[Chunk]) -> list[list[Chunk]]:
    groups: dict[str, list[Chunk]] = {}
    for c in sorted(chunks, key=lambda c: (c.document_id, c.position)):
        groups.setdefault(c.document_id, []).append(c)
    return list(groups.values())


def _chapter_name(chunk: Chunk) -> str:
    if chunk.chapter is None:
        return chunk.chapter_title
    return f"chapter {chunk.chapter_printed or chunk.chapter} ({chunk.chapter_title})"


def _chapter_label(chunk: Chunk) -> str:
    return f"chapter {chunk.chapter_printed or chunk.chapter}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pages(chunks: Sequence[Chunk], *, first_only: bool = False) -> str:
    last = chunks[0] if first_only else chunks[-1]
    labels = (chunks[0].page_labels[0], last.page_labels[-1 if not first_only else 0])
    indexes = (chunks[0].page_indexes[0], last.page_indexes[-1 if not first_only else 0])
    return page_span(labels, indexes)


def _id_range(recs: Sequence[Chunk]) -> str:
    ids = list(dict.fromkeys(c.rec_id for c in recs if c.rec_id))
    return f"{ids[0]}-{ids[-1]}" if len(ids) > 2 else " and ".join(i for i in ids if i)


def _numbers(chunks: Iterable[Chunk]) -> str:
    return ranges(c.chapter for c in chunks if c.chapter is not None)
