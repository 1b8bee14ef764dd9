"""Candidate gold questions from a document's structure, with no LLM, for a human to review.

One question per recommendation ("What does the guidance recommend about <key phrase>?"),
one per section title and one per glossary term ("What is meant by <term>?"). Each line
follows the dataset schema (``answerable`` true, pages and recommendation IDs from the
chunk); the ``gen-`` id prefix marks it as generated and not yet reviewed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from evals._dataset import GoldQuestion
from ingest import Chunk, IngestResult

GENERATED_PREFIX = "gen-"
_SKIP_SECTIONS = frozenset(
    {"recommendations", "further resources", "glossary of terms", "acronyms", "contents"}
)
_PARTICLES = frozenset({"out", "up", "on", "from", "in", "off", "down"})
_DETERMINERS = frozenset({"a", "an", "the", "any", "every", "each", "all"})
_TRAILING = frozenset({"and", "or", "of", "to", "for", "with", "in", "the", "a", "an", "by", "on"})
_CLAUSE_END = re.compile(r"[,;:.(]| so that | that | before | where | which | because ")
_KEY_WORDS = 7


def key_phrase(recommendation: str) -> str:
    """The object of an imperative recommendation.

    'Set out a phased roadmap, ...' gives 'phased roadmap'.
    """
    clause = _CLAUSE_END.split(" ".join(recommendation.split()), maxsplit=1)[0]
    words = clause.split()[1:]  # drop the imperative verb
    while words and words[0].lower() in _PARTICLES | _DETERMINERS:
        words = words[1:]
    words = words[:_KEY_WORDS]
    while words and words[-1].lower() in _TRAILING:
        words = words[:-1]
    phrase = " ".join(words) or " ".join(recommendation.split()[:_KEY_WORDS])
    return phrase[0].lower() + phrase[1:] if phrase[:2].istitle() else phrase


def _title(text: str) -> str:
    text = " ".join(text.split()).rstrip("?.:")
    letters = [c for c in text if c.isalpha()]
    shouting = letters and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    return text.capitalize().replace("smp", "SMP") if shouting else text


def _first_sentence(text: str) -> str:
    match = re.search(r"(?<=[.!?])\s", text)
    return text[: match.start()] if match else text


def _question(n: int, document: str, chunk: Chunk, question: str) -> GoldQuestion:
    quote = " ".join(chunk.text.split()[:40])
    return GoldQuestion(
        id=f"{GENERATED_PREFIX}{n:03d}",
        document=document,
        question=question,
        answerable=True,
        expected_pages=[p for p in dict.fromkeys(chunk.page_labels) if p],
        expected_chapter=str(chunk.chapter) if chunk.chapter is not None else "",
        expected_rec_ids=[chunk.rec_id] if chunk.rec_id else [],
        reference_answer=_first_sentence(chunk.text),
        reference_quote=quote if quote in chunk.text else chunk.text,
    )


def candidate_questions(result: IngestResult) -> list[GoldQuestion]:
    """Candidates in document order; questions with the same text are kept once."""
    document = result.document.source_name
    drafts: list[tuple[Chunk, str]] = []
    seen_sections: set[tuple[int | None, str]] = set()
    for chunk in result.chunks:
        if chunk.kind == "recommendation":
            drafts.append(
                (chunk, f"What does the guidance recommend about {key_phrase(chunk.text)}?")
            )
        elif chunk.kind == "glossary" and chunk.term:
            drafts.append((chunk, f"What is meant by {chunk.term.strip()}?"))
        elif chunk.kind in ("narrative", "box") and chunk.section:
            key = (chunk.chapter, chunk.section)
            if key in seen_sections or chunk.section.lower() in _SKIP_SECTIONS:
                continue
            seen_sections.add(key)
            drafts.append((chunk, f"What does the guidance say about {_title(chunk.section)}?"))
    questions: list[GoldQuestion] = []
    texts: set[str] = set()
    for chunk, text in drafts:
        if text.lower() in texts:
            continue
        texts.add(text.lower())
        questions.append(_question(len(questions) + 1, document, chunk, text))
    return questions


def write_questions(questions: Iterable[GoldQuestion], path: Path) -> int:
    """JSONL in the dataset schema, written whole (temporary file, then renamed)."""
    items: Sequence[GoldQuestion] = list(questions)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for q in items:
            handle.write(json.dumps(q.model_dump(exclude_none=True), ensure_ascii=False) + "\n")
    tmp.replace(path)
    return len(items)
