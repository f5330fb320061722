# syntax=docker/dockerfile:1
# The mm2-failback sidecar: Node 24 runs the TypeScript sources directly (type stripping), so there is
# no build step; the image holds the runtime dependencies (npm ci --omit=dev) and the sources the CLI
# loads (bin/, sidecar/src/, dashboards/ + alerts/ for `dashboards generate` and `alerts generate`, and
# scripts/lint-monitoring.ts for `dashboards lint`).
#
#   docker build -t mm2-failback:0.1.0 .
#   docker run --rm -v "$PWD/mm2.properties:/etc/mm2/mm2.properties:ro" -p 127.0.0.1:9464:9464 \
#     mm2-failback:0.1.0 run --mm2-config /etc/mm2/mm2.properties
#
# The Node version is the one package.json pins through the npm `node` devDependency (24.21.0);
# test/unit/deploy/references.test.ts fails when the two drift apart.
ARG NODE_IMAGE=node:24.21.0-alpine3.23

# --- Runtime dependencies only: no devDependencies (so not the npm `node` binary package either) and no
# install scripts (none of the runtime dependencies has one; @node-rs/crc32 ships prebuilt musl binaries).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# --- Runtime image
FROM ${NODE_IMAGE}
# npm, npx, yarn and corepack are not needed to run the sidecar: remove them (smaller, fewer CVEs).
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/yarn /usr/local/bin/yarnpkg /usr/local/bin/corepack
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY sidecar/src ./sidecar/src
COPY dashboards ./dashboards
COPY alerts ./alerts
COPY scripts/lint-monitoring.ts ./scripts/lint-monitoring.ts
COPY mm2-config ./mm2-config
# The sources stay under /app, never under a node_modules directory: Node refuses to strip types there.
# A symlink (not `npm link`/`npm install -g`) puts the CLI on PATH; Node resolves imports from /app/bin.
RUN ln -s /app/bin/mm2-failback.js /usr/local/bin/mm2-failback \
 && mm2-failback --version

# Serve the endpoints on every interface of the container (the sidecar's default is 127.0.0.1). The
# environment outranks a --config YAML file: override this with the variable itself or --set.
# V8 sizes its young generation from the machine's memory (up to 64 MiB a semi-space on a large host), and
# the sidecar's catch-up and first group-sync pass fill it: 4 MiB semi-spaces kept the RSS at about 300 MB
# instead of 390-670 MB, at the same catch-up speed (docs/deployment.md, Sizing). Override with NODE_OPTIONS.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    MM2_FAILBACK_METRICS_HOST=0.0.0.0
# The image's `node` user (uid/gid 1000), numeric so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# /metrics, /ready, /healthz and /runbook.
EXPOSE 9464
# Liveness of the HTTP endpoints (not readiness: /ready stays 503 until the followed topics were read once).
# It probes MM2_FAILBACK_METRICS_PORT (default 9464): set the port with that variable, not --set or YAML.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.MM2_FAILBACK_METRICS_PORT || '9464') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["mm2-failback"]
CMD ["--help"]
