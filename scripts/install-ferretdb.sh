#!/usr/bin/env bash
# Builds FerretDB 1.24 (SQLite backend) from the Go module proxy, once, into the tools cache, with Nafidha's
# patches (scripts/ferretdb-*.patch: why each is needed is written at its top) applied.
# Prints the binary's path on stdout; progress goes to stderr.
set -euo pipefail
VERSION=v1.24.2
# The build's name says which patches it has, so a build without them (an older cache) is never reused.
# Keep it equal to FERRETDB_BUILD in src/db/embedded.ts.
BUILD=$VERSION-nafidha1
PATCHES=$(cd "$(dirname "$0")" && pwd)
TOOLS="${NAFIDHA_TOOLS:-$HOME/.cache/nafidha}"
BIN="$TOOLS/ferretdb-$BUILD/ferretdb"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
command -v go >/dev/null || { echo "Go is not installed: FerretDB cannot be built (install Go, or set MONGODB_URI)." >&2; exit 1; }
echo "Building FerretDB $BUILD (first run only, about a minute)..." >&2
# `go install …@version` asks the proxy for the module's version list, which this proxy refuses; downloading the
# exact version works. The module ships without build/version/version.txt, which FerretDB's main requires.
SRC_PARENT=$(mktemp -d)
trap 'chmod -R u+w "$SRC_PARENT" 2>/dev/null; rm -rf "$SRC_PARENT"' EXIT
cd "$SRC_PARENT"
go mod init ferretdb-fetch >/dev/null 2>&1
DIR=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$DIR" ] || { echo "Could not download FerretDB $VERSION from the Go module proxy." >&2; exit 1; }
cp -r "$DIR" src && chmod -R u+w src
echo "$VERSION" > src/build/version/version.txt
for p in "$PATCHES"/ferretdb-*.patch; do
  patch -d src -p1 --forward --quiet < "$p" >&2 || { echo "Could not apply $(basename "$p") to FerretDB $VERSION." >&2; exit 1; }
done
mkdir -p "$(dirname "$BIN")"
cd src
if ! go build -trimpath -o "$BIN.tmp" ./cmd/ferretdb >&2; then
  echo "Build failed with $(go version); retrying with the toolchain FerretDB was made for." >&2
  GOTOOLCHAIN=go1.24.3 go build -trimpath -o "$BIN.tmp" ./cmd/ferretdb >&2
fi
mv "$BIN.tmp" "$BIN"
echo "$BIN"
