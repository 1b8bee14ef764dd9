#!/usr/bin/env bash
# Install SMP Guide into .venv (idempotent; a no-op when pyproject.toml and
# constraints.txt are unchanged). `--browser` also ensures Debian's chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    *) echo "setup.sh: unknown argument: $arg (only --browser)" >&2; exit 2 ;;
  esac
done

if [ ! -x .venv/bin/python ]; then
  python="$(command -v python3.11 || command -v python3 || true)"
  if [ -z "$python" ]; then
    echo "setup.sh: python3.11 (or python3 >= 3.11) is needed" >&2; exit 1
  fi
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "setup.sh: $python is older than 3.11; install python3.11" >&2; exit 1
  fi
  echo "setup.sh: creating .venv with $python" >&2
  "$python" -m venv .venv
fi

# torch first, pinned: otherwise pip resolves a multi-GB CUDA build.
stamp=.venv/.smp-guide-installed
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  .venv/bin/python -m pip install --upgrade pip
  .venv/bin/python -m pip install -c constraints.txt torch==2.13.0
  .venv/bin/python -m pip install -c constraints.txt -e '.[test,llm]'
  echo "$want" > "$stamp"
fi

# Browser tests drive Debian's chromium (never `playwright install`).
if [ "$browser" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
