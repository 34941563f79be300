#!/usr/bin/env bash
# Stops the local test cluster. Keeps certificates and the build cache; pass --purge to also
# delete etcd data, containerd state and pods (the next start is then a fresh cluster).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

stop() {
  local f=$CLUSTER_STATE/pids/$1.pid
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $1"
    kill "$pid"
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

for c in traefik kube-router local-path-provisioner coredns kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver; do stop "$c"; done
# Pods outlive the kubelet: stop their shims before containerd.
pkill -f "containerd-shim-runc-v2 .*$CONTAINERD_SOCK" 2>/dev/null || true
stop containerd
stop etcd
if [ "${1:-}" = --purge ]; then
  log "purging cluster state"
  grep " $CLUSTER_STATE/" /proc/mounts | awk '{print $2}' | sort -r | xargs -r umount -l
  rm -rf "$CLUSTER_STATE"
  ip link del "$NODE_IFACE" 2>/dev/null || true
  ip link del sf-cni0 2>/dev/null || true
fi
