#!/usr/bin/env bash
# Builds kube-router (only its NetworkPolicy firewall runs here) with `go install` from the
# Go module proxy into the cache. Prints the bin directory. Reuses a finished build.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

out=$STOREFLEET_CACHE/kube-router-$KUBE_ROUTER_VERSION/bin
mkdir -p "$out"
exec 9>"$STOREFLEET_CACHE/.kube-router-build.lock"
flock 9

if [ ! -x "$out/kube-router" ]; then
  log "building kube-router $KUBE_ROUTER_VERSION (first run only: about 11 min on 2 busy cores, seconds after)"
  start=$SECONDS
  GOBIN=$out CGO_ENABLED=0 go install -trimpath -ldflags '-s -w' \
    "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION"
  log "built kube-router in $((SECONDS - start)) s"
fi
echo "$out"
