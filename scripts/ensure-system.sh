#!/usr/bin/env bash
# Install the Debian packages thidua needs, only when they are missing.
set -euo pipefail
need=()
# chromium: dashboards tests and kaleido images; ffmpeg: the clip preview; fonts: Vietnamese glyphs;
# libreoffice-calc: the last reader of a file the readers here refuse (pipeline/ingest/convert.py).
for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
  echo "Thiếu gói hệ thống: ${need[*]}. Hãy cài bằng: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "Cài gói hệ thống: ${need[*]} (nhật ký: /tmp/thidua-apt.log)…"
log=/tmp/thidua-apt.log
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
  --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
  echo "Không cài được gói hệ thống ${need[*]}: xem $log" >&2
  exit 1
fi
