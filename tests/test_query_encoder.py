"""The query encoder: the embedding model's ONNX export encodes questions as the model
does, is published only once checked, and anything else falls back to the full model.

Real model, real export (torch's exporter), real onnxruntime; the sample index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Dense

from assistant import Assistant, Settings
from evals import bundled_datasets, load_dataset
from index._embedder import model_source
from index._onnx import SPEC, exported_encoder, loaded_encoder
from index._st_model import FullModel, SentenceEmbedding, loaded_model

GOLD = load_dataset(bundled_datasets() / "sample_gold.jsonl")
PASSAGE = (
    "Skills Mobility Partnerships pair training in the country of origin with legal "
    "pathways to employment abroad; employers, training providers and governments share "
    "the costs. "
) * 12  # longer than the model reads: truncation must match too


@pytest.fixture(scope="module")
def full() -> FullModel:
    name = Settings().index.embed_model
    source, _ = model_source(name)
    return loaded_model(source, name=name, batch_size=8)


def test_export_encodes_as_the_model(tmp_path: Path, full: FullModel) -> None:
    light = exported_encoder(full, tmp_path / "encoder", batch_size=8)
    assert light is not None and (tmp_path / "encoder" / SPEC).is_file()
    texts = [q.question for q in GOLD[:40]] + [PASSAGE, "RPL", ""]
    for ours, model in zip(light.encode(texts), full.encode(texts), strict=True):
        assert np.array_equal(ours.ids, model.ids)
        assert np.array_equal(ours.special, model.special)
        assert np.abs(ours.tokens - model.tokens).max() < 1e-3
        assert float(ours.vector @ model.vector) > 0.99999
    ids = [int(i) for i in light.encode([PASSAGE])[0].ids]
    assert light.pieces(ids) == full.pieces(ids)
    assert loaded_encoder(tmp_path / "encoder", batch_size=8) is not None, "not readable back"


def test_answers_are_the_same_with_either_encoder(sample_settings: Any) -> None:
    """A third of the sample gold questions (every third) cite the same passages whichever
    encoder asked (all 97 did when measured; the CLI benchmark compares more)."""
    index = sample_settings.index.model_copy(update={"query_encoder": "model"})
    on_model = Assistant(settings=sample_settings.model_copy(update={"index": index}))
    on_export = Assistant(settings=sample_settings)
    assert on_export.index.embedder().light is not None, "the export was not used"
    assert on_model.index.embedder().light is None
    differ = []
    for gold in GOLD[::3]:
        a, b = on_export.answer(gold.question), on_model.answer(gold.question)
        if [c.chunk_id for c in a.citations] != [c.chunk_id for c in b.citations]:
            differ.append(gold.question)
    assert differ == [], differ


def test_a_damaged_export_is_replaced(tmp_path: Path, full: FullModel) -> None:
    folder = tmp_path / "encoder"
    assert exported_encoder(full, folder, batch_size=8) is not None
    (folder / "model.onnx").write_bytes(b"not a model")
    assert loaded_encoder(folder, batch_size=8) is None
    again = exported_encoder(full, folder, batch_size=8)
    assert again is not None and again.encode(["RPL"])[0].vector.shape == (384,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["encoder"], "leftovers"


def test_a_pipeline_it_cannot_reproduce_keeps_the_model(tmp_path: Path, full: FullModel) -> None:
    """A model with a projection after pooling is not what the export computes: no export."""
    st = full.sentence_model
    projected = SentenceTransformer(modules=[st[0], st[1], Dense(384, 64)], device="cpu")
    model = FullModel(
        SentenceEmbedding(model_name="projected", embed_batch_size=8, sentence_model=projected)
    )
    assert exported_encoder(model, tmp_path / "encoder", batch_size=8) is None
    assert not (tmp_path / "encoder").exists()


def test_an_unwritable_cache_keeps_the_model(tmp_path: Path, full: FullModel) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    assert exported_encoder(full, blocker / "encoder", batch_size=8) is None
