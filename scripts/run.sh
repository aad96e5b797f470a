#!/usr/bin/env bash
# Start the three processes with honcho; Ctrl-C stops them all.
# CHANGAI_ENV=production: PostgreSQL, Redis and RabbitMQ from DATABASE_URL, REDIS_URL and
# RABBITMQ_URL, with RASA_TOKEN, ACTION_TOKEN and CONSOLE_SECRET set (README, "Production"),
# plus the analytics consumer of Rasa's event broker. `scripts/run.sh --print-processes`
# prints the Procfile processes this environment starts, and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
# The analytics consumer reads Rasa's RabbitMQ broker, which only production has: the
# embedded default starts every Procfile process but that one.
mapfile -t processes < <(sed -n 's/^\([A-Za-z0-9_-]*\):.*/\1/p' Procfile)
if [ "${CHANGAI_ENV:-}" != production ]; then
  mapfile -t processes < <(printf '%s\n' "${processes[@]}" | grep -vx analytics)
fi
if [ "${1:-}" = --print-processes ]; then
  printf '%s\n' "${processes[@]}"
  exit 0
fi
mkdir -p var
export PYTHONPATH="$PWD"
# Development invents the shared secrets for this run; production must set them.
for name in RASA_TOKEN ACTION_TOKEN; do
  if [ -z "${!name:-}" ] && [ "${CHANGAI_ENV:-}" != production ]; then
    printf -v "$name" '%s' "$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(16))')"
  fi
  export "${name?}"
done
# Rasa's endpoints for this environment (tracker store, lock store, event broker); this
# also checks the settings and stops here, naming the variable, when one is missing.
.venv/bin/python -m rasa_project.endpoints --out var/endpoints.yml
export CHANGAI_MODEL
CHANGAI_MODEL=$(.venv/bin/python -m rasa_project.training --print-path)
cat <<EOF2

  产改通 is starting (model $(basename "$CHANGAI_MODEL")). Rasa takes about 20 seconds
  to load; the addresses are printed once all three processes answer.

EOF2
exec .venv/bin/honcho start -f Procfile "${processes[@]}"
