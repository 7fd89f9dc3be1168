# syntax=docker/dockerfile:1
# One build of the monorepo serves every deployable: the apps share contracts and libs, so one `npm ci` and one
# `npm run build` (API, adapters and the hub's web UI in dist/) feed four small targets that differ only in their
# start command and port. Build one with e.g. `docker build --target hub -t samtjanst/hub .`.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# --omit=optional: the image has its Node.js already; the Node.js 24 binary that package.json brings for
# `npm start` and `npm test` on a machine with an older one (node-linux-*) stays out of it
RUN npm run build \
 && npm prune --omit=dev --omit=optional --no-audit --no-fund

# What every app image holds: production node_modules and the compiled code, owned by root, run as `node`.
FROM ${NODE_IMAGE} AS runtime
# NODE_OPTIONS: the flags of scripts/service-runtime.ts, as `npm start` and the bench give them
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=64 \
    HOST=0.0.0.0 \
    KEYS_DIR=/run/samtjanst/keys
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
USER node
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 CMD ["node", "dist/scripts/healthcheck.js"]

FROM runtime AS hub
# Debian's Chromium prints the parties' monthly reports to PDF (apps/hub/src/reports, through playwright-core)
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium \
 && rm -rf /var/lib/apt/lists/*
USER node
ENV PORT=3000 \
    CHROMIUM_PATH=/usr/bin/chromium
EXPOSE 3000
CMD ["node", "dist/apps/hub/src/main.js"]

FROM runtime AS adapter-fk
ENV PORT=3201
EXPOSE 3201
CMD ["node", "dist/apps/adapter-fk/src/main.js"]

FROM runtime AS adapter-af
ENV PORT=3202
EXPOSE 3202
CMD ["node", "dist/apps/adapter-af/src/main.js"]

FROM runtime AS adapter-skv
ENV PORT=3203
EXPOSE 3203
CMD ["node", "dist/apps/adapter-skv/src/main.js"]

FROM runtime AS adapter-pm
ENV PORT=3204
EXPOSE 3204
CMD ["node", "dist/apps/adapter-pm/src/main.js"]
