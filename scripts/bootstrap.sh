#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the pinned dependencies (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.installed
want=$(cat requirements.txt constraints.txt pyproject.toml | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python=$(scripts/find_python.sh)
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $python"
  "$python" -m venv .venv
fi
echo "==> installing pinned dependencies (first time: about 2-5 minutes)"
.venv/bin/python -m pip install --upgrade --progress-bar on "pip>=23,<24.1" wheel "setuptools<71"
.venv/bin/python -m pip install --progress-bar on -r requirements.txt -c constraints.txt
.venv/bin/python -m pip install --no-deps --no-build-isolation -e .
echo "$want" > "$stamp"
echo "==> dependencies installed"
