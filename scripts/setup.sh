#!/usr/bin/env bash
# Installs everything mm2-failback's demo and tests need, idempotently and cached:
#   1. npm packages (node_modules, including the pinned Node 24 runtime) when missing or stale;
#   2. Kafka 3.9, 4.1 and 4.4 jars from Maven Central (lab/install.sh; a warm cache runs no Maven);
#   3. promtool/prometheus from Debian's `prometheus` package (alert-rule tests and the dashboard check);
#   3b. kcat from Debian's `kcat` package (the baseline of `npm run bench:tail`);
#   4. for the static checks of the deployment files (test/unit/deploy/): kubeconform and kustomize (Go module
#      proxy) and the Kubernetes/Strimzi/prometheus-operator JSON schemas (scripts/deploy-tools.ts, cached);
#   5. docker-compose from Debian's `docker-compose` package (`docker-compose config` on docker-compose.yml).
# Safe to run again: each step checks first and does nothing when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

log () { printf '[setup] %s\n' "$*" >&2; }

# apt-get update once per run, and only when something is to be installed.
apt_updated=
apt_install () {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" >/dev/null
}

# 1. npm packages: (re)install when node_modules is missing or older than package-lock.json.
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
else
  log "npm packages up to date"
fi

# 2. Kafka and MirrorMaker 2 jars for the lab.
if [ -x lab/install.sh ]; then
  bash lab/install.sh
fi

# 3. promtool (Debian package `prometheus`), needs root for apt-get.
if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian package prometheus (for promtool)"
    apt_install prometheus
    # The package starts a system Prometheus on 0.0.0.0:9090 where an init system runs; we start our own.
    (systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true)
  else
    log "promtool missing and not root: install the Debian package 'prometheus' (sudo apt-get install prometheus)"
  fi
else
  log "promtool present ($(promtool --version 2>&1 | head -1))"
fi

# 3b. kcat (Debian package `kcat`): the baseline of `npm run bench:tail` for reading a topic.
if ! command -v kcat >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian package kcat (bench:tail's baseline)"
    apt_install kcat
  else
    log "kcat missing and not root: install the Debian package 'kcat' for npm run bench:tail (sudo apt-get install kcat)"
  fi
else
  log "kcat present"
fi

# 4. kubeconform, kustomize and JSON schemas for test/unit/deploy/kubeconform.test.ts (Go, pip and Maven;
#    <cache>/bin and <cache>/kubeconform-schemas). A failure here fails those tests, not the others.
if ! node_modules/.bin/node scripts/deploy-tools.ts; then
  log "deploy tools or schemas missing (needs go, python3 -m pip and mvn): test/unit/deploy/kubeconform.test.ts will fail"
fi

# 5. docker-compose (Debian package, the Python v1 tool: `config` needs no Docker engine), needs root.
if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian package docker-compose (for docker-compose config)"
    apt_install docker-compose
  else
    log "docker-compose missing and not root: install the Debian package 'docker-compose' (sudo apt-get install docker-compose)"
  fi
else
  log "docker-compose present ($(docker-compose version --short 2>/dev/null || echo unknown))"
fi
