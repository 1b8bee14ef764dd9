"""Evals: drives the assistant from outside and scores its answers (in progress)."""

__all__: list[str] = []
