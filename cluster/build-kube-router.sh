#!/usr/bin/env bash
# Builds kube-router (only its NetworkPolicy firewall runs here) with `go install` from the
# Go module proxy into the cache. Prints the bin directory. Reuses a finished build.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

go_install_cached kube-router "$KUBE_ROUTER_VERSION" "about 11 min on 2 busy cores" '-s -w' \
  "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION"
