"""Sentences ingest could not find on their pages are flagged on their chunk and never
quoted as the document's words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from assistant import Settings
from assistant._extractive import quote_for
from index._embedder import load_embedder
from ingest import Chunk

UNODC = "unodc_glotip_2024_ch2.pdf"


def test_every_sentence_off_its_pages_is_flagged_on_its_chunk(
    real_ingested: Callable[[str], Any],
) -> None:
    result = real_ingested(UNODC)
    off = {(o.chunk_id, o.sentence) for o in result.text_check.off_page}
    flagged = {(c.id, s) for c in result.chunks for s in c.unverified}
    assert off, "the check found nothing to flag on this document"
    assert flagged == off


def test_the_flag_survives_the_chunk_store(real_ingested: Callable[[str], Any]) -> None:
    chunk = next(c for c in real_ingested(UNODC).chunks if c.unverified)
    assert Chunk.from_json(chunk.to_json()) == chunk


def test_an_unverified_sentence_is_not_quoted_while_a_verified_one_can_be(
    real_ingested: Callable[[str], Any],
) -> None:
    settings = Settings()
    embedder = load_embedder(settings.index.embed_model, batch_size=8)
    chunk: Chunk = next(
        c for c in real_ingested(UNODC).chunks if c.unverified and len(c.text.split()) > 60
    )
    bad = chunk.unverified[0]
    question = embedder.query(bad)
    assert quote_for(replace(chunk, unverified=()), question, embedder.texts).find(bad[:40]) >= 0
    quoted = quote_for(chunk, question, embedder.texts)
    assert bad[:40] not in quoted and quoted in chunk.text, quoted
