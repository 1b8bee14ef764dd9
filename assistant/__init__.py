"""Assistant: answers with citations over the index, and the ``smp-guide`` CLI (in progress)."""

__all__: list[str] = []
