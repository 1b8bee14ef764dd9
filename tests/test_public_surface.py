"""Each stage exposes a small public surface, and imports flow one way."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "index", "assistant", "evals")
# What each package may import of the others: ingest -> index -> assistant; evals drives assistant.
UPSTREAM = {
    "ingest": set(),
    "index": {"ingest"},
    "assistant": {"ingest", "index"},
    "evals": {"ingest", "index", "assistant"},
}


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_existing_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, (list, tuple)), f"{name} has no __all__ list"
    assert all(isinstance(item, str) for item in exported), f"{name}.__all__ holds non-strings"
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    missing = [item for item in exported if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ names what {name} does not define: {missing}"


def _imported_packages(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("name", PACKAGES)
def test_imports_flow_one_way(name: str) -> None:
    allowed = UPSTREAM[name] | {name}
    for path in sorted((ROOT / name).rglob("*.py")):
        wrong = _imported_packages(path) - allowed
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}, downstream of {name}"


def _private_imports(path: Path, own: str) -> list[str]:
    """Modules of the other packages that ``path`` imports by a private name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            package, *rest = name.split(".")
            if package in PACKAGES and package != own and any(p.startswith("_") for p in rest):
                found.append(name)
    return found


@pytest.mark.parametrize("name", PACKAGES)
def test_no_module_imports_a_private_module_of_another_package(name: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / name).rglob("*.py"))
        if (found := _private_imports(path, name))
    }
    assert not wrong, f"private modules of other packages imported: {wrong}"


_ENV_PROBE = """
import importlib, os, pkgutil, sys
names = sys.argv[1:]
for package in {packages!r}:
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)
print(sorted(n for n in names if n in os.environ), file=sys.stderr)
from assistant.cli import main
sys.argv = ["smp-guide", "--help"]
try:
    main()
except SystemExit:
    pass
print(sorted(n for n in names if n in os.environ), file=sys.stderr)
"""


def test_no_import_changes_the_environment_and_the_entry_point_sets_it() -> None:
    from helpers import TEST_ENV

    names = sorted(TEST_ENV)
    env = {k: v for k, v in os.environ.items() if k not in TEST_ENV}
    done = subprocess.run(
        [sys.executable, "-c", _ENV_PROBE.format(packages=PACKAGES), *names],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    after_imports, after_main = done.stderr.strip().splitlines()[-2:]
    assert after_imports == "[]", f"importing the packages set {after_imports}"
    assert after_main == str(names), f"main() left unset: {set(names) - set(after_main)}"


MAX_MODULE_LINES = 400


@pytest.mark.parametrize("name", PACKAGES)
def test_every_module_is_under_400_lines(name: str) -> None:
    """Modules of one concept: data files (the sample's YAML) are not modules."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / name).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) >= MAX_MODULE_LINES
    }
    assert not long, f"modules of {MAX_MODULE_LINES} lines or more: {long}"
