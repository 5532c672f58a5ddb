#!/usr/bin/env bash
# Take one file of a package from the npm registry, at a pinned version, checked against the
# registry's integrity hash, into a directory the app serves (with the package's licence):
#
#   scripts/vendor-npm.sh NAME VERSION INTEGRITY FILE_IN_PACKAGE DESTINATION_DIRECTORY
#
# The browser never reaches a CDN: the pages load these files from this server.
set -euo pipefail
name="$1" version="$2" integrity="$3" file="$4" destination="$5"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$name@$version" >/dev/null)
tarball="$work/$name-$version.tgz"
actual="$(node -e "const c = require('crypto'), f = require('fs');
process.stdout.write('sha512-' + c.createHash('sha512').update(f.readFileSync(process.argv[1])).digest('base64'))" "$tarball")"
if [ "$actual" != "$integrity" ]; then
  echo "$name@$version: integrity $actual, expected $integrity" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
mkdir -p "$destination"
cp "$work/package/$file" "$work/package/LICENSE" "$destination/"
