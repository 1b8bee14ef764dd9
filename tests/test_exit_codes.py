"""The CLI's exit-code contract, walked as a table: bad input -> one ``error:`` line + its code.

Each row runs the real ``smp-guide`` in a child process with real files (bytes written
under tmp_path), a real busy port (a listening socket) and, for the chapter rows, a real
index of the generated sample (built once per session). The contract: stderr is exactly
one ``error: ...`` line, no traceback, nothing on stdout, and the exit code the README's
"Errors" table documents; never 70 ("unexpected"), which is kept for real bugs.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, run_cli

from assistant.cli import EXIT_CANTCREAT, EXIT_UNEXPECTED, exit_code_for
from evals import DatasetError
from ingest import SmpGuideError

BAD_INPUT = 2
CASE_SECONDS = 120  # a refused `chat` that starts serving anyway would otherwise never end
QUESTION = '{"id": 1, "question": "Who pays for training?"'


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    code: int
    fragment: str
    files: dict[str, bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes | None = None


def batch(line: str) -> dict[str, bytes]:
    return {"q.jsonl": line.encode() + b"\n"}


# {tmp}: the test's folder (files are written there); {pdf}: the generated sample;
# {index}: an index holding the sample; {busy}: a port another socket listens on.
CASES: dict[str, Case] = {
    "batch_not_utf8": Case(
        ("ask", "--batch", "{tmp}/q.jsonl"),
        BAD_INPUT,
        "line 2: not UTF-8 text",
        files={"q.jsonl": QUESTION.encode() + b"}\n\xff\xfe caf\xe9\n"},
    ),
    "batch_not_utf8_stdin": Case(
        ("ask", "--batch", "-"), BAD_INPUT, "- line 1: not UTF-8 text", stdin=b"\xff\xfe{}\n"
    ),
    "batch_history_not_a_list": Case(
        ("ask", "--batch", "{tmp}/q.jsonl"),
        BAD_INPUT,
        'line 1: "history" must be a list of strings',
        files=batch(QUESTION + ', "history": 5}'),
    ),
    "batch_chapters_not_numbers": Case(
        ("ask", "--batch", "{tmp}/q.jsonl"),
        BAD_INPUT,
        'line 1: "chapters" must be a list of chapter numbers, not "abc"',
        files=batch(QUESTION + ', "chapters": "abc"}'),
    ),
    "batch_recommendations_only_not_bool": Case(
        ("ask", "--batch", "{tmp}/q.jsonl"),
        BAD_INPUT,
        '"recommendations_only" must be true or false',
        files=batch(QUESTION + ', "recommendations_only": "no"}'),
    ),
    "batch_is_a_folder": Case(("ask", "--batch", "{tmp}"), BAD_INPUT, "is a folder"),
    "batch_missing_file": Case(
        ("ask", "--batch", "{tmp}/missing.jsonl"), BAD_INPUT, "missing.jsonl: no such file"
    ),
    "chapter_not_in_index": Case(
        ("ask", "--chapter", "99", "Who pays for training?", "--index-dir", "{index}"),
        BAD_INPUT,
        "no chapter 99 in the indexed documents; chapters are 1-13",
    ),
    "batch_chapter_not_in_index": Case(
        ("ask", "--batch", "{tmp}/q.jsonl", "--index-dir", "{index}"),
        BAD_INPUT,
        "line 1: no chapters 0, 42 in the indexed documents; chapters are 1-13",
        files=batch(QUESTION + ', "chapters": [3, 42, 0]}'),
    ),
    "batch_flag_chapter_not_in_index": Case(
        ("ask", "--batch", "{tmp}/q.jsonl", "--chapter", "14", "--index-dir", "{index}"),
        BAD_INPUT,
        "no chapter 14 in the indexed documents",
        files=batch(QUESTION + "}"),
    ),
    "dump_under_a_regular_file": Case(
        ("ingest", "{pdf}", "--no-index", "--json", "--dump", "{tmp}/notes.txt/chunks.jsonl"),
        EXIT_CANTCREAT,
        "chunks.jsonl: a folder on the path is a file; choose another --dump path",
        files={"notes.txt": b"a regular file where a folder should be\n"},
    ),
    "dump_onto_a_folder": Case(
        ("ingest", "{pdf}", "--no-index", "--json", "--dump", "{tmp}"),
        EXIT_CANTCREAT,
        "it is a folder; give a file for --dump",
    ),
    "chat_port_in_use": Case(
        ("chat", "--port", "{busy}"),
        BAD_INPUT,
        "port {busy} on 127.0.0.1 is already in use; pass a free one with --port",
    ),
    "chat_auth_colon_only": Case(
        ("chat", "--port", "0", "--auth", ":"), BAD_INPUT, "non-empty user and password"
    ),
    "chat_auth_empty_user": Case(
        ("chat", "--port", "0", "--auth", ":pw"), BAD_INPUT, "non-empty user and password"
    ),
    "chat_auth_empty_password": Case(
        ("chat", "--port", "0", "--auth", "user:"), BAD_INPUT, "non-empty user and password"
    ),
    "chat_auth_empty": Case(("chat", "--port", "0", "--auth", ""), BAD_INPUT, "must be USER:PASS"),
    "chat_port_out_of_range": Case(
        ("chat", "--port", "99999"),
        BAD_INPUT,
        "invalid option --port 99999: Input should be less than or equal to 65535",
    ),
    "chat_port_env_out_of_range": Case(
        ("chat",),
        BAD_INPUT,
        "invalid setting SMP_GUIDE_ASSISTANT__PORT: Input should be less than or equal to 65535",
        env={"SMP_GUIDE_ASSISTANT__PORT": "99999"},
    ),
    "chat_auth_env_colon_only": Case(
        ("chat", "--port", "0"),
        BAD_INPUT,
        "SMP_GUIDE_AUTH) must be USER:PASS",
        env={"SMP_GUIDE_AUTH": ":"},
    ),
}


@pytest.fixture(scope="module")
def busy_port() -> Iterator[int]:
    """A port held by a listening socket, as another program's server would hold it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def assert_one_error_line(proc: subprocess.CompletedProcess[str], code: int, fragment: str) -> None:
    lines = proc.stderr.splitlines()
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == code, f"exit {proc.returncode}, expected {code}: {proc.stderr!r}"
    assert len(lines) == 1 and lines[0].startswith("error: "), f"not one line: {proc.stderr!r}"
    assert fragment in lines[0], f"{fragment!r} missing from {lines[0]!r}"
    assert proc.stdout == "", f"nothing belongs on stdout on failure: {proc.stdout!r}"


def run(
    case: Case, env: dict[str, str], values: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    args = [a.format(**values) for a in case.args]
    if case.stdin is None:
        return run_cli(*args, env={**env, **case.env}, timeout=CASE_SECONDS)
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        input=case.stdin,
        capture_output=True,
        env={**env, **case.env},
        cwd=ROOT,
        timeout=CASE_SECONDS,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_error_line_with_its_code(
    name: str,
    request: pytest.FixtureRequest,
    clean_env: dict[str, str],
    tmp_path: Path,
    sample_pdf: Path,
    busy_port: int,
) -> None:
    case = CASES[name]
    for file_name, data in case.files.items():
        (tmp_path / file_name).write_bytes(data)
    values = {"tmp": str(tmp_path), "pdf": str(sample_pdf), "busy": str(busy_port)}
    if any("{index}" in a for a in case.args):
        settings: Any = request.getfixturevalue("sample_settings")
        values["index"] = str(settings.resolved_index_dir())
    proc = run(case, clean_env, values)
    assert_one_error_line(proc, case.code, case.fragment.format(**values))


def _can_mount_read_only() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(), reason="`unshare -m` (mount namespace) not allowed")
def test_dump_into_a_read_only_folder_is_73(
    clean_env: dict[str, str], tmp_path: Path, sample_pdf: Path
) -> None:
    """A read-only bind mount, made in a private mount namespace of the child only.

    Permission bits would not do: tests may run as root, which ignores them; a read-only
    mount refuses root too (EROFS), as a read-only share or a full-disk remount would.
    """
    folder = tmp_path / "read-only"
    folder.mkdir()
    dump = folder / "chunks.jsonl"
    cli = [sys.executable, "-m", "assistant.cli", "ingest", str(sample_pdf), "--no-index"]
    script = (
        'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@" --dump '
        + str(dump)
    )
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(folder), *cli],
        capture_output=True,
        text=True,
        env=clean_env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert "mount:" not in proc.stderr, f"could not make the read-only mount: {proc.stderr!r}"
    assert_one_error_line(proc, EXIT_CANTCREAT, "Read-only file system; choose another --dump")
    assert not any(folder.iterdir()), list(folder.iterdir())


def _documented_codes() -> set[int]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Errors", 1)[1].split("\n## ", 1)[0]
    return {int(code) for code in re.findall(r"^\| (\d+) \|", section, flags=re.MULTILINE)}


def _error_classes(base: type[SmpGuideError]) -> Iterator[type[SmpGuideError]]:
    for sub in base.__subclasses__():
        yield sub
        yield from _error_classes(sub)


def test_every_exit_code_is_in_the_readme_errors_table() -> None:
    documented = _documented_codes()
    used = {c.code for c in CASES.values()} | {EXIT_UNEXPECTED, EXIT_CANTCREAT}
    classes = list(_error_classes(SmpGuideError))
    assert DatasetError in classes, "every stage's errors are walked, the evals' too"
    used |= {exit_code_for(cls("probe")) for cls in classes}
    assert used <= documented, f"codes missing from README's Errors table: {used - documented}"


def test_a_good_batch_still_answers_every_line(
    clean_env: dict[str, str], tmp_path: Path, sample_settings: Any
) -> None:
    """The other side of the contract: checked lines are answered in order, exit 0.

    Saved with a byte-order mark, as Windows editors do; a line's own "chapters" and
    "recommendations_only" win over the flags; an empty question is that line's error.
    """
    lines = [
        (
            '{"id": "a", "question": "How are skills recognised?", "chapters": [7],'
            ' "history": ["Who pays?"], "reference": "ignored"}'
        ),
        "",
        '{"id": 2, "question": "   "}',
        '{"id": 3.5, "question": "Who pays for training?", "recommendations_only": false}',
    ]
    path = tmp_path / "q.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8-sig") + b"\n")
    index = str(sample_settings.resolved_index_dir())
    args = ("ask", "--batch", str(path), "--index-dir", index, "--chapter", "3")
    proc = run_cli(*args, "--recommendations-only", env=clean_env)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr!r}"
    first, second, third = (json.loads(line) for line in proc.stdout.splitlines())
    assert [first["id"], second["id"], third["id"]] == ["a", 2, 3.5], proc.stdout
    assert first["covered"] and {c["chapter"] for c in first["citations"]} == {7}, first
    assert "empty" in second["error"], second
    assert third["covered"] and {c["chapter"] for c in third["citations"]} == {3}, third
    assert {s["kind"] for s in first["sources"]} == {"recommendation"}, first["sources"]
    assert {s["kind"] for s in third["sources"]} != {"recommendation"}, third["sources"]
