#!/usr/bin/env bash
# Set up (with chromium for browser tests), then run the whole test suite offline.
# Extra arguments go to pytest. "No tests collected" counts as a failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" --browser

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
export GRADIO_ANALYTICS_ENABLED=False RAGAS_DO_NOT_TRACK=true

cd "$root"
# The gates CI enforces before any test: lint, formatting, strict types.
code=(ingest index assistant evals tests benchmarks scripts)
.venv/bin/ruff check "${code[@]}"
.venv/bin/ruff format --check "${code[@]}"
.venv/bin/mypy

status=0
.venv/bin/python -m pytest -q --durations=15 "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "test.sh: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
