"""The evals' settings section, added to the application's ``Settings`` by a subclass.

The assistant does not import the evals (they drive it from outside), so its
``Settings`` has no ``evals`` section; ``EvalRunSettings`` adds it, under the same
environment variables (``SMP_GUIDE_EVALS__JUDGE``, ``SMP_GUIDE_EVALS__JUDGE_BASE_URL``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from assistant import Settings


class EvalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    judge: str | None = Field(
        None, description="Optional judge LLM: 'ollama:MODEL' or 'openai:MODEL'."
    )
    judge_base_url: str | None = Field(None, description="Base URL of the judge LLM server.")


class EvalRunSettings(Settings):
    """The application's settings plus the evals' section: what ``smp-guide eval`` reads."""

    evals: EvalSettings = EvalSettings()
