#!/usr/bin/env bash
# Install Debian packages with apt for a make target, or say which are missing and stop.
# Usage: scripts/apt_install.sh "<what needs them>" package...
set -euo pipefail
purpose=$1
shift
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the $purpose cannot run without: $* (as root: apt-get install $*)" >&2
  exit 1
fi
echo "==> installing $* with apt ($purpose)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
