#!/usr/bin/env bash
# Set up, then ingest the publication ($SMP_GUIDE_PDF) or, without it, the generated
# sample PDF, print the summary, then serve the chat UI. Extra arguments go to
# `smp-guide ingest`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
smp_guide="$root/.venv/bin/smp-guide"

if [ -n "${SMP_GUIDE_PDF:-}" ]; then
  pdf="$SMP_GUIDE_PDF"
else
  data_dir="${SMP_GUIDE_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/smp-guide}"
  mkdir -p "$data_dir"
  pdf="$data_dir/sample.pdf"
  "$smp_guide" sample-pdf "$pdf" >&2  # keep stdout for the summary (--json)
fi
"$smp_guide" ingest "$pdf" "$@"

exec "$smp_guide" chat
