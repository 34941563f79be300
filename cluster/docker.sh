#!/usr/bin/env bash
# Starts Debian's Docker engine when none answers. Docker only builds images here: it gets
# no bridge and no iptables rules, so it cannot disturb the cluster's pod network, and
# builds run with --network=host.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

docker info >/dev/null 2>&1 && exit 0
command -v dockerd >/dev/null || die "dockerd not found: run scripts/setup-machine.sh"
mkdir -p "$CLUSTER_STATE/logs"
log "starting dockerd"
setsid dockerd --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
  --host=unix:///var/run/docker.sock >>"$CLUSTER_STATE/logs/dockerd.log" 2>&1 </dev/null &
for _ in $(seq 60); do docker info >/dev/null 2>&1 && exit 0; sleep 1; done
die "dockerd did not start; see $CLUSTER_STATE/logs/dockerd.log"
