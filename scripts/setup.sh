#!/usr/bin/env bash
# Installs everything mm2-failback's demo and tests need, idempotently and cached:
#   1. npm packages (node_modules, including the pinned Node 24 runtime) when missing or stale;
#   2. Kafka 3.9 and 4.1 jars from Maven Central (test/lab/install.sh; a warm cache runs no Maven);
#   3. promtool/prometheus from Debian's `prometheus` package (alert-rule tests and the dashboard check).
# Safe to run again: each step checks first and does nothing when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

log () { printf '[setup] %s\n' "$*" >&2; }

# 1. npm packages: (re)install when node_modules is missing or older than package-lock.json.
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
else
  log "npm packages up to date"
fi

# 2. Kafka and MirrorMaker 2 jars for the lab.
if [ -x test/lab/install.sh ]; then
  bash test/lab/install.sh
fi

# 3. promtool (Debian package `prometheus`), needs root for apt-get.
if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian package prometheus (for promtool)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    # The package starts a system Prometheus on 0.0.0.0:9090 where an init system runs; we start our own.
    (systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true)
  else
    log "promtool missing and not root: install the Debian package 'prometheus' (sudo apt-get install prometheus)"
  fi
else
  log "promtool present ($(promtool --version 2>&1 | head -1))"
fi
