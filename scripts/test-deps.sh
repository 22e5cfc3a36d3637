#!/usr/bin/env bash
# What the test suite needs besides npm packages: FerretDB (the real database) and Debian's Chromium
# (the console's browser test). Installs what is missing; quiet when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MONGODB_URI:-}" ]; then bash scripts/install-ferretdb.sh >/dev/null; fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Debian's chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
# The Open311 conformance test drives PyPI's georeport client (an Open311 client this project did not write)
# from a virtualenv of its own; test/http/open311-georeport.test.ts finds it at the same path.
VENV="${NAFIDHA_CACHE:-$HOME/.cache/nafidha}/open311-venv"
if ! "$VENV/bin/python" -c 'import georeport' 2>/dev/null; then
  echo "Installing the georeport Open311 client for the conformance test..." >&2
  python3 -m venv "$VENV" 2>/dev/null || {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$VENV"
    else
      echo "The Open311 conformance test needs python3 with venv: sudo apt-get install python3-venv" >&2
      exit 1
    fi
  }
  "$VENV/bin/pip" install -q --disable-pip-version-check 'georeport==0.3.1'
fi
