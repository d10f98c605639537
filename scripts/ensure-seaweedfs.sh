#!/usr/bin/env bash
# Finds SeaweedFS's `weed` binary (an S3-compatible object store; the attachment storage
# tests run one) and prints its path. Order: $WEED_BIN (when set, it must be the binary), `weed`
# on PATH, Go's bin folder, ~/.cache/whistle/weed. When none is found it builds `weed` from source with Go, once per
# machine (about 7 minutes on two cores; nothing lands in the repo). With --find-only it never
# builds: it prints the path or exits 1 (the tests use this; a missing binary fails them).
#
# `go install github.com/seaweedfs/seaweedfs/weed@…` is refused because SeaweedFS's go.mod
# carries a `replace` directive, so the build happens in a throwaway wrapper module, made in a
# temp dir, that requires SeaweedFS at a pinned version and repeats its replace line.
set -euo pipefail
FIND_ONLY=no
[ "${1:-}" = "--find-only" ] && FIND_ONLY=yes
MODULE="github.com/seaweedfs/seaweedfs"
VERSION="v0.0.0-20261109003541-7506e5f91cd6"
REPLACE_OLD="github.com/tyler-smith/go-bip39"
REPLACE_NEW="github.com/cosmos/go-bip39@v1.0.0"

if [ -n "${WEED_BIN:-}" ]; then
  if [ -x "${WEED_BIN}" ]; then echo "${WEED_BIN}"; exit 0; fi
  echo "error: WEED_BIN is set to ${WEED_BIN}, which is not an executable file" >&2
  exit 1
fi
if command -v weed >/dev/null 2>&1; then command -v weed; exit 0; fi
CACHE_BIN="${XDG_CACHE_HOME:-$HOME/.cache}/whistle/weed"

GO="$(command -v go || true)"
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
if [ -n "$GO" ]; then
  GOBIN_DIR="$("$GO" env GOBIN)"
  [ -z "$GOBIN_DIR" ] && GOBIN_DIR="$("$GO" env GOPATH)/bin"
  if [ -x "$GOBIN_DIR/weed" ]; then echo "$GOBIN_DIR/weed"; exit 0; fi
  if [ -x "$CACHE_BIN" ]; then echo "$CACHE_BIN"; exit 0; fi
  if [ "$FIND_ONLY" = yes ]; then
    echo "error: SeaweedFS's weed binary is missing; build it once with: bash scripts/ensure-seaweedfs.sh" >&2
    exit 1
  fi

  echo "SeaweedFS not found: building ${MODULE}/weed@${VERSION} with Go (takes several minutes, once)..." >&2
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  (
    cd "$WORK"
    "$GO" mod init whistle.local/weed-build >&2
    "$GO" mod edit -require="${MODULE}@${VERSION}" -replace="${REPLACE_OLD}=${REPLACE_NEW}"
    # Records every checksum the build needs in the wrapper's go.sum.
    "$GO" get "${MODULE}/weed@${VERSION}" >&2
    mkdir -p "$GOBIN_DIR"
    "$GO" build -o "$WORK/weed" "${MODULE}/weed" >&2
    mv "$WORK/weed" "$GOBIN_DIR/weed"
  )
  echo "$GOBIN_DIR/weed"
  exit 0
fi

if [ -x "$CACHE_BIN" ]; then echo "$CACHE_BIN"; exit 0; fi
cat >&2 <<MSG
error: SeaweedFS's weed binary is missing and there is no Go toolchain to build it.
Either install Go (https://go.dev/doc/install) and run this again, or download a weed release
(https://github.com/seaweedfs/seaweedfs/releases) and put it on PATH, at ${CACHE_BIN},
or point WEED_BIN at it.
MSG
exit 1
