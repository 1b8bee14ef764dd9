"""The answer-quality metric functions on hand-made answers, and the gate's lower-is-better op.

The records are built by hand (they are plain data: a gold question, an answer with its
citations); the functions under test are the real ones the eval suite and the quality
benchmark use.
"""

from __future__ import annotations

from dataclasses import replace

from assistant import Answer, Citation
from evals import ANSWER_METRICS, GoldQuestion, Threshold, compare_means, mean_score
from evals._answer_quality import (
    answer_hit_at_1,
    citation_precision,
    false_refusal_rate,
    not_covered_recall,
    quote_quality,
)
from evals._thresholds import FALSE_REFUSAL_RATE, QUOTE_QUALITY, THRESHOLDS
from evals.metrics import match_key

PROSE = "Employers pay for the training of the workers they recruit abroad."
CONTENTS = "Chapter 3 Financing the training ............................ 17"


def _citation(n: int, pages: tuple[str, ...], *, quote: str = PROSE) -> Citation:
    return Citation(
        n=n,
        chunk_id=f"c{n}",
        document="guide.pdf",
        chapter=3,
        chapter_title="Financing",
        section="3.1",
        kind="text",
        rec_id=None,
        page_labels=pages,
        page_indexes=tuple(int(p) + 1 if p else 0 for p in pages),
        quote=quote,
        reference="",
    )


def _answer(*citations: Citation, covered: bool = True) -> Answer:
    text = "\n".join(f"- {c.quote} [{c.n}]" for c in citations) or "Not covered."
    return Answer("Who pays?", text, covered, citations, ())


def _question(*, answerable: bool = True, pages: tuple[str, ...] = ("17",)) -> GoldQuestion:
    return GoldQuestion(
        id="q-1",
        document="guide.pdf",
        question="Who pays for training?",
        answerable=answerable,
        expected_pages=list(pages) if answerable else [],
    )


def test_citation_precision_counts_citations_on_expected_pages() -> None:
    answer = _answer(_citation(1, ("17",)), _citation(2, ("40",)), _citation(3, ("16", "17")))
    assert citation_precision(_question(), answer) == 2 / 3
    assert citation_precision(_question(), _answer(covered=True)) == 0.0, "covered, cites nothing"
    assert citation_precision(_question(), _answer(_citation(1, ("17",)), covered=False)) is None
    assert citation_precision(_question(pages=()), answer) is None, "no expected pages: no score"
    assert citation_precision(_question(answerable=False), answer) is None


def test_unlabelled_pages_are_compared_as_pdf_numbers() -> None:
    unlabelled = replace(_citation(1, ("",)), page_indexes=(4,))
    assert citation_precision(_question(pages=("pdf:5",)), _answer(unlabelled)) == 1.0
    assert citation_precision(_question(pages=("pdf:4",)), _answer(unlabelled)) == 0.0


def test_answer_hit_at_1_reads_the_first_citation_only() -> None:
    right_first = _answer(_citation(1, ("17",)), _citation(2, ("40",)))
    wrong_first = _answer(_citation(1, ("40",)), _citation(2, ("17",)))
    assert answer_hit_at_1(_question(), right_first) == 1.0
    assert answer_hit_at_1(_question(), wrong_first) == 0.0
    assert answer_hit_at_1(_question(), _answer(covered=True)) == 0.0
    assert answer_hit_at_1(_question(), _answer(covered=False)) is None


def test_quote_quality_is_the_share_of_flagged_quotes() -> None:
    mixed = _answer(_citation(1, ("17",)), _citation(2, ("3",), quote=CONTENTS))
    assert quote_quality(_question(), mixed) == 0.5
    assert quote_quality(_question(), _answer(_citation(1, ("17",)))) == 0.0
    assert quote_quality(_question(), _answer(covered=True)) is None, "nothing cited"
    assert quote_quality(_question(), _answer(_citation(1, ("17",)), covered=False)) is None


def test_refusals_are_scored_by_the_gold() -> None:
    covered, refused = _answer(_citation(1, ("17",))), _answer(covered=False)
    assert false_refusal_rate(_question(), refused) == 1.0
    assert false_refusal_rate(_question(), covered) == 0.0
    assert false_refusal_rate(_question(answerable=False), refused) is None
    assert not_covered_recall(_question(answerable=False), refused) == 1.0
    assert not_covered_recall(_question(answerable=False), covered) == 0.0
    assert not_covered_recall(_question(), refused) is None


def test_mean_score_averages_over_the_scope_only() -> None:
    pairs = [
        (_question(), _answer(covered=False)),
        (_question(), _answer(_citation(1, ("17",)))),
        (_question(answerable=False), _answer(covered=False)),
    ]
    assert mean_score(ANSWER_METRICS[FALSE_REFUSAL_RATE], pairs) == (0.5, 2)
    assert mean_score(ANSWER_METRICS["not_covered_recall"], pairs) == (1.0, 1)
    assert mean_score(ANSWER_METRICS["citation_precision"], pairs[2:]) == (None, 0)


def test_lower_is_better_thresholds_and_regressions() -> None:
    gate = Threshold(FALSE_REFUSAL_RATE, "<=", 0.02)
    assert gate.passes(0.0) and gate.passes(0.02) and not gate.passes(0.03)
    assert THRESHOLDS[QUOTE_QUALITY].passes(0.0) and not THRESHOLDS[QUOTE_QUALITY].passes(0.01)
    rows = {
        d.name: d
        for d in compare_means(
            {QUOTE_QUALITY: 0.0, "citation_precision": 0.8},
            {QUOTE_QUALITY: 0.1, "citation_precision": 0.9},
            tolerance=0.01,
        )
    }
    assert rows[QUOTE_QUALITY].regressed, "a rising rate of flagged quotes is a regression"
    assert not rows["citation_precision"].regressed


def test_a_quote_matches_its_page_across_glyph_bullets_and_kept_line_end_hyphens() -> None:
    page = (
        "Examples:\n/c110 A person who is both working is\nclassified as employed.\n/c110 A student"
    )
    quote = "• A person who is both working is classified as employed. • A student"
    assert match_key(quote) in match_key(page)
    assert match_key("on management- led reviews") == match_key("on management-\nled reviews")
    assert match_key("the partners agree") not in match_key("the partners dis-\nagree")
