"""``smp-guide eval``: run the gold sets, compare two runs, propose new questions.

Mounted by the main CLI through the ``smp_guide.cli`` entry-point group. Subcommands
rather than options on ``eval`` itself, because typer cannot mix a group's own options
with subcommands cleanly: ``eval run``, ``eval compare``, ``eval generate``,
``eval from-feedback``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.cli import (
    CHROMA_URL,
    EXIT_CANTCREAT,
    INDEX_DIR,
    ChromaUrlOption,
    IndexDirOption,
    edge,
    env_name,
    fail,
    settings_from,
)
from evals._compare import compare_means
from evals._dataset import bundled_datasets
from evals._records import RunReport, read_means
from evals.settings import EvalRunSettings
from index import IndexUnavailableError
from ingest import ingest_pdf

JUDGE = "evals.judge"
JUDGE_BASE_URL = "evals.judge_base_url"

eval_app = typer.Typer(
    name="eval",
    help="Evaluate the assistant on gold question sets (Ragas + the project's own metrics).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


class _RichPhases:
    """Progress bars on stderr, one per phase; nothing when stderr is not a terminal."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._task: object | None = None

    def start(self, name: str, total: int) -> None:
        if self._progress is not None:
            if self._task is not None:
                self._progress.update(self._task, visible=False)  # type: ignore[arg-type]
            self._task = self._progress.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, n)  # type: ignore[arg-type]


@contextmanager
def _phases(console: Console) -> Iterator[_RichPhases]:
    if not console.is_terminal:
        yield _RichPhases(None)
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield _RichPhases(progress)


@eval_app.command("run")
def run(
    dataset: Annotated[
        list[Path] | None,
        typer.Option("--dataset", help="Gold JSONL file (repeatable; default: the sample set)."),
    ] = None,
    judge: Annotated[
        str | None,
        typer.Option(
            help=f"LLM judge: none, ollama:MODEL or openai:MODEL [env: {env_name(JUDGE)}]."
        ),
    ] = None,
    judge_base_url: Annotated[
        str | None,
        typer.Option(help=f"Base URL of the judge server [env: {env_name(JUDGE_BASE_URL)}]."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Report folder (default: DATA_DIR/evals/<timestamp>).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the first N questions of each dataset.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a metric misses its threshold.")
    ] = False,
    index_dir: IndexDirOption = None,
    chroma_url: ChromaUrlOption = None,
) -> None:
    """Answer every gold question with the assistant, score it and write the report."""
    from evals._run import default_out_dir, run_eval  # ragas loads only for this command

    err = Console(stderr=True)
    with edge():
        settings = settings_from(
            {
                INDEX_DIR: index_dir,
                CHROMA_URL: chroma_url,
                JUDGE: None if judge in (None, "none") else judge,
                JUDGE_BASE_URL: judge_base_url,
            },
            settings_type=EvalRunSettings,
        )
        if judge == "none":  # overrides a judge the environment names
            evals = settings.evals.model_dump() | {"judge": None}
            settings = EvalRunSettings.model_validate(settings.model_dump() | {"evals": evals})
        paths = dataset or [bundled_datasets() / "sample_gold.jsonl"]
        out_dir = out or default_out_dir(settings)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fail(
                f"cannot create {out_dir}: {exc.strerror or exc}; choose another --out.",
                EXIT_CANTCREAT,
            )
        with _phases(err) as phases:
            report = run_eval(
                settings=settings, datasets=paths, out_dir=out_dir, limit=limit, progress=phases
            )
    _print_report(report, out_dir, as_json=as_json)
    if check and not report.passed():
        raise typer.Exit(code=1)


def _print_report(report: RunReport, out_dir: Path, *, as_json: bool) -> None:
    if as_json:
        summary = {
            "out": str(out_dir),
            "passed": report.passed(),
            "metrics": {
                m.name: {"mean": m.mean, "n": m.n, "threshold": m.threshold, "passed": m.passed}
                for m in report.metrics
            },
        }
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    table = Table(title=f"eval: {len(report.questions)} questions")
    for column in ("metric", "mean", "n", "threshold", "status"):
        table.add_column(column, justify="right" if column in ("mean", "n") else "left")
    for m in report.metrics:
        status = "" if m.passed is None else ("PASS" if m.passed else "FAIL")
        mean = "n/a" if m.mean is None else f"{m.mean:.3f}"
        table.add_row(m.name, mean, str(m.n), m.threshold or "", status)
    console = Console()
    console.print(table)
    console.print(f"report: {out_dir / 'report.md'}", highlight=False, soft_wrap=True)


@eval_app.command("compare")
def compare(
    run_a: Annotated[Path, typer.Argument(help="Baseline run folder (or its report.json).")],
    run_b: Annotated[Path, typer.Argument(help="Candidate run folder (or its report.json).")],
    tolerance: Annotated[
        float, typer.Option(min=0.0, help="Allowed drop of a mean before it is a regression.")
    ] = 0.02,
) -> None:
    """Per-metric deltas B - A; exit 1 when any metric dropped by more than the tolerance."""
    with edge():
        rows = compare_means(read_means(run_a), read_means(run_b), tolerance=tolerance)
    for row in rows:
        typer.echo(row.line())
    regressed = [row.name for row in rows if row.regressed]
    if regressed:
        typer.echo(f"regressed: {', '.join(regressed)}", err=True)
        raise typer.Exit(code=1)


@eval_app.command("generate")
def generate(
    pdf: Annotated[Path, typer.Argument(help="The PDF to propose questions for.")],
    out: Annotated[Path | None, typer.Option(help="JSONL file to write (default: stdout).")] = None,
) -> None:
    """Propose candidate gold questions from the document's structure (no LLM), to review."""
    from evals._generate import candidate_questions, write_questions

    err = Console(stderr=True)
    with edge():
        questions = candidate_questions(ingest_pdf(pdf, settings=settings_from({})))
        if out is not None:
            try:
                count = write_questions(questions, out)
            except OSError as exc:
                fail(
                    f"cannot write {out}: {exc.strerror or exc}; choose another --out.",
                    EXIT_CANTCREAT,
                )
            err.print(f"wrote {count} candidate questions to {out}; review them", highlight=False)
            return
    for q in questions:
        sys.stdout.write(json.dumps(q.model_dump(exclude_none=True), ensure_ascii=False) + "\n")


@eval_app.command("from-feedback")
def from_feedback(
    feedback: Annotated[Path, typer.Argument(help="The chat's DATA_DIR/feedback.jsonl.")],
    out: Annotated[
        Path | None,
        typer.Option(help="Candidates JSONL; new questions are added to it (default: stdout)."),
    ] = None,
    document: Annotated[
        str | None,
        typer.Option(help="Document file name for ratings the index cannot name."),
    ] = None,
    index_dir: IndexDirOption = None,
    chroma_url: ChromaUrlOption = None,
) -> None:
    """Turn rated chat answers into gold candidates (needs_review: true) to review."""
    from evals._feedback import candidate_line, indexed_documents, merge_into, read_feedback

    err = Console(stderr=True)
    with edge():
        settings = settings_from({INDEX_DIR: index_dir, CHROMA_URL: chroma_url})

        def file_names() -> dict[str, str]:
            try:
                return indexed_documents(settings=settings)
            except IndexUnavailableError as exc:  # the ratings still carry the titles
                err.print(
                    f"warning: {exc} Documents are named by title.",
                    highlight=False,
                    soft_wrap=True,
                )
                return {}

        candidates = read_feedback(feedback, documents=file_names, document=document)
        if out is not None:
            try:
                added, known = merge_into(out, candidates)
            except OSError as exc:
                fail(
                    f"cannot write {out}: {exc.strerror or exc}; choose another --out.",
                    EXIT_CANTCREAT,
                )
            down = sum(c.feedback is not None and c.feedback.rating == "down" for c in candidates)
            err.print(
                f"{len(candidates)} rated questions ({down} thumbs-down): added {added} "
                f"candidates to {out}, {known} already there; review them",
                highlight=False,
                soft_wrap=True,
            )
            return
    for c in candidates:
        sys.stdout.write(candidate_line(c) + "\n")
