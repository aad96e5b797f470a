#!/usr/bin/env bash
# Make sure Debian's Chromium and a CJK font are present for the browser tests.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qiE "wqy|noto sans cjk|noto serif cjk" || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
"$(dirname "$0")/apt_install.sh" "browser tests" "${missing[@]}" fontconfig
