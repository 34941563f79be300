#!/usr/bin/env bash
# Builds metrics-server (the metrics.k8s.io aggregated API that HorizontalPodAutoscalers read)
# with `go install` from the sigs.k8s.io/metrics-server module on the Go module proxy, into
# the cache. Prints the bin directory. Reuses a finished build. The module's go.mod has no
# `replace` lines, so no wrapper module is needed.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# The version stamp metrics-server's Makefile sets (`metrics-server --version` prints it);
# the module proxy gives no commit hash, so gitCommit stays empty.
pkg=k8s.io/client-go/pkg/version
go_install_cached metrics-server "$METRICS_SERVER_VERSION" "4-10 min on 2 busy cores" "-s -w \
  -X $pkg.gitVersion=$METRICS_SERVER_VERSION -X $pkg.gitTreeState=clean \
  -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION"
