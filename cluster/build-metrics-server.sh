#!/usr/bin/env bash
# Builds metrics-server (the metrics.k8s.io aggregated API that HorizontalPodAutoscalers read)
# with `go install` from the sigs.k8s.io/metrics-server module on the Go module proxy, into
# the cache. Prints the bin directory. Reuses a finished build. The module's go.mod has no
# `replace` lines, so no wrapper module is needed.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

out=$STOREFLEET_CACHE/metrics-server-$METRICS_SERVER_VERSION/bin
mkdir -p "$out"
# One build at a time: a second caller waits and then finds the finished binary.
exec 9>"$STOREFLEET_CACHE/.metrics-server-build.lock"
flock 9

if [ ! -x "$out/metrics-server" ]; then
  log "building metrics-server $METRICS_SERVER_VERSION (first run only: 4-10 min on 2 busy cores, seconds after)"
  start=$SECONDS
  # The version stamp metrics-server's Makefile sets (`metrics-server --version` prints it);
  # the module proxy gives no commit hash, so gitCommit stays empty.
  pkg=k8s.io/client-go/pkg/version
  GOBIN=$out CGO_ENABLED=0 go install -trimpath -ldflags "-s -w \
    -X $pkg.gitVersion=$METRICS_SERVER_VERSION -X $pkg.gitTreeState=clean \
    -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION"
  log "built metrics-server $METRICS_SERVER_VERSION in $((SECONDS - start)) s"
fi
echo "$out"
