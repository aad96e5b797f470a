#!/usr/bin/env bash
# Make sure Debian's Chromium and a CJK font are present for the browser tests.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qiE "wqy|noto sans cjk|noto serif cjk" || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the browser tests need: ${missing[*]} (install them with apt as root)" >&2
  exit 1
fi
echo "==> installing ${missing[*]} with apt (browser tests)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
