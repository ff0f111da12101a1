#!/usr/bin/env bash
# What the tests need from Debian: Chromium at /usr/bin/chromium and Firefox ESR at /usr/bin/firefox-esr
# (never a downloaded browser) for the browser tests, and Radicale, the real CalDAV server the CalDAV
# provider is tested against.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
/usr/bin/python3 -c 'import radicale' 2>/dev/null || missing+=(radicale)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "[parley] installing Debian packages for the tests: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "[parley] The tests need these Debian packages: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
