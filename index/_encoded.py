"""What one encoder pass gives for a text, whichever runtime computed it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Encoded:
    """One text's encoding, padding removed."""

    ids: np.ndarray
    """Token IDs (int64)."""
    tokens: np.ndarray
    """One float32 row per token: the transformer's output before pooling."""
    special: np.ndarray
    """True where the token is a special one ([CLS], [SEP], ...)."""
    vector: np.ndarray
    """The sentence embedding (float32) as the model's own pipeline pools it."""


class Encoder(Protocol):
    """A runtime that encodes texts: the full model (torch) or its ONNX export."""

    def encode(self, texts: Sequence[str]) -> list[Encoded]: ...

    def pieces(self, ids: Sequence[int]) -> list[str]:
        """The tokenizer's word pieces of token IDs ("##ing", "\u2581word", ...)."""
        ...
