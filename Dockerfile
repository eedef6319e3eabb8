# canhgac image: one image for every role (`canhgac start`, `canhgac ingest`, `canhgac worker`, `canhgac report`).
# Build: docker build -t canhgac .      Run: see docker-compose.yml and docs/deployment.md.

# --- build: compile the native modules (better-sqlite3, re2) and the TypeScript, then drop dev dependencies ---
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: the lock file records one platform's optional binaries (biome, swc); see tools/test.sh.
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build --silent \
 && node tools/check-native.js \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: Node 20, Debian chromium and DejaVu fonts (PDF reports with Vietnamese diacritics), non-root ---
FROM node:20-bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      chromium fonts-dejavu-core ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 canhgac \
 && useradd --system --uid 10001 --gid canhgac --home-dir /app --shell /usr/sbin/nologin canhgac \
 && mkdir -p /data \
 && chown canhgac:canhgac /data
ENV NODE_ENV=production \
    TZ=Asia/Ho_Chi_Minh \
    CANHGAC_DATA_DIR=/data
WORKDIR /app
# The whole built tree: dist/ plus what the code reads from the project root at run time (rules/, api/openapi.yaml,
# store/opensearch/mappings/, the console's assets). .dockerignore keeps out data, tests' scratch and secrets.
COPY --from=build --chown=root:root /app /app
USER canhgac
VOLUME ["/data"]
# syslog UDP+TCP, syslog TLS, RELP, HTTP intake, API and console.
EXPOSE 5514/udp 5514/tcp 6514/tcp 2514/tcp 9201/tcp 8080/tcp
ENTRYPOINT ["node", "/app/bin/canhgac.js"]
CMD ["start", "--data-dir", "/data"]
