# syntax=docker/dockerfile:1
# The gateway image: build with dev dependencies, ship production dependencies and dist/ only.
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY backend/src backend/src
# The playground's browser code, bundled by the build into dist/public/ (esbuild: a dev dependency).
COPY backend/web backend/web
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=5000
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules node_modules
COPY --from=build --chown=root:root /app/dist dist
# The MIT license asks for its notice in every copy, the image included.
COPY package.json LICENSE ./
COPY piston/runtimes.json piston/runtimes.json
# The official image's unprivileged user; the app files stay owned by root, read-only to it.
USER node
# The API, and the metrics listener (METRICS_PORT; reach it on the container network only).
EXPOSE 5000 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 5000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command as `npm start`; its V8 heap sizes: README (Quick start), docs/benchmarks.md.
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=1024", "dist/main.js"]
