#!/usr/bin/env bash
# Start the three processes with honcho; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
export PYTHONPATH="$PWD"
export CHANGAI_MODEL
CHANGAI_MODEL=$(.venv/bin/python -m rasa_project.training --print-path)
if [ -z "${RASA_TOKEN:-}" ]; then
  RASA_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(16))')
fi
export RASA_TOKEN
cat <<EOF2

  产改通 is starting (model $(basename "$CHANGAI_MODEL")). Rasa takes about 20 seconds
  to load; the addresses are printed once all three processes answer.

EOF2
exec .venv/bin/honcho start -f Procfile
