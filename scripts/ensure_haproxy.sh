#!/usr/bin/env bash
# Make sure Debian's HAProxy is present for the cluster test (quiet, idempotent). The test
# runs it as a child process with a generated configuration, never as a system service.
set -euo pipefail
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] && exit 0
"$(dirname "$0")/apt_install.sh" "cluster test" haproxy
# Debian enables the system service; the project never uses it.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now haproxy >/dev/null 2>&1 || true; fi
