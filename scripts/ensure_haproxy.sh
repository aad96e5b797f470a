#!/usr/bin/env bash
# Make sure Debian's HAProxy is present for the cluster test (quiet, idempotent). The test
# runs it as a child process with a generated configuration, never as a system service.
set -euo pipefail
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the cluster test needs HAProxy (install it with apt as root: apt-get install haproxy)" >&2
  exit 1
fi
echo "==> installing haproxy with apt (cluster test)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends haproxy >/dev/null
# Debian enables the system service; the project never uses it.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now haproxy >/dev/null 2>&1 || true; fi
