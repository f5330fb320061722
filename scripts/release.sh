#!/usr/bin/env bash
# Builds what a user installs, into release/ (git-ignored):
#   release/mm2-failback-<version>.tgz   the npm package (`npm pack`: prepack compiles dist/, so the
#                                        installed CLI runs JavaScript; see bin/mm2-failback.js), with
#                                        its SHA-256 in release/SHA256SUMS;
#   the container image mm2-failback:<version>, when docker or podman is on this machine (it is only
#   built, never pushed); without one it prints the command to run where there is.
# Install the tarball with `npm install -g release/mm2-failback-<version>.tgz` (Node.js >= 22.22).
#
# The package's `repository` field names where its source is published. The checkout does not hard-code
# one (a URL nobody verified is worse than none): the release stamps it from MM2_FAILBACK_REPOSITORY, or
# else from this clone's `origin` remote, and says so; with neither, the package has no such field.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p "require('./package.json').version")
mkdir -p release
rm -f "release/mm2-failback-${version}.tgz"

is_git_url () { case "$1" in https://*|git+https://*|git+ssh://*|ssh://*|git@*:*) return 0 ;; *) return 1 ;; esac; }
repository=${MM2_FAILBACK_REPOSITORY:-}
if [ -n "$repository" ] && ! is_git_url "$repository"; then
  printf 'release: MM2_FAILBACK_REPOSITORY must be a git URL (https://, git+https://, ssh:// or git@host:path), got %s\n' "$repository" >&2
  exit 2
fi
origin=$(git remote get-url origin 2>/dev/null || true)
# A clone of a local path (CI clones the checkout) has an origin that is no place to publish from.
if [ -z "$repository" ] && is_git_url "$origin"; then repository=$origin; fi
if [ -n "$repository" ]; then
  # package.json is stamped for the pack only: the saved copy is put back whatever happens.
  cp package.json release/.package.json.orig
  trap 'mv -f release/.package.json.orig package.json' EXIT
  npm pkg set repository.type=git "repository.url=${repository}"
  npm pack --silent --pack-destination release >/dev/null
  mv -f release/.package.json.orig package.json
  trap - EXIT
  printf 'repository: %s\n' "$repository"
else
  npm pack --silent --pack-destination release >/dev/null
  printf 'repository: none (set MM2_FAILBACK_REPOSITORY=<git URL> or an origin remote to stamp the package'"'"'s repository field)\n'
fi
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
