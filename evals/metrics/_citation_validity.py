"""citation_validity: every [n] resolves, and every quote is in its chunk and on its pages."""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass, field

from ragas.dataset_schema import SingleTurnSample
from ragas.metrics.base import MetricType
from typing_extensions import override

from assistant import Citation
from evals.metrics._base import OfflineMetric
from evals.metrics._cases import EvalCase, match_key
from evals.metrics._pdf_pages import PdfPages
from ingest import GlossaryEntry

if t.TYPE_CHECKING:
    from langchain_core.callbacks import Callbacks

_MARKER = re.compile(r"\[(\d{1,3})\]")


def _no_pdfs(_document_id: str) -> None:
    return None


@dataclass
class CitationValidity(OfflineMetric):
    """Valid citations / (citations + unresolved markers); 1.0 when nothing is cited.

    A citation is valid when its quote occurs verbatim in the cited chunk and, compared
    whitespace-normalised with line-end hyphenation removed, in the text pypdf extracts
    from the cited pages (``page_indexes``) of the stored PDF. Without a stored PDF
    the citation is invalid ("no stored PDF"). Reasons are kept in ``problems``.
    """

    pages: PdfPages = field(default_factory=lambda: PdfPages(_no_pdfs))
    name: str = "citation_validity"
    problems: dict[str, list[str]] = field(default_factory=dict)
    _required_columns: dict[MetricType, set[str]] = field(
        default_factory=lambda: {MetricType.SINGLE_TURN: {"user_input", "response"}}
    )

    @override
    async def _single_turn_ascore(self, sample: SingleTurnSample, callbacks: Callbacks) -> float:
        case = self.book.case(sample.user_input)
        numbers = {c.n for c in case.answer.citations}
        markers = sorted({int(m) for m in _MARKER.findall(_outside_quotes(sample.response, case))})
        problems = [f"[{n}] does not resolve to a citation" for n in markers if n not in numbers]
        checks = len(case.answer.citations) + len(problems)
        valid = 0
        for citation in case.answer.citations:
            why = self._invalid(case, citation)
            if why:
                problems.append(f"[{citation.n}] {why}")
            else:
                valid += 1
        self.problems[case.question.question] = problems
        return valid / checks if checks else 1.0

    def _invalid(self, case: EvalCase, citation: Citation) -> str:
        """Why a citation is invalid ('' when it is valid)."""
        chunk = case.chunk_texts.get(citation.chunk_id)
        if chunk is None:
            return f"cites chunk {citation.chunk_id} that is not in the index"
        if not citation.quote or citation.quote not in chunk:
            return "quote is not verbatim in the cited chunk"
        if not self.pages.has_pdf(citation.document_id):
            return f"no stored PDF for document {citation.document_id!r}"
        if not self.pages.has_pages(citation.document_id, citation.page_indexes):
            return f"cited PDF pages {list(citation.page_indexes)} do not exist"
        parts = _parts(citation, case.entries.get(citation.chunk_id))
        variants = self.pages.variants(citation.document_id, citation.page_indexes)
        if not any(_in_order(parts, match_key(text)) for text in variants):
            pages = "/".join(citation.page_labels) or str(list(citation.page_indexes))
            return f"quote not found on the cited page(s) {pages}"
        return ""


def _outside_quotes(response: str | None, case: EvalCase) -> str:
    """The answer without its quoted passages: a "[4]" inside a quote is the document's own
    reference label (reference lists number their entries so), not a citation marker."""
    text = response or ""
    for citation in case.answer.citations:
        if citation.quote:
            text = text.replace(citation.quote, " ")
    return text


def _parts(citation: Citation, entry: GlossaryEntry | None) -> list[str]:
    """What must appear on the page, in order: the quote, a glossary entry's two halves, or
    a table row's cells.

    Ingest writes a glossary or acronym entry as "term: definition" although the page
    sets the term and its definition apart (no colon); both halves must be on the page.
    """
    if entry is not None and citation.quote.startswith(f"{entry.term}: "):
        return [match_key(entry.term), match_key(citation.quote[len(entry.term) + 2 :])]
    if citation.kind == "table":  # a row's cells, which ingest joins with " | "
        return [match_key(cell) for cell in citation.quote.split(" | ") if cell.strip()]
    return [match_key(citation.quote)]


def _in_order(parts: list[str], text: str) -> bool:
    start = 0
    for part in parts:
        found = text.find(part, start)
        if not part or found < 0:
            return False
        start = found + len(part)
    return True
