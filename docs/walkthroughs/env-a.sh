# Walkthrough A's settings: production, its own database, ports and Temporal file.
export NODE_ENV=production
export API_KEY_PEPPER=$(cat /tmp/walk/pepper)   # openssl rand -hex 32 > /tmp/walk/pepper, once
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/whistle_walk
export PORT=3310
export TEMPORAL_ADDRESS=127.0.0.1:7310          # its Web UI on 8310
export TEMPORAL_DB_FILE=/tmp/walk/temporal.db
export WORKER_METRICS_PORT=9510
export TEMPORAL_UI_URL=http://127.0.0.1:8310
