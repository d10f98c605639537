# Whistle API and worker image (same image, different command).
# TypeScript runs through tsx, a runtime dependency, so the API and the worker need no build
# step: production dependencies plus the sources are all the image needs. The staff console
# (工作台) is built in a stage of its own with its dev dependencies (Vite, Vue, Element Plus);
# the image gets only the built files (console/dist), which the API serves at /console/.
FROM node:24.11-bookworm-slim AS console

ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY console ./console
# The console's words are the vocabulary's (domain/labels.ts), shared with the API.
COPY domain ./domain
RUN node node_modules/vite/bin/vite.js build --config console/vite.config.mts

FROM node:24.11-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first so this layer is reused while only sources change.
# (Temporal's native core-bridge ships prebuilt glibc binaries: bookworm fits.)
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# Sources (filtered by .dockerignore). Files stay root-owned: the app only
# reads them and writes to /tmp (tsx cache).
COPY . .
COPY --from=console /app/console/dist ./console/dist

USER node
EXPOSE 3000

# `docker compose` sets the command per service: `npm run api` / `npm run worker`.
CMD ["npm", "run", "api"]
