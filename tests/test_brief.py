"""The brief builder on real answers from the session's sample index, read back as text.

Markdown is read as written; the Word file is read back with python-docx.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest

from assistant import Answer, Assistant, Brief, Settings, answer_from_json, export_brief
from assistant._brief import brief_bytes
from assistant._brief_render import brief_markdown
from assistant._references import reference, reference_year

PAY = "Who should pay for training the candidates?"
OFF_TOPIC = "What is zero trust architecture?"
CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
SHORT = re.compile(r"\[(\d+)(?:, ([^\]]+))?\]")  # a citation in the text: [3, p. 44]


@pytest.fixture(scope="module")
def answers(sample_assistant: Assistant) -> dict[str, Answer]:
    recs = sample_assistant.answer(PAY, chapters=[11], recommendations_only=True)
    # A look-up of the recommendation that answer quotes: the two share a reference.
    rec_id = next(c.rec_id for c in recs.citations if c.rec_id)
    found = {
        PAY: sample_assistant.answer(PAY),
        "rec": sample_assistant.answer(f"What does {rec_id} say?"),
        OFF_TOPIC: sample_assistant.answer(OFF_TOPIC),
        "recs": recs,
        "ch12": sample_assistant.answer(PAY, chapters=[12]),
    }
    assert all(a.covered for k, a in found.items() if k != OFF_TOPIC), "questions answered"
    assert not found[OFF_TOPIC].covered, "the off-topic question is refused"
    return found


@pytest.fixture(scope="module")
def brief(answers: dict[str, Answer]) -> Brief:
    return (
        Brief()
        .add(answers[PAY])
        .add(answers["rec"])
        .add(answers[OFF_TOPIC])
        .add(answers["recs"], chapters=[11], recommendations_only=True)
        .add(answers["ch12"], chapters=[12])
    )


def _docx_lines(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_refusals_are_left_out_unless_asked_for(answers: dict[str, Answer]) -> None:
    empty = Brief()
    assert empty.add(answers[OFF_TOPIC]) is empty, "a refusal is not added by default"
    kept = empty.add(answers[OFF_TOPIC], include_refusals=True)
    assert kept.questions() == [OFF_TOPIC], kept.questions()
    once = empty.add(answers[PAY])
    assert once.add(answers[PAY]) is once, "the same answer is added once"


def test_references_are_numbered_once_in_order_of_first_use(
    brief: Brief, answers: dict[str, Answer]
) -> None:
    assert brief.questions() == [PAY, answers["rec"].question, PAY, PAY], brief.questions()
    layout = brief.layout()
    numbers = [r.n for r in layout.references]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    places = [(r.document, r.location) for r in layout.references]
    assert len(set(places)) == len(places), f"a reference is listed twice: {places}"
    cited = {c.reference for key in (PAY, "rec", "recs", "ch12") for c in answers[key].citations}
    assert len(places) == len(cited), (places, cited)
    per_answer = [{c.reference for c in answers[k].citations} for k in (PAY, "rec", "recs", "ch12")]
    assert sum(map(len, per_answer)) > len(cited), "answers should share a passage (test needs one)"
    used: list[int] = []
    for section in layout.sections:
        for line in section.lines:
            markers = [int(n) for n in re.findall(r"\[(\d+)\]", line.text)] + list(line.refs)
            used += [n for n in markers if n not in used]
    assert used == numbers, f"numbers in order of first use: {used} vs {numbers}"


def test_filters_are_recorded_per_answer(brief: Brief) -> None:
    filters = [s.filters for s in brief.layout().sections]
    assert filters == ["none", "none", "chapter 11; recommendations only", "chapter 12"], filters
    text = brief_markdown(brief, created=CREATED)
    assert "_Filters: chapter 11; recommendations only_" in text, text


def test_the_markdown_says_each_quote_and_the_title_once(
    brief: Brief, answers: dict[str, Answer]
) -> None:
    text = brief_markdown(brief, created=CREATED)
    title = answers[PAY].citations[0].document
    in_answers = sum(title in e.text for e in brief.entries)  # a look-up names its document
    said = text.count(title) - in_answers
    assert said == 1, f"the document title is said {said} times besides the answers"
    assert "International Organization for Migration (sample) (2023)." in text, text
    assert "(2000)" not in text and "sample generator" not in text, text
    assert OFF_TOPIC not in text, "a refusal is not in the brief"
    quotes = [q for q in re.findall(rf"^- (.+?)(?: {SHORT.pattern})+$", text, re.MULTILINE)]
    repeated = [q for q in quotes if q != "_Quoted above_" and quotes.count(q) > 1]
    assert not repeated, f"quotes repeated: {repeated}"
    assert "_Quoted above_" in text, "the chapter 12 answer repeats the first answer's quote"
    assert "Exported 2026-01-02 03:04 UTC; 4 answers." in text, text


def test_the_word_file_reads_back_with_each_reference_and_quote_once(
    brief: Brief, answers: dict[str, Answer], tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", index_dir=tmp_path / "index")
    path = export_brief(brief, settings=settings, kind="docx", created=CREATED)
    assert path.suffix == ".docx" and path.parent == settings.data_dir / "exports", path
    lines = _docx_lines(path.read_bytes())
    text = "\n".join(lines)
    assert lines[0] == "SMP Guide brief" and "Exported 2026-01-02 03:04 UTC" in text, lines[:3]
    numbered = [ln for ln in lines if re.match(r"\d\. ", ln)]
    assert numbered == [f"1. {PAY}", f"2. {answers['rec'].question}", f"3. {PAY}", f"4. {PAY}"]
    assert OFF_TOPIC not in text, "a refusal is not in the brief"
    references = [ln for ln in lines if re.match(r"\[\d+\] ", ln)]
    assert len(references) == len(set(references)) == len(brief.layout().references), references
    quotes = {c.quote for key in (PAY, "rec", "recs", "ch12") for c in answers[key].citations}
    for quote in quotes:
        shown = sum(ln.count(f"\u201c{quote}\u201d") for ln in lines)
        assert shown == 1, f"quote shown {shown} times: {quote[:60]}"
    title = answers[PAY].citations[0].document
    said = text.count(title) - sum(title in e.text for e in brief.entries)
    assert said == 1, f"the document title is said {said} times besides the answers"
    assert "Filters: chapter 11; recommendations only" in lines, lines


def _short_forms(body: str, pages: dict[int, str]) -> list[tuple[int, str]]:
    """The citations of a brief's body as (number, page), checked against the references."""
    found = [(int(n), page) for n, page in SHORT.findall(body)]
    assert found, f"no citation in the text: {body[:300]}"
    wrong = [(n, page) for n, page in found if page != pages[n]]
    assert not wrong, f"short forms without their reference's page: {wrong} vs {pages}"
    return found


def test_the_text_cites_in_short_form_with_the_page_in_markdown_and_word(brief: Brief) -> None:
    layout = brief.layout()
    pages = {r.n: r.page for r in layout.references}
    assert all(re.fullmatch(r"pp?\. \S+", p) for p in pages.values()), pages
    for ref in layout.references:
        assert ref.location.rstrip(".").endswith(ref.page), (ref.page, ref.location)
    text = brief_markdown(brief, created=CREATED)
    body, references = text.split("## References")
    cited = _short_forms(body, pages)
    assert {n for n, _ in cited} == set(pages), "every reference is cited in the text"
    for ref in layout.references:  # as a reader sees it: '[2, p. 44]'
        assert f"[{ref.n}, {ref.page}]" in body, (ref, body)
    listed = re.findall(r"^- \[(\d+)\] ", references, re.MULTILINE)
    assert [int(n) for n in listed] == sorted(pages), f"one list, each once: {listed}"
    lines = _docx_lines(brief_bytes(brief, kind="docx", created=CREATED))
    at = lines.index("References")
    word = "\n".join(lines[:at])
    assert _short_forms(word, pages) == cited, "Word and Markdown cite alike"
    assert [ln for ln in lines[at:] if re.match(r"\[\d+\] ", ln)] == [
        f"[{r.n}] {r.location}" for r in layout.references
    ]


def test_titles_set_in_capitals_are_given_in_sentence_case(answers: dict[str, Answer]) -> None:
    answer = answers[PAY]
    # As a PDF that sets its chapter and section titles in capitals would give them.
    citations = tuple(
        replace(
            c,
            section=c.section.upper(),
            reference=c.reference.replace(c.section, c.section.upper()),
        )
        for c in answer.citations
    )
    text = re.sub(
        r"^\*\*(Chapter \S+, )(.+)\*\*$",
        lambda m: f"**{m[1]}{m[2].upper()}**",
        answer.text,
        flags=re.MULTILINE,
    )
    assert text != answer.text, "the answer has chapter headings to shout"
    layout = Brief().add(replace(answer, text=text, citations=citations)).layout()
    headings = [ln.text for ln in layout.sections[0].lines if ln.kind == "heading"]
    assert headings, layout.sections[0].lines
    for heading in headings:
        title = heading.split(", ", 1)[1]
        assert title[0].isupper() and title[1:3].islower(), f"not in sentence case: {heading}"
    sections = {c.section.upper() for c in citations if len(c.section) > 3}
    for ref in layout.references:
        assert not any(s in ref.location for s in sections), ref.location


def test_an_answer_kept_as_json_is_added_as_it_was(answers: dict[str, Answer]) -> None:
    answer = answers[PAY]
    again = answer_from_json(answer.to_json())
    assert again.citations == answer.citations and again.text == answer.text
    assert brief_bytes(Brief().add(again), kind="md", created=CREATED) == brief_bytes(
        Brief().add(answer), kind="md", created=CREATED
    )


@pytest.mark.parametrize(
    ("year", "printed"),
    [
        ("2023", "2023"),
        ("", "n.d."),
        ("1970", "n.d."),
        ("1980", "n.d."),
        ("forthcoming", "forthcoming"),
    ],
)
def test_reference_year_never_prints_an_epoch_default(year: str, printed: str) -> None:
    assert reference_year(year) == printed


def test_the_sample_names_its_author_and_year_and_references_print_them(
    sample_ingested: Any,
) -> None:
    document = sample_ingested.document
    assert document.author == "International Organization for Migration (sample)", document
    assert document.year == "2023", "the sample is dated as the publication it stands in for"
    chunk = next(c for c in sample_ingested.chunks if c.chapter == 11 and c.rec_id)
    template = "{author} ({year}). {title}, {location}."
    made = reference(chunk, template=template, author=document.author, year="1970")
    assert made.startswith(f"{document.author} (n.d.). {chunk.document_title}, ch. 11"), made
    assert reference(chunk, template=template, author="", year="2023").startswith(
        chunk.document_title
    ), "without an author the '(year).' part drops"
