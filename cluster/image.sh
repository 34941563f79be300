#!/usr/bin/env bash
# Builds an image with Docker and imports it into the test cluster's containerd (there is
# no registry). Usage:
#   cluster/image.sh build TAG DOCKERFILE CONTEXT [docker build args...]
#   cluster/image.sh rootfs TAG DIR [docker import --change args...]
#   cluster/image.sh import TAG
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

import_image() {
  local tag=$1
  docker save "$tag" | ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --no-unpack=false - >/dev/null
  log "imported $tag into the cluster"
}

cmd=${1:-}; shift || true
case "$cmd" in
  build)
    tag=$1 dockerfile=$2 context=$3; shift 3
    bash "$CLUSTER_DIR/docker.sh"
    log "docker build $tag"
    docker build --quiet --network=host -t "$tag" -f "$dockerfile" "$@" "$context" >/dev/null
    import_image "$tag" ;;
  rootfs)
    tag=$1 dir=$2; shift 2
    bash "$CLUSTER_DIR/docker.sh"
    tar -C "$dir" -c . | docker import "$@" - "$tag" >/dev/null
    import_image "$tag" ;;
  import) import_image "$1" ;;
  *) die "usage: image.sh build|rootfs|import ..." ;;
esac
