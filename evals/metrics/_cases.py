"""What the project's own metrics look up per question, keyed by the sample's ``user_input``.

Ragas hands a metric only the standard sample fields (and drops those the metric does
not declare), so the assistant's full answer (citations with chunk IDs and PDF pages,
``covered``) and the gold question travel beside the samples in a ``CaseBook`` that
each metric instance holds. The key is the question text: it must be unique within one
scored dataset (``CaseBook.add`` refuses a duplicate).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from assistant import Answer
from evals._dataset import GoldQuestion
from evals.errors import DatasetError
from ingest import GlossaryEntry

_HYPHENS = "-\u2010\u2011"
_LINE_BREAK_HYPHEN = re.compile(rf"(\w)[{_HYPHENS}](?:[ \t]*\n\s*|[ \t]+)(\w)")
"""A hyphen ending a line, or followed by a space where text joined the lines."""
_BULLETS = re.compile("[\x7f•▪◦●■□➢►‣⁃]|(?<!\\S)/c\\d{2,3}(?!\\S)")
"""Bullet glyphs, and the name extraction gives an unmapped one ("/c110")."""
_INVISIBLE = re.compile("[\u00ad\ue000-\uf8ff\ufffd]")
_LEADERS = re.compile(r"\s*(?:\.\s?){4,}\s*|\s*…+\s*")
_FOOTNOTE_MARK = re.compile(r"(?<=[^\W\d_]|[.,;:)])\d{1,2}(?=[\s.,;:)]|$)")


@dataclass(frozen=True)
class EvalCase:
    """One gold question, the assistant's answer to it, and the text of the cited chunks."""

    question: GoldQuestion
    answer: Answer
    chunk_texts: Mapping[str, str]
    """Full text of every chunk the answer cites, by chunk ID (missing: not in the index)."""
    entries: Mapping[str, GlossaryEntry] = field(default_factory=dict)
    """The glossary or acronym entry of every cited chunk that holds one, by chunk ID."""


@dataclass
class CaseBook:
    """The cases of one scoring run, by question text."""

    cases: dict[str, EvalCase] = field(default_factory=dict)

    def add(self, case: EvalCase) -> None:
        key = case.question.question
        other = self.cases.get(key)
        if other is not None and other.question.id != case.question.id:
            raise DatasetError(
                f"questions {other.question.id!r} and {case.question.id!r} have the same text; "
                "make each question of a dataset unique."
            )
        self.cases[key] = case

    def case(self, user_input: str | None) -> EvalCase:
        """The case of a sample; a sample the run did not register is a bug: fail loudly."""
        if user_input is None or user_input not in self.cases:
            raise LookupError(f"no eval case registered for the sample {user_input!r}")
        return self.cases[user_input]


def squeeze(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


def match_key(text: str) -> str:
    """Text as compared with a PDF page: whitespace-normalised, line-end hyphenation removed.

    pypdf returns a word broken at a line end as ``train-\\ning`` and a compound broken at
    its own hyphen as ``rules-\\nbased`` (a chunk may keep it as ``rules- based``); after
    joining the break, every hyphen is dropped on both sides so that ``training`` and
    ``rules-based`` match either form. A footnote number glued to a word or its
    punctuation (``options3.``) is dropped too: ingest removes footnote markers from chunk
    text, and dot leaders become one ellipsis.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _BULLETS.sub("•", text)
    text = _LINE_BREAK_HYPHEN.sub(r"\1\2", text)
    text = re.sub(f"[{_HYPHENS}]", "", text)
    text = _LEADERS.sub(" … ", text)
    text = _FOOTNOTE_MARK.sub("", text)
    return squeeze(text)
