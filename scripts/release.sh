#!/usr/bin/env bash
# Builds what a user installs, into release/ (git-ignored):
#   release/mm2-failback-<version>.tgz   the npm package (`npm pack`: prepack compiles dist/, so the
#                                        installed CLI runs JavaScript; see bin/mm2-failback.js), with
#                                        its SHA-256 in release/SHA256SUMS;
#   the container image mm2-failback:<version>, when docker or podman is on this machine (it is only
#   built, never pushed); without one it prints the command to run where there is.
# Install the tarball with `npm install -g release/mm2-failback-<version>.tgz` (Node.js >= 22.22).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p "require('./package.json').version")
mkdir -p release
rm -f "release/mm2-failback-${version}.tgz"
npm pack --silent --pack-destination release >/dev/null
tarball="release/mm2-failback-${version}.tgz"
(cd release && sha256sum "mm2-failback-${version}.tgz" > SHA256SUMS)
printf 'package: %s (%s bytes, sha256 %s)\n' "$tarball" "$(stat -c %s "$tarball")" "$(cut -d' ' -f1 release/SHA256SUMS)"
printf 'install: npm install -g %s   then: mm2-failback --version\n' "$tarball"

engine=
for candidate in docker podman; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" info >/dev/null 2>&1; then engine=$candidate; break; fi
done
if [ -n "$engine" ]; then
  "$engine" build -t "mm2-failback:${version}" .
  printf 'image: mm2-failback:%s (built with %s)\n' "$version" "$engine"
else
  printf 'image: no docker or podman engine here; where there is one, run: docker build -t mm2-failback:%s .\n' "$version"
fi
