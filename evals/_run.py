"""One eval run: answer every gold question with ONE Assistant, score, write the report."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from llama_index.core.llms import LLM

from assistant import Answer, Assistant
from evals._dataset import GoldQuestion, dataset_hash, load_dataset
from evals._judge import judge_llm as build_judge
from evals._judge import judge_metrics
from evals._records import DatasetInfo, QuestionResult, RunMetadata, RunReport, SourceBrief
from evals._report import summarise, write_report
from evals._scoring import MetricSpec, in_spec, offline_metrics, score
from evals.errors import DatasetError
from evals.metrics import CaseBook, EvalCase, PdfPages
from evals.settings import EvalRunSettings
from index import GuideIndex

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parents[1]
_TOP_SOURCES = 3


class Phases(Protocol):
    """Progress of a run: one phase at a time ("answering", "scoring")."""

    def start(self, name: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


@dataclass(frozen=True)
class _Loaded:
    path: Path
    questions: list[GoldQuestion]


def run_eval(
    *,
    settings: EvalRunSettings,
    datasets: Sequence[Path],
    out_dir: Path,
    limit: int | None = None,
    judge_llm: LLM | None = None,
    assistant: Assistant | None = None,
    progress: Phases | None = None,
) -> RunReport:
    """Answer and score every question of ``datasets``; write the report into ``out_dir``.

    The judge is ``settings.evals.judge`` (``ollama:MODEL`` / ``openai:MODEL``), or the
    llama-index ``judge_llm`` given here (tests inject ``MockLLM`` this way). ``assistant``
    reuses an already loaded Assistant; by default one is built for the whole run.
    """
    loaded = [_Loaded(p, _limited(load_dataset(p), limit)) for p in datasets]
    judge_name = _judge_name(settings, judge_llm)
    if judge_llm is None and judge_name != "none":
        judge_llm = build_judge(judge_name, base_url=settings.evals.judge_base_url)
    assistant = assistant or Assistant(settings=settings)
    index = assistant.index
    _check_documents(loaded, index)

    answers = _answer_all(assistant, loaded, progress)
    chunks = index.chunks()
    texts = {c.id: c.text for c in chunks}
    entries = {c.id: entry for c in chunks if (entry := c.entry()) is not None}
    pages = PdfPages(index.pdf_path)
    out_dir.mkdir(parents=True, exist_ok=True)

    results: list[QuestionResult] = []
    plans = []
    for item in loaded:
        book = CaseBook()
        cases = []
        for q in item.questions:
            answer = answers[(item.path, q.id)]
            cited = {c.chunk_id: texts[c.chunk_id] for c in answer.citations if c.chunk_id in texts}
            case = EvalCase(q, answer, cited, {i: entries[i] for i in cited if i in entries})
            book.add(case)
            cases.append(case)
        specs = offline_metrics(book, pages)
        if judge_llm is not None:
            specs += judge_metrics(judge_llm, index.embedder().model)
        plans.append((item, cases, specs))
    if progress is not None:
        progress.start("scoring", sum(_planned(cases, specs) for _, cases, specs in plans))
    names: list[str] = []
    for item, cases, specs in plans:
        scores = score(
            cases,
            specs,
            home=out_dir / ".ragas-home",
            judge_name=judge_name,
            on_scored=progress.advance if progress is not None else None,
        )
        names += [n for n in scores.metric_names if n not in names]
        results += [
            _result(item.path, c, scores.by_question[c.question.id], scores.problems) for c in cases
        ]
    metrics, per_chapter = summarise(results, names, several_datasets=len(loaded) > 1)
    report = RunReport(
        _metadata(settings, index, loaded, judge_name), metrics, per_chapter, results
    )
    write_report(report, out_dir)
    return report


def _judge_name(settings: EvalRunSettings, judge_llm: LLM | None) -> str:
    spec = settings.evals.judge
    if spec in (None, "", "none"):
        return type(judge_llm).__name__ if judge_llm is not None else "none"
    return spec


def _limited(questions: list[GoldQuestion], limit: int | None) -> list[GoldQuestion]:
    return questions[:limit] if limit is not None else questions


def _check_documents(loaded: Sequence[_Loaded], index: GuideIndex) -> None:
    indexed = index.manifest().documents
    for item in loaded:
        for document in dict.fromkeys(q.document for q in item.questions):
            if document not in indexed:
                known = ", ".join(sorted(indexed)) or "none"
                raise DatasetError(
                    f"{item.path.name}: its questions are about {document!r}, which is not in "
                    f"the index (indexed: {known}); ingest that PDF first: "
                    f"`smp-guide ingest path/to/{document}`."
                )


def _answer_all(
    assistant: Assistant, loaded: Sequence[_Loaded], progress: Phases | None
) -> dict[tuple[Path, str], Answer]:
    total = sum(len(item.questions) for item in loaded)
    if progress is not None:
        progress.start("answering", total)
    answers: dict[tuple[Path, str], Answer] = {}
    for item in loaded:
        for q in item.questions:
            answers[(item.path, q.id)] = assistant.answer(q.question)
            if progress is not None:
                progress.advance()
    return answers


def _planned(cases: Sequence[EvalCase], specs: Sequence[MetricSpec]) -> int:
    return sum(sum(in_spec(c, s) for c in cases) for s in specs)


def _result(
    path: Path, case: EvalCase, scores: dict[str, float | None], problems: dict[str, list[str]]
) -> QuestionResult:
    q, a = case.question, case.answer
    sources = [
        SourceBrief(
            s.rank,
            str(s.chapter) if s.chapter is not None else s.chapter_title,
            "/".join(label for label in s.page_labels if label)
            or "/".join(f"pdf:{i + 1}" for i in s.page_indexes),
            s.section,
            " ".join(s.quote.split()[:12]),
        )
        for s in a.sources[:_TOP_SOURCES]
    ]
    return QuestionResult(
        q.id,
        path.name,
        q.document,
        q.question,
        q.answerable,
        q.expected_chapter,
        list(q.expected_pages),
        a.covered,
        a.text,
        dict(scores),
        problems.get(q.id, []),
        sources,
    )


def _metadata(
    settings: EvalRunSettings, index: GuideIndex, loaded: Sequence[_Loaded], judge: str
) -> RunMetadata:
    manifest = index.manifest()
    documents = [
        {
            "key": d.key,
            "id": d.id,
            "title": d.title,
            "content_sha256": d.content_sha256,
            "n_pages": d.n_pages,
            "chunks": d.chunks,
        }
        for d in manifest.documents.values()
    ]
    return RunMetadata(
        timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
        git_commit=git_commit(),
        judge=judge,
        answerer=settings.assistant.llm or "extractive",
        embed_model=manifest.model,
        embed_model_version=manifest.model_version,
        dimension=manifest.dimension,
        chunking=settings.ingest.model_dump(exclude={"password"}),
        index_documents=documents,
        datasets=[
            DatasetInfo(str(item.path), dataset_hash(item.path), len(item.questions))
            for item in loaded
        ],
    )


def git_commit() -> str:
    """The project's commit (``git rev-parse HEAD``), or "unknown" outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else "unknown"


def default_out_dir(settings: EvalRunSettings) -> Path:
    return settings.data_dir / "evals" / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
