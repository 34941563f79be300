#!/usr/bin/env bash
# Builds Pebble (a small ACME server for tests, from Let's Encrypt) and pebble-challtestsrv
# (its mock DNS and challenge server) with `go install` from the github.com/letsencrypt/pebble/v2
# module on the Go module proxy, into the cache. Prints the bin directory. Reuses a finished
# build. The module's go.mod has no `replace` lines, so no wrapper module is needed.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

module=github.com/letsencrypt/pebble/v2
# `pebble -version` prints main.version, as Pebble's release workflow stamps it.
go_install_cached pebble "$PEBBLE_VERSION" "under a minute" "-s -w -X 'main.version=$PEBBLE_VERSION'" \
  "$module/cmd/pebble@$PEBBLE_VERSION" "$module/cmd/pebble-challtestsrv@$PEBBLE_VERSION"
