#!/usr/bin/env bash
# Finds the Temporal CLI (its dev server runs Temporal on one machine) and prints its path.
# Order: $TEMPORAL_CLI, `temporal` on PATH, Go's bin folder. When none is found it builds
# the CLI from source with Go (the first build takes several minutes; nothing lands in the repo).
set -euo pipefail
VERSION="v1.5.1"   # newest tag installable with `go install` (later ones carry replace directives); its server 1.29.1
                   # does task-queue priority and fairness behind two dynamic config flags (bench/fairness.ts)

if [ -n "${TEMPORAL_CLI:-}" ] && [ -x "${TEMPORAL_CLI}" ]; then echo "${TEMPORAL_CLI}"; exit 0; fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi

GO="$(command -v go || true)"
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
if [ -n "$GO" ]; then
  GOBIN_DIR="$("$GO" env GOBIN)"
  [ -z "$GOBIN_DIR" ] && GOBIN_DIR="$("$GO" env GOPATH)/bin"
  if [ -x "$GOBIN_DIR/temporal" ]; then echo "$GOBIN_DIR/temporal"; exit 0; fi
  echo "Temporal CLI not found: building github.com/temporalio/cli@${VERSION} with Go (takes a few minutes, once)..." >&2
  "$GO" install "github.com/temporalio/cli/cmd/temporal@${VERSION}" >&2
  echo "$GOBIN_DIR/temporal"
  exit 0
fi

cat >&2 <<MSG
error: the Temporal CLI is missing and there is no Go toolchain to build it.
Either install Go (https://go.dev/doc/install) and run this again, which runs
  go install github.com/temporalio/cli/cmd/temporal@${VERSION}
or install the CLI another way (https://docs.temporal.io/cli#install) and put it on PATH
or point TEMPORAL_CLI at it. Or set TEMPORAL_ADDRESS to a Temporal server that already runs.
MSG
exit 1
