"""The query encoder: an ONNX export of the embedding model, run with onnxruntime.

Answering one question needs a handful of short encodings, yet loading torch and
sentence-transformers costs seconds. The model's own pipeline (transformer, then mean or
CLS pooling, then optional normalisation) is exported once, the first time the full
model is loaded, into a cache folder; later processes encode with onnxruntime and the
tokenizers library alone. An export is published only after it reproduced the full
model on probe texts (same token IDs, vectors equal to 1e-4), so a model whose pipeline
has other steps keeps the full model.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from index._encoded import Encoded

if TYPE_CHECKING:
    from index._st_model import FullModel

log = logging.getLogger(__name__)

SPEC = "encoder.json"
"""Written last: a folder without it is an unfinished export."""
_FORMAT = 1
_TOLERANCE = 1e-4
_PROBES = (
    "What should a partnership agreement include?",
    "RPL",
    "Who pays for pre-departure training, language courses and certification "
    "of migrant workers in destination countries? " * 30,  # past the length limit
    "Égalité des chances — coût (USD 1 200) / «bilateral» cooperation; e.g. 3.2.",
)


@dataclass(frozen=True)
class EncoderSpec:
    """How the exported pipeline tokenizes and pools, as the full model did."""

    format: int
    max_length: int
    pad_id: int
    pad_token: str
    special_ids: tuple[int, ...]
    pooling: Literal["mean", "cls"]
    normalize: bool
    dimension: int


class OnnxEncoder:
    """The exported model: onnxruntime for the transformer, tokenizers for the pieces."""

    def __init__(self, folder: Path, spec: EncoderSpec, *, batch_size: int) -> None:
        import onnxruntime
        import tokenizers

        self.spec = spec
        self._batch = batch_size
        self._tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(spec.max_length)
        self._tokenizer.enable_padding(pad_id=spec.pad_id, pad_token=spec.pad_token)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only: the export's constant folding is noisy
        self._session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        # Longest first and in batches, as sentence-transformers does: less padding.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out: dict[int, Encoded] = {}
        for start in range(0, len(order), self._batch):
            batch = order[start : start + self._batch]
            out.update(zip(batch, self._encoded_batch([texts[i] for i in batch]), strict=True))
        return [out[i] for i in range(len(texts))]

    def pieces(self, ids: Sequence[int]) -> list[str]:
        return [self._tokenizer.id_to_token(int(i)) or "" for i in ids]

    def _encoded_batch(self, texts: list[str]) -> list[Encoded]:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        special = np.array(self.spec.special_ids, dtype=np.int64)
        return [
            self._one(ids[r][mask[r] == 1], hidden[r][mask[r] == 1], special)
            for r in range(len(texts))
        ]

    def _one(self, ids: np.ndarray, rows: np.ndarray, special: np.ndarray) -> Encoded:
        rows = rows.astype(np.float32)
        vector = rows.mean(axis=0) if self.spec.pooling == "mean" else rows[0].copy()
        if self.spec.normalize:
            norm = float(np.linalg.norm(vector))
            vector = vector / max(norm, 1e-12)
        return Encoded(ids=ids, tokens=rows, special=np.isin(ids, special), vector=vector)


def loaded_encoder(folder: Path, *, batch_size: int) -> OnnxEncoder | None:
    """The export in ``folder``, or None when there is none (or it cannot be read)."""
    try:
        raw = json.loads((folder / SPEC).read_text(encoding="utf-8"))
        spec = EncoderSpec(**{**raw, "special_ids": tuple(raw["special_ids"])})
        if spec.format != _FORMAT:
            return None
        return OnnxEncoder(folder, spec, batch_size=batch_size)
    except Exception as exc:  # a damaged export only costs speed: the full model answers
        if (folder / SPEC).exists():
            log.warning("query encoder at %s unusable (%s); using the full model", folder, exc)
        return None


def exported_encoder(full: FullModel, folder: Path, *, batch_size: int) -> OnnxEncoder | None:
    """Export the full model into ``folder`` and return the export, checked against it.

    None when the model's pipeline is not one this export reproduces, or the folder
    cannot be written; the caller then keeps the full model.
    """
    spec = _spec(full)
    if spec is None:
        return None
    work: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        _remove(folder)  # an unusable export: the caller found it so
        work = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".export-"))
        _export(full, work, spec)
        checked = OnnxEncoder(work, spec, batch_size=batch_size)  # read into memory here
        if not _agrees(checked, full):
            log.warning("query encoder export differs from the model; not used")
            return None
        _publish(work, folder)
    except (OSError, RuntimeError, ValueError) as exc:
        log.warning("query encoder not exported (%s); using the full model", exc)
        return None
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return checked


def _spec(full: FullModel) -> EncoderSpec | None:
    modules = [type(m).__name__ for m in full.sentence_model]
    if modules not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return None
    pooler: Any = full.sentence_model[1]
    pooling = pooler.get_config_dict().get("pooling_mode")
    if pooling not in ("mean", "cls"):
        return None
    tokenizer = full.tokenizer
    if tokenizer.pad_token_id is None or not hasattr(tokenizer, "backend_tokenizer"):
        return None
    return EncoderSpec(
        format=_FORMAT,
        max_length=int(full.sentence_model.get_max_seq_length() or 512),
        pad_id=int(tokenizer.pad_token_id),
        pad_token=str(tokenizer.pad_token),
        special_ids=tuple(int(i) for i in tokenizer.all_special_ids),
        pooling=pooling,
        normalize=modules[-1] == "Normalize",
        dimension=int(full.sentence_model.get_embedding_dimension() or 0),
    )


def _export(full: FullModel, folder: Path, spec: EncoderSpec) -> None:
    import torch

    class Hidden(torch.nn.Module):
        """The transformer alone, by keyword: the exporter passes inputs positionally."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask)[0]

    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent branches
        torch.onnx.export(
            Hidden(getattr(full.sentence_model[0], "model")).eval(),  # noqa: B009 - a submodule, untyped
            (ids, torch.ones_like(ids)),
            str(folder / "model.onnx"),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
    full.tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))
    (folder / SPEC).write_text(json.dumps(asdict(spec)), encoding="utf-8")


def _agrees(light: OnnxEncoder, full: FullModel) -> bool:
    for a, b in zip(light.encode(_PROBES), full.encode(_PROBES), strict=True):
        if not np.array_equal(a.ids, b.ids) or not np.array_equal(a.special, b.special):
            return False
        if np.abs(a.tokens - b.tokens).max() > _TOLERANCE * 10:
            return False
        if np.abs(a.vector - b.vector).max() > _TOLERANCE:
            return False
    return True


def _publish(work: Path, folder: Path) -> None:
    """Move the checked export into place; another process may have published first,
    which is as good."""
    try:
        work.rename(folder)
    except OSError:
        if not (folder / SPEC).exists():
            raise


def _remove(folder: Path) -> None:
    if folder.exists():
        aside = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".old-"))
        folder.rename(aside / folder.name)  # atomic: no reader sees half a folder
        shutil.rmtree(aside, ignore_errors=True)
