#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain and fail.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10.* /root/.pyenv/versions/3.10.* /usr/local/bin /usr/bin; do
  [ -x "$dir/bin/python3.10" ] && candidates+=("$dir/bin/python3.10")
  [ -x "$dir/python3.10" ] && candidates+=("$dir/python3.10")
done
for candidate in "${candidates[@]}"; do
  if "$candidate" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; then
    echo "$candidate"
    exit 0
  fi
done
echo "error: 产改通 needs Python 3.10 (Rasa 3.6 does not run on 3.11+)." >&2
echo "Install it (e.g. 'pyenv install 3.10' or your OS package python3.10) or set PYTHON=/path/to/python3.10." >&2
exit 1
