# Walkthrough B's settings: development (the Changle seed, keys and passwords dev-<id>), its own
# database, ports and Temporal file.
unset NODE_ENV API_KEY_PEPPER
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/whistle_week
export PORT=3320
export TEMPORAL_ADDRESS=127.0.0.1:7320          # its Web UI on 8320
export TEMPORAL_DB_FILE=/tmp/walk/temporal-week.db
export WORKER_METRICS_PORT=9520
export TEMPORAL_UI_URL=http://127.0.0.1:8320
B=http://127.0.0.1:3320
