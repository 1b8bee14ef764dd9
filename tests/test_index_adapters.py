"""The index's adapters work on the real libraries through their public API only.

Real model, real bm25s, real embedded Chroma: what each adapter gives is checked against
the library's own documented calls (llama-index's BM25Retriever for the scores).
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from llama_index.core.schema import TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from assistant import Settings
from index._bm25 import built
from index._chroma import (
    connect,
    delete_unpublished,
    existing_collection,
    new_collection,
    reconnect,
    version_count,
    version_vectors,
)
from index._embedder import load_embedder

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "index", "assistant", "evals")
TEXTS = {
    "a": "Migrant workers pay recruitment fees to agencies before departure.",
    "b": "Skills recognition helps returning migrants find decent work at home.",
    "c": "Bilateral labour agreements set out the duties of employers and recruiters.",
    "d": "Remittances sent home by migrant workers support families and communities.",
}


def test_the_embedding_wrapper_gives_the_index_vectors() -> None:
    embedder = load_embedder(Settings().index.embed_model, batch_size=8)
    texts = list(TEXTS.values())
    vectors, tokens = embedder.passages(texts)
    wrapped = embedder.model.get_text_embedding_batch(texts)
    assert np.allclose(np.asarray(vectors), np.asarray(wrapped), atol=1e-6), "passage vectors"
    assert len(vectors[0]) == embedder.info.dimension == 384
    query = embedder.query("recruitment fees")
    assert np.allclose(query, embedder.model.get_query_embedding("recruitment fees"), atol=1e-6)
    assert all(t.shape[1] == 384 and t.shape[0] > 3 for t in tokens), "token vectors per passage"
    assert abs(float(np.linalg.norm(embedder.query_tokens("recruitment fees")[0])) - 1) < 1e-5


def test_bm25_scores_equal_llama_index_bm25_retriever() -> None:
    ours = built(TEXTS)
    nodes = [TextNode(id_=cid, text=text) for cid, text in TEXTS.items()]
    theirs = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=len(nodes))
    for query in ("migrant workers recruitment", "employers' duties", "remittances home"):
        expected = {n.node.node_id: n.score for n in theirs.retrieve(query)}
        got = dict(ours.scores(query, None, len(TEXTS)))
        assert got.keys() == expected.keys(), query
        assert all(abs(got[c] - float(expected[c] or 0)) < 1e-6 for c in got), query


def test_bm25_mask_admits_only_the_filtered_chunks() -> None:
    index = built(TEXTS)
    best = index.scores("migrant workers", lambda cid: cid in {"b", "c"}, 10)
    # A masked-out chunk scores 0 and may fill the list; the retriever keeps scores > 0.
    assert [cid for cid, score in best if score > 0] == ["b"], best
    assert index.scores("migrant workers", lambda _cid: False, 10) == []


def test_chroma_adapter_writes_reads_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "chroma"
    client = connect(chroma_url=None, path=path)
    collection = new_collection(client, "adapters", str(path), {"note": "x"})
    vectors = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    collection.add(
        ids=["a", "b", "c"],
        embeddings=vectors,
        metadatas=[{"doc_sha": "one"}, {"doc_sha": "one"}, {"doc_sha": "two"}],
    )
    assert version_count(collection, "one", str(path)) == 2
    ids, rows = version_vectors(collection, "one", str(path))
    assert sorted(ids) == ["a", "b"] and rows.shape == (2, 3) and rows.dtype == np.float32
    # A second, fresh system on the same folder reads what the first one wrote.
    fresh = existing_collection(reconnect(path), "adapters", str(path))
    assert fresh is not None and version_count(fresh, "two", str(path)) == 1
    delete_unpublished(fresh, ["one"], str(path))
    assert version_count(fresh, "two", str(path)) == 0
    assert version_count(fresh, "one", str(path)) == 2
    assert existing_collection(client, "missing", str(path)) is None


def _defined_private_names() -> set[str]:
    """Private names our own packages define: attributes, functions, classes, variables."""
    names: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    names.add(node.name)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
                elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                    names.add(node.attr)
                elif isinstance(node, ast.alias):
                    names.add((node.asname or node.name).split(".")[-1])
    return {n for n in names if n.startswith("_")}


def _private_accesses(path: Path, own: set[str], *, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_"):
            continue
        if node.attr.startswith("__") or node.attr in own:
            continue
        found.append(f"{path.relative_to(root)}:{node.lineno}: .{node.attr}")
    return found


def test_no_private_attribute_of_a_dependency_is_used() -> None:
    """An attribute ``x._name`` must be one our own code defines: a dependency's private
    attributes (``SharedSystemClient._identifier_to_system``, ``HuggingFaceEmbedding._model``)
    change without notice. Our own private names are told apart by name, so this holds
    only while no own attribute shares its name with a dependency's private one."""
    own = _defined_private_names()
    found: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found += _private_accesses(path, own)
    assert not found, "private attributes of dependencies used:\n" + "\n".join(found)


def test_the_scan_catches_a_private_access(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f(m: object) -> object:\n    return m._model_private, m._kept\n")
    assert _private_accesses(sample, {"_kept"}, root=tmp_path) == ["sample.py:2: ._model_private"]
