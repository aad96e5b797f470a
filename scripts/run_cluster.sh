#!/usr/bin/env bash
# Start two of each process behind HAProxy on this machine (deploy/Procfile, honcho).
# Needs the production settings (CHANGAI_ENV=production, DATABASE_URL, REDIS_URL,
# RABBITMQ_URL, RASA_TOKEN, ACTION_TOKEN, CONSOLE_SECRET): docs/deployment.md.
# PUBLIC (default 127.0.0.1:8080) is where HAProxy listens for browsers.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
export PYTHONPATH="$PWD"
export RASA_URL=http://127.0.0.1:5006   # HAProxy's Rasa API frontend
export ACTION_PORT=5056                 # HAProxy's action-server frontend
export TRUSTED_PROXIES="${TRUSTED_PROXIES:-127.0.0.1}"
.venv/bin/changai db upgrade
.venv/bin/python -m rasa_project.endpoints --out var/endpoints.yml
.venv/bin/python -m changai.haproxy --public "${PUBLIC:-127.0.0.1:8080}" \
  --rasa-api 127.0.0.1:5006 --actions-api 127.0.0.1:5056 \
  --rasa 127.0.0.1:5005 --rasa 127.0.0.1:5015 \
  --actions 127.0.0.1:5055 --actions 127.0.0.1:5065 \
  --console 127.0.0.1:8081 --console 127.0.0.1:8082 > var/haproxy.cfg
export CHANGAI_MODEL
CHANGAI_MODEL=$(.venv/bin/python -m rasa_project.training --print-path)
exec .venv/bin/honcho start -f deploy/Procfile
