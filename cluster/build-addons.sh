#!/usr/bin/env bash
# Builds CoreDNS and local-path-provisioner with `go install` from the Go module proxy into
# the cache. Prints the bin directory. Reuses finished builds.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

out=$STOREFLEET_CACHE/addons-coredns-$COREDNS_VERSION-lpp-$LOCAL_PATH_PROVISIONER_VERSION/bin
mkdir -p "$out"
exec 9>"$STOREFLEET_CACHE/.addons-build.lock"
flock 9

install() {
  local binary=$1 module=$2
  [ -x "$out/$binary" ] && return 0
  log "building $module (first run only)"
  local start=$SECONDS
  GOBIN=$out CGO_ENABLED=0 go install -trimpath -ldflags '-s -w' "$module"
  log "built $binary in $((SECONDS - start)) s"
}
install coredns "github.com/coredns/coredns@$COREDNS_VERSION"
install local-path-provisioner "github.com/rancher/local-path-provisioner@$LOCAL_PATH_PROVISIONER_VERSION"
echo "$out"
