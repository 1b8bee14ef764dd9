"""Gold candidates from the chat's ratings (``DATA_DIR/feedback.jsonl``), for review.

Each rated question becomes one dataset line with ``needs_review: true``, which
``load_dataset`` refuses until a person has checked it. What the user saw and said goes
into ``feedback`` (a ``FeedbackNote``). A thumbs-up pre-fills what a correct answer must
cite from what the answer cited; a thumbs-down never does: its cited pages are kept as
``feedback.pages_given``, the pages that were probably wrong. The same question rated
several times (compared case- and space-insensitively) is one candidate: the latest
rating and answer win, and the votes are counted.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals._dataset import FeedbackCitation, FeedbackNote, GoldQuestion
from evals.errors import DatasetError
from index import IndexConfig, IndexNotBuiltError, list_documents

FEEDBACK_PREFIX = "fb-"
MAX_FEEDBACK_MB = 20
"""A feedback file larger than this is refused: it is read whole, and no chat writes that much."""

_HINTS = {
    ("up", False): "The user liked this cited answer: confirm expected_pages "
    "(the pages it cited) and expected_rec_ids.",
    ("up", True): "The user agreed the publication does not cover this: confirm answerable false.",
    ("down", False): "The user disliked this answer: feedback.pages_given are the pages it "
    "cited, probably wrong. Put the pages that do answer it in expected_pages, or set "
    "answerable to false if the publication does not cover it.",
    ("down", True): "The user expected an answer but was told it is not covered: put the "
    "pages that answer it in expected_pages, or set answerable to false if it is right.",
}


@dataclass(frozen=True)
class _Rating:
    """One line of feedback.jsonl, checked."""

    number: int
    question: str
    answer: str
    liked: bool
    covered: bool
    timestamp: str
    passages: list[dict[str, Any]]


def normalized(question: str) -> str:
    """The form two ratings of the same question share: case, spacing and end marks aside."""
    return " ".join(question.casefold().split()).rstrip(" ?.!")


def candidate_id(question: str) -> str:
    """A stable id: the same question always gives the same one, across runs and files."""
    return FEEDBACK_PREFIX + hashlib.sha256(normalized(question).encode()).hexdigest()[:10]


def _field(data: Mapping[str, Any], name: str, kind: type, where: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind):
        missing = name not in data
        what = "missing" if missing else f"must be {kind.__name__}"
        raise DatasetError(f"{where}: {name} {what}; is this a feedback.jsonl file?")
    return value


def _rating(number: int, line: str, source: str) -> _Rating:
    where = f"{source} line {number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{where}: not valid JSON ({exc.msg}).") from exc
    if not isinstance(data, dict):
        raise DatasetError(f"{where}: not a JSON object; is this a feedback.jsonl file?")
    question, answer = _field(data, "question", str, where), _field(data, "answer", str, where)
    rating, covered = _field(data, "rating", str, where), _field(data, "covered", bool, where)
    if rating not in ("up", "down"):
        raise DatasetError(f"{where}: rating must be 'up' or 'down', not {rating!r}.")
    if len(question.strip()) < 3:
        raise DatasetError(f"{where}: the question is empty.")
    passages = data.get("sources") or []
    if not isinstance(passages, list) or not all(isinstance(p, dict) for p in passages):
        raise DatasetError(f"{where}: sources must be a list of objects.")
    timestamp = data.get("timestamp")
    return _Rating(
        number,
        " ".join(question.split()),
        answer,
        rating == "up",
        covered,
        timestamp if isinstance(timestamp, str) else "",
        passages,
    )


def _citation(passage: Mapping[str, Any]) -> FeedbackCitation:
    chapter = passage.get("chapter")
    return FeedbackCitation(
        n=passage.get("n") if isinstance(passage.get("n"), int) else None,
        document=str(passage.get("document") or ""),
        chapter=str(chapter) if chapter is not None else str(passage.get("chapter_title") or ""),
        section=str(passage.get("section") or ""),
        rec_id=str(passage.get("rec_id") or ""),
        pages=[str(p) for p in passage.get("page_labels") or [] if p],
        quote=str(passage.get("quote") or ""),
    )


def indexed_documents(*, settings: IndexConfig) -> dict[str, str]:
    """The file name (the dataset's ``document``) of each indexed document, by its ID and
    by its title: a rating names the document only by those."""
    status = list_documents(settings=settings)  # no model, and no Chroma for a local index
    if not status.documents:
        where = status.location
        raise IndexNotBuiltError(f"no index at {where}; run `smp-guide ingest PDF` first.")
    return {name: d.key for d in status.documents for name in (d.id, d.title, d.key)}


def _document(
    rating: _Rating, documents: Mapping[str, str], default: str | None, source: str
) -> str:
    for passage in rating.passages:
        for name in (passage.get("document_id"), passage.get("document")):
            if isinstance(name, str) and name in documents:
                return documents[name]
    if default:
        return default
    for passage in rating.passages:  # a title: the reviewer sets the file name
        if passage.get("document"):
            return str(passage["document"])
    raise DatasetError(
        f"{source} line {rating.number}: the rating names no document; pass --document."
    )


def _mixed(votes: Counter[bool]) -> str:
    if votes[True] and votes[False]:
        return f" Votes were mixed ({votes[True]} up, {votes[False]} down): read the answer."
    return ""


def _candidate(
    latest: _Rating,
    votes: Counter[bool],
    *,
    documents: Mapping[str, str],
    document: str | None,
    source: str,
) -> GoldQuestion:
    cited = [_citation(p) for p in latest.passages if "n" in p]  # citations carry their number
    nearest = [] if cited else [_citation(p) for p in latest.passages]
    pages = list(dict.fromkeys(page for c in cited for page in c.pages))
    trusted = latest.liked and latest.covered  # only a liked cited answer pre-fills the gold
    rating = "up" if latest.liked else "down"
    note = FeedbackNote(
        rating=rating,
        votes_up=votes[True],
        votes_down=votes[False],
        rated_at=latest.timestamp,
        refused=not latest.covered,
        answer=latest.answer,
        pages_given=pages,
        citations=cited,
        nearest_sections=nearest,
        review_hint=_HINTS[(rating, not latest.covered)] + _mixed(votes),
    )
    return GoldQuestion(
        id=candidate_id(latest.question),
        document=_document(latest, documents, document, source),
        question=latest.question,
        # a thumbs-down on a refusal says it should have been answered
        answerable=latest.covered or not latest.liked,
        expected_pages=pages if trusted else [],
        expected_chapter=cited[0].chapter if trusted and cited else "",
        expected_rec_ids=[c.rec_id for c in cited if c.rec_id] if trusted else [],
        reference_quote=cited[0].quote if trusted and cited else "",
        needs_review=True,
        feedback=note,
    )


def candidates_from_feedback(
    lines: Iterable[str],
    *,
    documents: Callable[[], Mapping[str, str]] | None = None,
    document: str | None = None,
    source: str = "feedback",
) -> list[GoldQuestion]:
    """One unreviewed candidate per distinct question, in the order first rated.

    ``lines`` are the lines of a feedback.jsonl file. A rating names its document by ID
    and title; ``documents`` gives the map from those to the file name a dataset uses (see
    ``indexed_documents``; called once every line is read, so that bad input fails before
    an index opens); ``document`` is the name for a rating it cannot map; else the title
    is kept. ``source`` names the file in error messages. A bad line raises DatasetError
    naming it.
    """
    latest: dict[str, _Rating] = {}
    votes: dict[str, Counter[bool]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        rating = _rating(number, line, source)
        key = normalized(rating.question)
        votes.setdefault(key, Counter())[rating.liked] += 1
        # ISO timestamps sort as text; on a tie (or none) the later line wins
        if key not in latest or rating.timestamp >= latest[key].timestamp:
            latest[key] = rating
    if not latest:
        raise DatasetError(f"{source}: no ratings in the file.")
    names = documents() if documents is not None else {}
    return [
        _candidate(latest[key], votes[key], documents=names, document=document, source=source)
        for key in latest
    ]


def read_feedback(
    path: Path,
    *,
    documents: Callable[[], Mapping[str, str]] | None = None,
    document: str | None = None,
) -> list[GoldQuestion]:
    """The candidates of a feedback file; DatasetError when it is missing, huge or bad."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such feedback file.")
    size_mb = path.stat().st_size / 1e6
    if size_mb > MAX_FEEDBACK_MB:
        raise DatasetError(
            f"{path.name} is {size_mb:.0f} MB, over the {MAX_FEEDBACK_MB} MB limit; "
            "split it or keep its recent lines."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path.name}: not UTF-8 text; is this a feedback.jsonl file?") from exc
    return candidates_from_feedback(
        text.splitlines(), documents=documents, document=document, source=path.name
    )


def candidate_line(question: GoldQuestion) -> str:
    return json.dumps(question.model_dump(exclude_none=True), ensure_ascii=False)


def _line_id(path: Path, number: int, line: str) -> str:
    try:
        data = json.loads(line) if line.strip() else {"id": ""}
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path.name} line {number}: not valid JSON ({exc.msg}).") from exc
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise DatasetError(f"{path.name} line {number}: no id; fix or remove the line.")
    return str(data["id"])


def merge_into(path: Path, candidates: Sequence[GoldQuestion]) -> tuple[int, int]:
    """Add to a candidates file the candidates whose id it lacks; (added, already there).

    Lines already in the file, reviewed or not, are kept as they are, so re-running on a
    grown feedback file never undoes a review. Written whole: temporary file, then renamed.
    """
    try:
        kept = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path.name}: not UTF-8 text; choose another --out.") from exc
    ids = {_line_id(path, number, line) for number, line in enumerate(kept, start=1)}
    new = [c for c in candidates if c.id not in ids]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    lines = [line for line in kept if line.strip()] + [candidate_line(c) for c in new]
    tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    tmp.replace(path)
    return len(new), len(candidates) - len(new)
