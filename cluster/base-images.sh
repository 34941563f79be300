#!/usr/bin/env bash
# Builds the two images every pod here needs, from local files only: the pause image
# (containerd's sandbox_image) and a small busybox base image for the project's own images.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

have_image() { ctr --address "$CONTAINERD_SOCK" -n k8s.io images ls -q | grep -x "$1" >/dev/null; }

# A recipe changes → the image is rebuilt: the stamp holds a hash of what went into it.
STAMPS=$CLUSTER_STATE/image-stamps
recipe_hash() { cat "$CLUSTER_DIR/base-images.sh" "$CLUSTER_DIR"/images/pause/* "$CLUSTER_DIR"/images/base/* | sha256sum | cut -c1-16; }
current() { have_image "$1" && [ "$(cat "$STAMPS/${1//[:\/]/_}" 2>/dev/null)" = "$(recipe_hash)" ]; }
stamp() { mkdir -p "$STAMPS"; recipe_hash >"$STAMPS/${1//[:\/]/_}"; }

build_pause() {
  local dir
  dir=$(mktemp -d)
  chmod 755 "$dir"  # the image root; mktemp makes it private to root
  gcc -static -Os -o "$dir/pause" "$CLUSTER_DIR/images/pause/pause.c"
  strip "$dir/pause"
  bash "$CLUSTER_DIR/image.sh" rootfs "$PAUSE_IMAGE" "$dir" --change 'ENTRYPOINT ["/pause"]' --change 'USER 65535'
  rm -rf "$dir"
}

build_base() {
  local dir
  dir=$(mktemp -d)
  chmod 755 "$dir"  # the image root; mktemp makes it private to root
  mkdir -p "$dir/bin" "$dir/etc/ssl/certs" "$dir/tmp" "$dir/root"
  chmod 1777 "$dir/tmp"
  cp "$(command -v busybox)" "$dir/bin/busybox"
  for applet in $("$dir/bin/busybox" --list); do
    [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
  done
  cp "$CLUSTER_DIR/images/base/passwd" "$CLUSTER_DIR/images/base/group" "$dir/etc/"
  cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/"
  bash "$CLUSTER_DIR/image.sh" rootfs "$BASE_IMAGE" "$dir" \
    --change 'ENV PATH=/bin' --change 'USER 10001' --change 'CMD ["/bin/sh"]'
  rm -rf "$dir"
}

# Docker builds the project's images FROM the base image, so it must be in Docker's own store
# too: that store can be gone while the cluster's containerd still has the image (Docker
# reinstalled, its data wiped).
in_docker() { bash "$CLUSTER_DIR/docker.sh" && docker image inspect "$1" >/dev/null 2>&1; }

current "$PAUSE_IMAGE" || { build_pause; stamp "$PAUSE_IMAGE"; }
if ! current "$BASE_IMAGE" || ! in_docker "$BASE_IMAGE"; then build_base; stamp "$BASE_IMAGE"; fi
