"""The stress scripts here are run with ``python``, not collected by pytest."""

collect_ignore_glob = ["*.py"]
