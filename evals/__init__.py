"""Evals: drives the assistant from outside over gold datasets and scores it.

Public surface: the dataset schema and loader (more arrives with the Ragas suite).
"""

from evals._dataset import GoldQuestion, bundled_datasets, dataset_hash, load_dataset

__all__ = ["GoldQuestion", "bundled_datasets", "dataset_hash", "load_dataset"]
