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

  产改通 is starting:
    worker chat page   http://127.0.0.1:${CONSOLE_PORT:-8080}/
    Rasa REST channel  http://127.0.0.1:5005/webhooks/rest/webhook
    action server      http://127.0.0.1:5055/health
  Rasa takes about 20 seconds to load the model. Ctrl-C stops everything.

EOF2
exec .venv/bin/honcho start -f Procfile
