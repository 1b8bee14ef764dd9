"""Byte-level PDF mutations shared by the hostile-PDF tests and the stress fuzzer."""

from __future__ import annotations

import random
import re
import zlib

OPS = ("flip", "insert", "delete", "truncate", "duplicate", "content")
Mutation = tuple[str, float, int, bytes]
"""(operation, relative position 0..1, size, payload)."""
_STREAM = re.compile(rb"stream\r?\n")


def random_mutations(rng: random.Random, *, most: int = 4) -> list[Mutation]:
    return [
        (rng.choice(OPS), rng.random(), rng.randint(1, 4096), rng.randbytes(rng.randint(1, 48)))
        for _ in range(rng.randint(1, most))
    ]


def mutate(data: bytes, mutations: list[Mutation]) -> bytes:
    """Apply byte-level mutations; ``content`` edits inside a (decompressed) content stream."""
    out = bytearray(data)
    for op, where, size, payload in mutations:
        at = int(where * max(len(out) - 1, 0))
        if op == "flip":
            for i in range(at, min(at + size, len(out))):
                out[i] ^= payload[i % len(payload)] or 0xFF
        elif op == "insert":
            out[at:at] = payload * max(1, size // len(payload))
        elif op == "delete":
            del out[at : at + size]
        elif op == "truncate":
            del out[max(at, 1) :]
        elif op == "duplicate":
            out[at:at] = out[at : at + size]
        else:
            out = bytearray(_mutate_stream(bytes(out), where, size, payload))
    return bytes(out)


def _mutate_stream(data: bytes, where: float, size: int, payload: bytes) -> bytes:
    starts = [m.end() for m in _STREAM.finditer(data)]
    if not starts:
        return data
    start = starts[int(where * (len(starts) - 1))]
    end = data.find(b"endstream", start)
    if end < 0:
        return data
    raw = data[start:end].rstrip(b"\r\n")
    try:
        plain, packed = zlib.decompress(raw), True
    except zlib.error:
        plain, packed = raw, False
    at = int(where * len(plain))
    kind = size % 4
    if kind == 0:  # nesting and junk operators inside the content stream
        plain = plain[:at] + b" [" * size + payload + b"] " * (size // 2) + plain[at:]
    elif kind == 1:
        plain = plain[:at] + payload + plain[at + size :]
    elif kind == 2:
        plain = plain[:at] + b" 1e308 -99999999999 (" + payload + b" Tj ET BT " + plain[at:]
    else:  # deeply nested dictionaries
        plain = plain[:at] + b" << /A " * size + b" >> " * (size // 3) + plain[at:]
    body = zlib.compress(plain) if packed else plain
    return data[:start] + body + b"\n" + data[end:]
