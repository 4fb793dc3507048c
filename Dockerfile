# One image for every process of the product; docker-compose.yml picks the command. Node 24 LTS, which .ci/run tests
# besides Node 20 (packages/config/src/docker-compose.test.ts checks the base image).
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1
COPY . .
RUN npm ci --no-audit --no-fund && npm run build

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
