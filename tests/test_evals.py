"""The eval suite on the real sample index: metrics, reports, compare, generate, judge.

The gold set is answered once per session by one real Assistant (``gold_run`` in
conftest.py; the CI gate on it is in test_eval_gate.py); outputs go under pytest's
temporary folders only. The CLI runs as a real subprocess.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli
from llama_index.core.llms import CompletionResponse, MockLLM
from pydantic import Field
from typing_extensions import override

from assistant import Answer, Assistant, Settings
from assistant.cli import exit_code_for
from evals import (
    ANSWER_METRICS,
    THRESHOLDS,
    DatasetError,
    EvalRunSettings,
    RunReport,
    bundled_datasets,
    load_dataset,
    run_eval,
)
from evals._scoring import MetricSpec, score
from evals._thresholds import (
    CITATION_VALIDITY,
    GROUNDED_SENTENCE_RATIO,
    NOT_COVERED_ACCURACY,
    PAGE_HIT_AT_5,
)
from evals.metrics import CaseBook, CitationValidity, EvalCase, PageHitAtK, PdfPages

GOLD = bundled_datasets() / "sample_gold.jsonl"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def assistant(sample_assistant: Assistant) -> Assistant:
    return sample_assistant


def _eval_settings(settings: Settings) -> EvalRunSettings:
    """The sample index's settings with the evals' section (from the environment: none)."""
    return EvalRunSettings.model_validate(settings.model_dump())


def _means(report: RunReport) -> dict[str, float | None]:
    return report.means()


# ----------------------------------------------------------- (1) offline metrics
@pytest.mark.slow
def test_every_offline_metric_is_measured(gold_run: tuple[RunReport, Path]) -> None:
    report, _ = gold_run
    expected = {
        "id_based_context_recall",
        "id_based_context_precision",
        "non_llm_context_recall",
        "non_llm_context_precision_with_reference",
        "rouge_score",
        "non_llm_string_similarity",
        GROUNDED_SENTENCE_RATIO,
        CITATION_VALIDITY,
        NOT_COVERED_ACCURACY,
        PAGE_HIT_AT_5,
    }
    means = _means(report)
    assert expected <= set(means), sorted(expected - set(means))
    for name in expected:
        value = means[name]
        assert value is not None and 0.0 <= value <= 1.0, f"{name} = {value}"
    for q in report.questions:
        if not q.answerable:  # reference metrics are never computed on empty references
            assert q.scores["rouge_score"] is None and q.scores[PAGE_HIT_AT_5] is None, q.id


@pytest.mark.slow
def test_citation_validity_catches_a_wrong_page(assistant: Assistant, tmp_path: Path) -> None:
    """The metric can fail: the same quote cited on another page is invalid, with a reason."""
    question = next(q for q in load_dataset(GOLD) if q.answerable)
    answer = assistant.answer(question.question)
    assert answer.citations, "an answerable gold question got no citation"
    first = answer.citations[0]
    moved = replace(first, page_indexes=(first.page_indexes[0] + 7,))
    texts = {c.id: c.text for c in assistant.index.chunks()}
    wrong = Answer(
        answer.question, answer.text, True, (moved, *answer.citations[1:]), answer.sources
    )
    book = CaseBook()
    cited = {c.chunk_id: texts[c.chunk_id] for c in wrong.citations}
    book.add(EvalCase(question, wrong, cited))
    metric = CitationValidity(book=book, pages=PdfPages(assistant.index.pdf_path))
    scores = score(list(book.cases.values()), [MetricSpec(metric, "all")], home=tmp_path)
    value = scores.by_question[question.id][CITATION_VALIDITY]
    assert value is not None and value < 1.0, "a quote cited on the wrong page passed"
    assert any("not found on the cited page" in p for p in scores.problems[question.id])


@pytest.mark.slow
def test_citation_markers_are_read_outside_quotes_only(
    assistant: Assistant, tmp_path: Path
) -> None:
    """A "[9]" the answer adds is unresolved; the same label inside a quote is the document's."""
    question = next(q for q in load_dataset(GOLD) if q.answerable)
    answer = assistant.answer(question.question)
    first = answer.citations[0]
    labelled = replace(first, quote=f"{first.quote} [9]")
    texts = {c.id: c.text for c in assistant.index.chunks()}
    cases = {
        "stray": (Answer(question.question, answer.text + " [9]", True, answer.citations, ()), {}),
        "quoted": (
            Answer(question.question, answer.text.replace(first.quote, labelled.quote), True,
                   (labelled, *answer.citations[1:]), ()),
            {first.chunk_id: texts[first.chunk_id] + " [9]"},
        ),
    }  # fmt: skip
    for name, (changed, extra) in cases.items():
        book = CaseBook()
        cited = {c.chunk_id: texts[c.chunk_id] for c in changed.citations} | extra
        book.add(EvalCase(question, changed, cited))
        metric = CitationValidity(book=book, pages=PdfPages(assistant.index.pdf_path))
        scores = score(list(book.cases.values()), [MetricSpec(metric, "all")], home=tmp_path)
        unresolved = [p for p in scores.problems[question.id] if "does not resolve" in p]
        assert unresolved == (
            [f"{CITATION_VALIDITY}: [9] does not resolve to a citation"] if name == "stray" else []
        ), (
            name,
            scores.problems[question.id],
        )


# ------------------------------------------------------------- (2) bad dataset lines
def _bad_dataset(tmp_path: Path) -> Path:
    good = GOLD.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([*good, '{"id": "x-3", "question": "no document"}']) + "\n")
    return path


def test_bad_dataset_line_names_its_number(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="line 3"):
        load_dataset(_bad_dataset(tmp_path))


def test_cli_prints_one_error_line_for_a_bad_dataset(
    tmp_path: Path, clean_env: dict[str, str], sample_settings: Settings
) -> None:
    proc = run_cli(
        "eval",
        "run",
        "--dataset",
        str(_bad_dataset(tmp_path)),
        "--index-dir",
        str(sample_settings.resolved_index_dir()),
        "--out",
        str(tmp_path / "out"),
        env=clean_env,
    )
    lines = proc.stderr.splitlines()
    assert proc.returncode == exit_code_for(DatasetError("probe")) == 2, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
    assert "bad.jsonl line 3" in lines[0], lines[0]


def test_a_dataset_about_an_unindexed_document_is_refused(
    tmp_path: Path, sample_settings: Settings, assistant: Assistant
) -> None:
    line = json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])
    path = tmp_path / "other.jsonl"
    path.write_text(json.dumps(line | {"document": "other.pdf"}) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"other\.pdf.*not in the index.*ingest"):
        run_eval(
            settings=_eval_settings(sample_settings),
            datasets=[path],
            out_dir=tmp_path / "o",
            assistant=assistant,
        )


# --------------------------------------------------------- (3) reports and compare
@pytest.mark.slow
def test_report_files_exist_and_parse(gold_run: tuple[RunReport, Path]) -> None:
    report, out = gold_run
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    meta = data["metadata"]
    assert meta["embed_model"] and meta["dimension"] == 384
    assert meta["judge"] == "none" and meta["git_commit"]
    assert meta["chunking"]["max_chunk_words"] > 0 and "password" not in meta["chunking"]
    assert [d["key"] for d in meta["index_documents"]] == ["sample.pdf"]
    assert meta["datasets"][0]["path"].endswith("sample_gold.jsonl")
    assert len(data["questions"]) == len(report.questions)
    assert {m["name"] for m in data["metrics"]} == set(report.means())
    assert data["per_chapter"] and all(isinstance(v, dict) for v in data["per_chapter"].values())
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| metric | mean | n | threshold | status |" in md
    for name, threshold in THRESHOLDS.items():
        assert f"| {name} |" in md and threshold.describe() in md
    assert "## The 10 worst questions" in md and md.count("\n### ") == 10
    for png in ("by_chapter.png", "distributions.png"):
        content = (out / png).read_bytes()
        assert content.startswith(PNG_MAGIC) and len(content) > 10_000, png


@pytest.mark.slow
def test_compare_exit_codes(
    gold_run: tuple[RunReport, Path], tmp_path: Path, clean_env: dict[str, str]
) -> None:
    _, out = gold_run
    same = run_cli("eval", "compare", str(out), str(out), env=clean_env)
    assert same.returncode == 0, same.stdout + same.stderr
    assert f"{CITATION_VALIDITY}:" in same.stdout
    worse = tmp_path / "worse"
    worse.mkdir()
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for metric in data["metrics"]:
        if metric["name"] == GROUNDED_SENTENCE_RATIO:
            metric["mean"] -= 0.05
    (worse / "report.json").write_text(json.dumps(data), encoding="utf-8")
    regressed = run_cli("eval", "compare", str(out), str(worse), env=clean_env)
    assert regressed.returncode == 1, regressed.stdout + regressed.stderr
    assert "REGRESSED" in regressed.stdout and GROUNDED_SENTENCE_RATIO in regressed.stderr
    within = run_cli("eval", "compare", str(out), str(worse), "--tolerance", "0.1", env=clean_env)
    assert within.returncode == 0, within.stdout + within.stderr


@pytest.mark.slow
def test_cli_run_writes_a_report(
    tmp_path: Path, clean_env: dict[str, str], sample_settings: Settings
) -> None:
    out = tmp_path / "cli-run"
    proc = run_cli(
        "eval",
        "run",
        "--limit",
        "3",
        "--json",
        "--index-dir",
        str(sample_settings.resolved_index_dir()),
        "--out",
        str(out),
        env=clean_env,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["out"] == str(out) and CITATION_VALIDITY in summary["metrics"]
    assert set(ANSWER_METRICS) <= set(summary["metrics"]), sorted(summary["metrics"])
    assert (out / "report.json").is_file() and (out / "report.md").is_file()
    assert (out / ".ragas-home" / "ragas" / "uuid.json").is_file(), "ragas' uuid file elsewhere"


# ----------------------------------------------------------------- (4) generate
@pytest.mark.slow
def test_generate_writes_a_loadable_dataset(
    sample_pdf: Path, tmp_path: Path, clean_env: dict[str, str]
) -> None:
    target = tmp_path / "generated.jsonl"
    proc = run_cli("eval", "generate", str(sample_pdf), "--out", str(target), env=clean_env)
    assert proc.returncode == 0, proc.stderr
    questions = load_dataset(target)
    assert len(questions) >= 50
    assert all(q.id.startswith("gen-") and q.answerable for q in questions)
    assert all(q.expected_pages and q.document == sample_pdf.name for q in questions)
    recs = [q for q in questions if q.expected_rec_ids]
    assert recs and all(q.question.startswith("What does the guidance recommend") for q in recs)
    assert any(q.question.startswith("What is meant by ") for q in questions)


# ------------------------------------------------------------ (5) judge plumbing
_SCHEMA_START = "following schema as specified in JSON Schema:\n"
_JUDGE_REPLIES = {
    "StatementGeneratorOutput": {"statements": ["The guidance answers the question."]},
    "NLIStatementOutput": {
        "statements": [
            {"statement": "The guidance answers the question.", "reason": "mock", "verdict": 1}
        ]
    },
    "ResponseRelevanceOutput": {"question": "What does the guidance say?", "noncommittal": 0},
    "Verification": {"reason": "mock", "verdict": 1},
    "ContextRecallClassifications": {
        "classifications": [{"statement": "s", "reason": "mock", "attributed": 1}]
    },
}


class JudgeMock(MockLLM):
    """Answers each Ragas prompt with well-formed JSON for the output schema it states."""

    prompts: list[str] = Field(default_factory=list)

    @override
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self.prompts.append(prompt)
        schema = prompt.split(_SCHEMA_START, 1)[1].split("Do not use single quotes", 1)[0]
        title = json.loads(schema)["title"]
        assert title in _JUDGE_REPLIES, f"unexpected judge prompt for {title}"
        return CompletionResponse(text=json.dumps(_JUDGE_REPLIES[title]))


@pytest.mark.slow
def test_judge_plumbing_with_mock_llm(
    tmp_path: Path, sample_settings: Settings, assistant: Assistant
) -> None:
    """Only tests plumbing: the judge metrics get our LLM and local embeddings, every prompt
    reaches the injected MockLLM and parses; the scores themselves mean nothing."""
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    judge = JudgeMock()
    report = run_eval(
        settings=_eval_settings(sample_settings),
        datasets=[path],
        out_dir=tmp_path / "judged",
        judge_llm=judge,
        assistant=assistant,
    )
    means = report.means()
    for name in (
        "faithfulness",
        "answer_relevancy",
        "llm_context_precision_with_reference",
        "context_recall",
    ):
        assert means.get(name) is not None, f"{name} missing: {means}"
    assert report.metadata.judge == "JudgeMock"
    assert judge.prompts, "the judge was never called"


# ------------------------------------------------------- (6) failures are loud
def test_a_failing_metric_stops_the_run(tmp_path: Path) -> None:
    """raise_exceptions=True: a metric fed a broken sample raises instead of giving NaN."""
    question = next(q for q in load_dataset(GOLD) if q.answerable)
    no_sources = Answer(question.question, "- nothing [1]", True, (), ())
    case = EvalCase(question, no_sources, {})
    book = CaseBook()
    book.add(case)
    from ragas.metrics._context_recall import NonLLMContextRecall  # the legacy class

    with pytest.raises(ValueError):
        score([case], [MetricSpec(NonLLMContextRecall(), "quote")], home=tmp_path)
    unregistered = PageHitAtK(book=CaseBook())
    with pytest.raises(LookupError, match="no eval case"):
        score([case], [MetricSpec(unregistered, "pages")], home=tmp_path)


def test_scoring_refuses_to_run_while_ragas_tracking_is_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing sets RAGAS_DO_NOT_TRACK at import any more: a library caller who forgot it
    gets a clear refusal, never a usage event."""
    question = next(q for q in load_dataset(GOLD) if q.answerable)
    case = EvalCase(question, Answer(question.question, "- nothing [1]", True, (), ()), {})
    book = CaseBook()
    book.add(case)
    for value in (None, "false", "1"):
        if value is None:
            monkeypatch.delenv("RAGAS_DO_NOT_TRACK", raising=False)
        else:
            monkeypatch.setenv("RAGAS_DO_NOT_TRACK", value)
        with pytest.raises(ValueError, match="RAGAS_DO_NOT_TRACK=true"):
            score([case], [MetricSpec(PageHitAtK(book=book), "pages")], home=tmp_path)
    monkeypatch.setenv("RAGAS_DO_NOT_TRACK", "true")
    metric = PageHitAtK(book=book)
    assert score([case], [MetricSpec(metric, "pages")], home=tmp_path).metric_names == (
        metric.name,
    )
