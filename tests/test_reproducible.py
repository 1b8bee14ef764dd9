"""The same question on the same unchanged index gives the same scores in every process.

Three fresh processes search one copy of the sample index at once (as chat servers or
``smp-guide ask`` runs sharing an index would); every hit's fused score and every
component score and rank must agree to the last digit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

QUESTIONS = [
    "Who should pay for training the candidates?",
    "How can countries ensure ethical recruitment?",
    # Off-topic questions: low, close similarities deep in the candidate list, where an
    # approximate nearest-neighbour search used to differ from one process to the next.
    "What is zero trust architecture?",
    "policy enforcement point",
    "What are AI capability indicators?",
    "language skills of migrants",
    "How are the indicators scaled from 1 to 5?",
    "What are the threats to a zero trust architecture?",
]


SEARCH = """
import json, sys
from pathlib import Path
from index import open_index
from assistant import Settings
library = open_index(settings=Settings(index_dir=Path(sys.argv[1])))
for question in json.loads(sys.argv[2]):
    hits = library.search(question, k=8)
    print(json.dumps([[h.chunk.id, h.score, h.dense, h.dense_rank, h.bm25, h.bm25_rank,
                       h.late, h.late_rank] for h in hits]))
"""


@pytest.mark.slow
def test_three_processes_give_identical_scores(
    sample_index_copy: Path, clean_env: dict[str, str]
) -> None:
    index = sample_index_copy
    command = [sys.executable, "-c", SEARCH, str(index), json.dumps(QUESTIONS)]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=clean_env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]  # fmt: skip
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        outputs.append([json.loads(line) for line in out.splitlines()])
    assert len(outputs[0]) == len(QUESTIONS) and all(outputs[0])
    for other in outputs[1:]:
        for question, mine, theirs in zip(QUESTIONS, outputs[0], other, strict=True):
            assert mine == theirs, f"{question!r}: {mine} != {theirs}"
