"""The README's configuration table stays in sync with ``Settings``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from evals import EvalRunSettings as Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def _rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, Any]]:
    rows = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(_rows(annotation, f"{prefix}{name}."))
            continue
        # A default_factory (the data folder) depends on the platform: None means "documented
        # in words".
        default = None if field.default_factory is not None else field.default
        rows.append((f"{prefix}{name}", field.description or "", default))
    return rows


def env_name(dotted: str) -> str:
    return "SMP_GUIDE_" + dotted.replace(".", "__").upper()


def test_every_setting_is_documented_with_its_default() -> None:
    text = README.read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    documented = {line.split("|")[2].strip().strip("`"): line for line in table}
    missing, wrong = [], []
    for dotted, _, default in _rows(Settings):
        line = documented.get(env_name(dotted))
        if line is None:
            missing.append(env_name(dotted))
            continue
        shown = line.split("|")[3].strip()
        if default is not None and not isinstance(default, Path) and (f"`{default}`" not in shown):
            wrong.append(f"{env_name(dotted)}: README says {shown}, Settings says {default!r}")
    assert not missing, f"settings missing from the README table: {missing}"
    assert not wrong, "\n".join(wrong)
    known = {env_name(d) for d, _, _ in _rows(Settings)}
    extra = sorted(set(documented) - known)
    assert not extra, f"README documents settings that do not exist: {extra}"
