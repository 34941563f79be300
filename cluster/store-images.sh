#!/usr/bin/env bash
# Builds the real store images (WordPress on Apache + mod_php, and MariaDB) from Debian
# packages with mmdebstrap, caches each image's rootfs under $STOREFLEET_CACHE keyed by its
# recipe, and imports them into the test cluster's containerd, together with the WooCommerce
# zip's image (cluster/woocommerce-source.sh). Usage:
#   cluster/store-images.sh build    # Docker images only (cached); prints the image names
#   cluster/store-images.sh import   # build, then import into the local cluster's containerd
# The cache key is the recipe (these files), not the mirror's state: to pick up Debian's
# latest security updates, delete $STOREFLEET_CACHE/store-images and run it again.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
RECIPES=$CLUSTER_DIR/images/store
# shellcheck source=images/store/versions.env
. "$RECIPES/versions.env"

# Debian's own mirror; the security suite carries PHP's and MariaDB's fixes.
MIRROR=${STOREFLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${STOREFLEET_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

# What a container never needs: docs (copyright files stay), man pages, translations.
DPKG_EXCLUDES=(
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*'
)

# What makes an image: its recipe files and the functions below that build it (not the
# rest of this script, so a change to, say, a log line rebuilds nothing, nor does a comment
# in versions.env or another WooCommerce version, which only woocommerce-source.sh ships).
recipe_hash() {
  { grep -v -e '^#' -e '^WOOCOMMERCE_' "$RECIPES/versions.env"; cat "$RECIPES/$1"/*; declare -f build_rootfs build; printf '%s\n' "${DPKG_EXCLUDES[@]}"; } |
    sha256sum | cut -c1-16
}

build_rootfs() {
  local name=$1 packages=$2 out=$3
  # Hooks get the rootfs path as $1; customize.sh puts the image contract in place,
  # including directories under /run, which mmdebstrap would otherwise empty.
  mmdebstrap --quiet --format=tar --variant=essential --skip=cleanup/run --include="$packages" "${DPKG_EXCLUDES[@]}" \
    --customize-hook="bash $RECIPES/$name/customize.sh \"\$1\" $RECIPES/$name" \
    "$STORE_DEBIAN_SUITE" "$out" \
    "deb $MIRROR $STORE_DEBIAN_SUITE main" "deb $MIRROR $STORE_DEBIAN_SUITE-updates main" \
    "deb $SECURITY_MIRROR $STORE_DEBIAN_SUITE-security main" >&2
}

# rootfs_tar NAME PACKAGES → the cached rootfs tarball of that image, built when missing.
rootfs_tar() {
  local name=$1 packages=$2 tar started
  tar="$STOREFLEET_CACHE/store-images/$name-$STORE_DEBIAN_SUITE-$(recipe_hash "$name").tar"
  mkdir -p "$(dirname "$tar")"
  # One build at a time per cache (a test run and `npm start` may both ask).
  exec 9>"$(dirname "$tar")/.lock"
  flock 9
  if [ ! -s "$tar" ]; then
    command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: apt-get install mmdebstrap"
    [ "$(id -u)" = 0 ] || die "building the store images needs root (mmdebstrap's chroot mode): sudo bash $0 ${COMMAND:-import}"
    log "building the $name image from Debian $STORE_DEBIAN_SUITE packages: 1 to 3 minutes, once"
    started=$SECONDS
    rm -f "$tar.partial"
    build_rootfs "$name" "$packages" "$tar.partial"
    mv "$tar.partial" "$tar"
    log "built the $name rootfs in $((SECONDS - started)) s ($(du -m "$tar" | cut -f1) MB): $(versions_in "$tar")"
    # Older recipes of the same image are dead weight.
    find "$(dirname "$tar")" -name "$name-*.tar" ! -path "$tar" -delete
  fi
  exec 9>&-
  printf '%s\n' "$tar"
}

# What went in, as the customize hook recorded it (Debian versions of the main packages).
versions_in() { tar -xOf "$1" ./etc/storefleet-versions | tr '\n' ' ' | sed 's/ $//'; }

# docker_image NAME IMAGE PACKAGES CHANGES... → a Docker image from the cached rootfs.
docker_image() {
  local name=$1 image=$2 packages=$3 tar hash; shift 3
  tar=$(rootfs_tar "$name" "$packages")
  hash=$(recipe_hash "$name")
  if [ "$(docker image inspect -f '{{index .Config.Labels "io.storefleet.recipe"}}' "$image" 2>/dev/null)" != "$hash" ]; then
    docker import --change "LABEL io.storefleet.recipe=$hash" \
      --change "LABEL io.storefleet.debian-versions=\"$(versions_in "$tar")\"" "$@" "$tar" "$image" >/dev/null
  fi
  # What went in, at every run (a cached image too), for the caller's log (`npm start`).
  log "$image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}')): $(docker image inspect -f '{{index .Config.Labels "io.storefleet.debian-versions"}}' "$image")"
}

build() {
  bash "$CLUSTER_DIR/docker.sh"
  docker_image wordpress "$STORE_WORDPRESS_IMAGE" "$STORE_WORDPRESS_PACKAGES" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'WORKDIR /var/www/html' --change 'USER 33' --change 'EXPOSE 80' \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["apache2-foreground"]'
  docker_image mariadb "$STORE_MARIADB_IMAGE" "$STORE_MARIADB_PACKAGES" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'USER 999' --change 'EXPOSE 3306' --change 'VOLUME /var/lib/mysql' \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["mariadbd"]'
  printf '%s\n' "$STORE_WORDPRESS_IMAGE" "$STORE_MARIADB_IMAGE"
}

# Imports only what containerd lacks or holds from an older recipe (a stamp per image).
STAMPS=$CLUSTER_STATE/image-stamps
import_current() {
  local image=$1 stamp want
  stamp="$STAMPS/${image//[:\/]/_}"
  want=$(docker image inspect -f '{{.Id}}' "$image")
  if ! ctr --address "$CONTAINERD_SOCK" -n k8s.io images ls -q | grep -qx "$image" || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    bash "$CLUSTER_DIR/image.sh" import "$image"
    mkdir -p "$STAMPS" && printf '%s\n' "$want" >"$stamp"
  fi
}

# The WooCommerce zip's image, built (and imported) by its own script: its name on stdout.
woocommerce_source() {
  bash "$CLUSTER_DIR/woocommerce-source.sh" "$1" | sed -E 's/.*"image":\{"repository":"([^"]+)","tag":"([^"]+)"\}.*/\1:\2/'
}

COMMAND=${1:-}
case "$COMMAND" in
  build) build; woocommerce_source build ;;
  import)
    images=$(build)
    for image in $images; do import_current "$image"; done
    printf '%s\n' "$images"
    woocommerce_source import ;;
  *) die "usage: store-images.sh build|import" ;;
esac
