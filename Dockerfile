# Whistle API and worker image (same image, different command).
# TypeScript runs through tsx, a runtime dependency, so there is no build step:
# production dependencies plus the sources are all the image needs.
FROM node:20.19-bookworm-slim

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

USER node
EXPOSE 3000

# `docker compose` sets the command per service: `npm run api` / `npm run worker`.
CMD ["npm", "run", "api"]
