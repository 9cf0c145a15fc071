# One Dockerfile for every process. TypeScript runs on Node's type stripping, so there is no compile
# step: an image is the workspace sources plus the production dependencies of one process.
#
#   docker build --build-arg SERVICE=app/order/api -t looklook/order-api .     one process (Jenkinsfile)
#   docker build --target dev -t looklook/dev .                              all of them (docker-compose.yml)
#
# The process image runs `node src/main.ts` in its folder as the unprivileged `node` user; Kubernetes
# gives it its config through CONFIG_FILE (deploy/k8s). The dev image runs whatever command it is given.
#
# No `# syntax=` line: BuildKit's built-in Dockerfile frontend serves, so a build pulls nothing but
# NODE_IMAGE. Without a registry, build with the Node image `./looklook containers up` makes:
#   docker build --build-arg NODE_IMAGE=looklook/node:24 --target dev -t looklook/dev .
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
ARG PNPM_VERSION=10.34.9
ENV CI=true
RUN npm install --global --no-audit --no-fund "pnpm@${PNPM_VERSION}"
WORKDIR /app

# Every dependency of the workspace, development ones included: compose runs any process from here and
# syncs source edits in (docker compose up --watch).
FROM base AS dev
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir /pnpm/store --package-import-method copy
CMD ["node", "--version"]

# Only the chosen process and the workspace packages it depends on, production dependencies only.
FROM base AS build
ARG SERVICE
COPY . .
RUN if [ -z "${SERVICE}" ] || [ ! -f "${SERVICE}/src/main.ts" ]; then \
      echo "build with --build-arg SERVICE=<folder holding src/main.ts>, e.g. app/order/api (got '${SERVICE}')" >&2; exit 1; \
    fi
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --filter "{./${SERVICE}}..." --store-dir /pnpm/store --package-import-method copy

FROM ${NODE_IMAGE} AS process
ARG SERVICE
ENV NODE_ENV=production
# V8's young generation capped at 4 MiB per semi-space instead of Node's default of up to 64 MiB: the
# same CPU per request here, and a busy api keeps about 100 MiB less (doc/performance.md).
ENV NODE_OPTIONS=--max-semi-space-size=4
# One glibc malloc arena for node's threads instead of up to eight per core: 2-3 MiB less per process.
ENV MALLOC_ARENA_MAX=1
# Root-owned and read-only for the process: it writes nothing but stdout.
COPY --from=build /app /app
WORKDIR /app/${SERVICE}
USER node
CMD ["node", "src/main.ts"]
