#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (driven by Playwright through
# its executable path: Playwright's own browser download is never used).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null; then
  echo "Installing Chromium from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi
# A Chinese font, so that the pages' screenshots show Chinese rather than empty boxes.
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "Installing a Chinese font from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq fonts-wqy-microhei >/dev/null
fi
