#!/usr/bin/env bash
# Builds Pebble (a small ACME server for tests, from Let's Encrypt) and pebble-challtestsrv
# (its mock DNS and challenge server) with `go install` from the github.com/letsencrypt/pebble/v2
# module on the Go module proxy, into the cache. Prints the bin directory. Reuses a finished
# build. The module's go.mod has no `replace` lines, so no wrapper module is needed.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

out=$STOREFLEET_CACHE/pebble-$PEBBLE_VERSION/bin
mkdir -p "$out"
# One build at a time: a second caller waits and then finds the finished binaries.
exec 9>"$STOREFLEET_CACHE/.pebble-build.lock"
flock 9

module=github.com/letsencrypt/pebble/v2
if [ ! -x "$out/pebble" ] || [ ! -x "$out/pebble-challtestsrv" ]; then
  log "building Pebble $PEBBLE_VERSION (first run only: under a minute, seconds after)"
  start=$SECONDS
  # `pebble -version` prints main.version, as Pebble's release workflow stamps it.
  GOBIN=$out CGO_ENABLED=0 go install -trimpath -ldflags "-s -w -X 'main.version=$PEBBLE_VERSION'" \
    "$module/cmd/pebble@$PEBBLE_VERSION" "$module/cmd/pebble-challtestsrv@$PEBBLE_VERSION"
  log "built Pebble $PEBBLE_VERSION in $((SECONDS - start)) s"
fi
echo "$out"
