"""Text clean-up: normalised characters, repaired hyphenation, sentence splitting."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_BULLETS = "\x7f•▪◦●■□➢►‣⁃"
_BULLET_START = re.compile(rf"^\s*[{_BULLETS}]\s*")
_GLYPH_NAME = re.compile(r"(?:^|(?<=\s))/c\d{2,3}(?=\s|$)")
"""An unmapped bullet glyph, which extraction spells by its name ("/c110")."""
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\u00ad\ufffd]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")
_DOT_LEADERS = re.compile(r"\s*(?:\.\s?){4,}\s*|\s*…{2,}\s*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_LOWER_START = re.compile(r"^([a-z][A-Za-z]*)")
_COMPOUND_PREFIXES = frozenset(
    [
        "non",
        "self",
        "co",
        "multi",
        "cross",
        "well",
        "long",
        "short",
        "mid",
        "low",
        "high",
        "full",
        "part",
        "inter",
        "intra",
        "post",
        "pre",
        "re",
        "sub",
        "cost",
        "policy",
        "rules",
        "evidence",
        "demand",
        "skills",
        "country",
        "gender",
    ]
)
_ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "etc.",
    "cf.",
    "No.",
    "no.",
    "Fig.",
    "para.",
    "Art.",
    "vs.",
    "Mr.",
    "Ms.",
    "Dr.",
    "St.",
    "al.",
    "p.",
    "pp.",
    "Vol.",
    "U.S.",
    "U.N.",
)
_CALL_AFTER_STOP = "|".join(
    f"(?<=[^\\W\\d_][.!?]{quote}{call})"
    for quote in ("", '["”’)]')
    for call in (r"\d", r"\d\d", r"\d\d\d", "[*†a-z]")
)
"""A note call glued to the full stop ("families.30 Africa", "Kivu.b The"): the page ends
the sentence there, and the next one may stand in another column."""
_SENTENCE_END = re.compile(
    rf"(?:(?<=[.!?])|(?<=[.!?][\"”’)])|{_CALL_AFTER_STOP})\s+(?=[A-Z0-9“\"(•])"
)


def normalise_line(text: str) -> str:
    """Ligatures, odd spaces, private-use glyphs and bullets made plain."""
    text = unicodedata.normalize("NFKC", text)
    text = _PRIVATE_USE.sub("", text)
    if "/c" in text:
        text = _GLYPH_NAME.sub("•", text)
    text = _BULLET_START.sub("• ", text)
    text = _DOT_LEADERS.sub(" … ", text)
    return _SPACES.sub(" ", text).strip()


def vocabulary(lines: Iterable[str]) -> Counter[str]:
    """Words of the document and its own hyphenated compounds, lower-cased."""
    counts: Counter[str] = Counter()
    for line in lines:
        counts.update(w.lower() for w in _WORD.findall(line))
        counts.update(m.lower() for m in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)+", line))
    return counts


def join_hyphenated(left: str, right: str, vocab: Counter[str]) -> str | None:
    """The joint of a line ending in 'word-' and the next line, or None if no break.

    A word broken by the typesetter is joined ('train-' + 'ing'); a real compound
    broken at its own hyphen keeps it ('rules-' + 'based'). The document's own
    vocabulary decides, then whether both halves are words in it.
    """
    end, start = _HYPHEN_END.search(left), _LOWER_START.match(right)
    if not end or not start:
        return None
    head, tail = end.group(1), start.group(1)
    joined, compound = (head + tail).lower(), f"{head}-{tail}".lower()
    inside_compound = left[: end.start(1)].endswith("-")
    keep = inside_compound or _keeps_hyphen(head.lower(), tail.lower(), joined, compound, vocab)
    glue = "-" if keep else ""
    return left[: end.start(1)] + head + glue + right


def _keeps_hyphen(head: str, tail: str, joined: str, compound: str, vocab: Counter[str]) -> bool:
    if vocab[joined] > 0:
        return False
    if vocab[compound] > 0 or head in _COMPOUND_PREFIXES:
        return True
    return vocab[head] > 0 and vocab[tail] > 0 and len(tail) > 3


def split_sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(text)
    out: list[str] = []
    for part in parts:
        if out and out[-1].endswith(_ABBREVIATIONS):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return [p.strip() for p in out if p.strip()]


def word_count(text: str) -> int:
    return len(text.split())


_SPLIT_CAPITAL = re.compile(r"\b([A-Z]) ([a-z]+)\b")


def rejoin_spaced_letters(text: str, vocab: Counter[str]) -> str:
    """A capital split from the rest of its word ("Asian D evelopment") joined again.

    Letter-spaced display type and drop caps come out with a space after the first
    letter. The pair is joined only when the document uses the whole word far more often
    than the tail alone, so "A good" or "I think" stay apart.
    """

    def joined(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        whole = vocab[(head + tail).lower()]
        if whole >= 2 and whole > 3 * vocab[tail.lower()]:
            return head + tail
        return match.group(0)

    return _SPLIT_CAPITAL.sub(joined, text)
