#!/usr/bin/env bash
# The dashboard's browser tests drive Debian's headless chromium through chromedriver: install them
# when missing (as root with apt-get), so `make test` sets up everything it runs.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "chromium and chromium-driver are missing: install them (apt-get install chromium chromium-driver)" >&2
fi
