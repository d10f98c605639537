#!/bin/sh
# Temporal bootstrap for Whistle, run by the `temporal-setup` compose job
# (admin-tools image, `temporal` CLI). Waits for the frontend, creates the
# namespace when missing and registers Whistle's search attributes.
# Idempotent: safe at every `docker compose up`. POSIX sh (also runs under bash).
#
# Env: TEMPORAL_ADDRESS (temporal:7233), TEMPORAL_NAMESPACE (default),
#      TEMPORAL_NAMESPACE_RETENTION (720h = 30 days, set at every run),
#      TEMPORAL_SETUP_WAIT_SECONDS (180, per phase).
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-720h}"
WAIT_SECONDS="${TEMPORAL_SETUP_WAIT_SECONDS:-180}"

# name:type (types as `temporal operator search-attribute create --type` takes them)
SEARCH_ATTRIBUTES='
WhistleStatus:Keyword
WhistleList:Keyword
StreetId:Keyword
CommunityId:Keyword
DepartmentIds:KeywordList
Category:Keyword
DueAt:Datetime
Overdue:Bool
HelpStatus:Keyword
WhistleDueSoon:Bool
'

log() { printf 'temporal-setup: %s\n' "$*"; }
die() { printf 'temporal-setup: ERROR: %s\n' "$*" >&2; exit 1; }
tcli() { temporal "$@" --address "$ADDRESS"; }
now() { date +%s; }

# "Keyword", "KEYWORD_LIST", "INDEXED_VALUE_TYPE_KEYWORD_LIST"... -> "keywordlist"
norm() {
  printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | sed 's/^indexed_value_type_//; s/_//g'
}

# Type of a search attribute in the namespace, empty when unknown (or on error).
current_type() {
  tcli operator search-attribute list --namespace "$NAMESPACE" 2>/dev/null |
    awk -v n="$1" '$1 == n { print $2; exit }'
}

# 1. Frontend up.
deadline=$(( $(now) + WAIT_SECONDS ))
until tcli operator cluster health >/dev/null 2>&1; do
  [ "$(now)" -lt "$deadline" ] || die "frontend at $ADDRESS not serving after ${WAIT_SECONDS}s"
  log "waiting for the frontend at $ADDRESS"
  sleep 3
done
log "frontend at $ADDRESS is serving"

# 2. Namespace, with its retention period: 30 days (720h) after a workflow
#    closes, its history — which holds the reporter's name — is removed. An
#    existing namespace is brought to the retention asked for, every run.
if tcli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  log "namespace $NAMESPACE exists; setting its retention to $RETENTION"
  out=$(tcli operator namespace update --namespace "$NAMESPACE" --retention "$RETENTION" 2>&1) ||
    die "cannot set the retention of namespace $NAMESPACE: $out"
else
  log "creating namespace $NAMESPACE (retention $RETENTION)"
  if ! out=$(tcli operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" 2>&1); then
    case $out in
      *[Aa]lready*) log "namespace $NAMESPACE already exists" ;;
      *) die "cannot create namespace $NAMESPACE: $out" ;;
    esac
  fi
fi

# 3. Search attributes. A new namespace takes a few seconds to reach every
#    frontend cache, so failures are retried until the deadline.
deadline=$(( $(now) + WAIT_SECONDS ))
changed=0
for pair in $SEARCH_ATTRIBUTES; do
  name=${pair%%:*}
  type=${pair#*:}
  while :; do
    have=$(current_type "$name")
    if [ -n "$have" ]; then
      [ "$(norm "$have")" = "$(norm "$type")" ] ||
        die "search attribute $name exists as $have, Whistle needs $type (fix by hand)"
      log "search attribute $name ($type) present"
      break
    fi
    if out=$(tcli operator search-attribute create --namespace "$NAMESPACE" \
        --name "$name" --type "$type" 2>&1); then
      log "registered search attribute $name ($type)"
      changed=1
      break
    fi
    # "already exists" (a concurrent run) is settled by the next listing.
    [ "$(now)" -lt "$deadline" ] || die "cannot register search attribute $name: $out"
    log "retrying $name: $out"
    sleep 3
  done
done

# Let history/matching refresh their namespace caches before workers upsert
# the new attributes.
if [ "$changed" -eq 1 ]; then
  log "waiting 15s for namespace caches to pick up the new search attributes"
  sleep 15
fi
log "done"
