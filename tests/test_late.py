"""Late interaction (token MaxSim) with the real model: stored token vectors, their
self-healing when missing or stale, their weight in the fusion, and their clean-up."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant import Settings
from index import GuideIndex, open_index
from ingest import IngestResult


def _settings(tmp: Path, **index: object) -> Settings:
    return Settings(data_dir=tmp / "data", index_dir=tmp / "index", index=index)  # type: ignore[arg-type]


@pytest.fixture
def library(sample_index_copy: Path) -> GuideIndex:
    """A private copy of the session's sample index (embedded once, by ingest)."""
    return open_index(settings=_settings(sample_index_copy.parent))


@pytest.fixture
def small_library(tmp_path: Path, sample_ingested: IngestResult) -> GuideIndex:
    """An index of every tenth chunk of the sample: recomputing its token vectors takes
    a second where the whole sample takes over ten, and heals by the same code."""
    part = replace(sample_ingested, chunks=sample_ingested.chunks[::10])
    library = open_index(settings=_settings(tmp_path))
    assert library.add(part).status == "added"
    return library


def _token_files(tmp: Path) -> list[Path]:
    return sorted((tmp / "index" / "store").glob("*.tokens.*"))


def test_ingest_stores_the_token_vectors_of_every_chunk(
    library: GuideIndex, sample_ingested: IngestResult, tmp_path: Path
) -> None:
    meta_path = next(p for p in _token_files(tmp_path) if p.suffix == ".json")
    meta = json.loads(meta_path.read_text())
    chunks = sample_ingested.chunks
    assert meta["ids"] == [c.id for c in chunks]
    rows = np.load(meta_path.with_suffix(".npy"))
    assert rows.dtype == np.float16 and rows.shape == (meta["rows"], 384)
    assert meta["offsets"][-1] == len(rows)
    # The stored rows are what the model gives for the chunk's embedded text.
    _, fresh = library.embedder().passages([chunks[40].embedding_text()])
    start, end = meta["offsets"][40], meta["offsets"][41]
    assert np.allclose(rows[start:end].astype(np.float32), fresh[0], atol=2e-3)
    assert np.allclose(np.linalg.norm(rows.astype(np.float32), axis=1), 1.0, atol=1e-2)


def test_a_passage_asked_verbatim_ranks_first_by_late_interaction(
    library: GuideIndex, sample_ingested: IngestResult
) -> None:
    rec = next(c for c in sample_ingested.chunks if c.rec_id == "R10.3")
    hits = library.search(rec.text, k=8)
    mine = next(h for h in hits if h.chunk.id == rec.id)
    assert mine.late_rank == 1 and mine.late is not None and mine.late > 0.8
    others = [h.late for h in hits if h.chunk.id != rec.id and h.late is not None]
    assert others and max(others) < mine.late


def test_missing_or_stale_token_vectors_are_recomputed(
    small_library: GuideIndex, tmp_path: Path
) -> None:
    question = "Should a worker's permit be locked to one company?"
    expected = [(h.chunk.id, h.late_rank) for h in small_library.search(question, k=8)]
    assert any(rank is not None for _, rank in expected), "no late-interaction ranks to compare"
    npy, meta = (
        next(p for p in _token_files(tmp_path) if p.suffix == s) for s in (".npy", ".json")
    )

    npy.unlink()
    assert [
        (h.chunk.id, h.late_rank) for h in _reopened(tmp_path).search(question, k=8)
    ] == expected
    assert npy.is_file(), "the missing token vectors were not written back"

    stale = json.loads(meta.read_text())
    meta.write_text(json.dumps({**stale, "model": "some-other-model"}))
    assert [
        (h.chunk.id, h.late_rank) for h in _reopened(tmp_path).search(question, k=8)
    ] == expected
    assert json.loads(meta.read_text())["model"] == stale["model"]

    npy.write_bytes(b"not a numpy file")
    assert [
        (h.chunk.id, h.late_rank) for h in _reopened(tmp_path).search(question, k=8)
    ] == expected


def _reopened(tmp: Path) -> GuideIndex:
    return open_index(settings=_settings(tmp))


def test_late_weight_zero_leaves_dense_and_bm25_only(library: GuideIndex, tmp_path: Path) -> None:
    question = "Who pays for the training of care workers?"
    with_late = library.search(question, k=8)
    assert any(h.late is not None for h in with_late)
    assert all(0 < h.score <= 4 / 61 + 1e-9 for h in with_late)
    off = open_index(settings=_settings(tmp_path, late_weight=0.0)).search(question, k=8)
    assert off and all(h.late is None and h.late_rank is None for h in off)
    assert all(0 < h.score <= 2 / 61 + 1e-9 for h in off)


def test_removing_a_document_deletes_its_token_vectors(
    library: GuideIndex, sample_ingested: IngestResult, tmp_path: Path
) -> None:
    assert len(_token_files(tmp_path)) == 2
    library.remove(sample_ingested.document.source_name)
    assert _token_files(tmp_path) == []
