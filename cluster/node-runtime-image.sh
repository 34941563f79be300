#!/usr/bin/env bash
# Builds storefleet.local/node-runtime:24 from local files: the Node 24 binary that the npm
# package `node` carries (stripped), the glibc libraries it links, CA certificates and a
# passwd with the nonroot user — the same layout as distroless's nodejs image, which needs
# a registry this machine does not have. Usage: cluster/node-runtime-image.sh [TAG]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

tag=${1:-storefleet.local/node-runtime:24}
node_bin=$(readlink -f "$CLUSTER_DIR/../node_modules/node/bin/node")
[ -x "$node_bin" ] || die "no Node binary at node_modules/node/bin/node: run npm ci first"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"  # the image root; mktemp makes it private to root
mkdir -p "$dir/nodejs/bin" "$dir/etc/ssl/certs" "$dir/tmp" "$dir/home/nonroot"
chmod 1777 "$dir/tmp"
cp "$node_bin" "$dir/nodejs/bin/node"
strip "$dir/nodejs/bin/node"
# The dynamic loader and every library the binary links, at the paths it asks for.
for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do
  mkdir -p "$dir$(dirname "$lib")"
  cp -L "$lib" "$dir$lib"
done
cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/"
cp "$CLUSTER_DIR/images/node-runtime/passwd" "$CLUSTER_DIR/images/node-runtime/group" "$dir/etc/"
chown 65532:65532 "$dir/home/nonroot"
bash "$CLUSTER_DIR/image.sh" rootfs "$tag" "$dir" \
  --change 'ENV PATH=/nodejs/bin' --change 'USER 65532' --change 'ENTRYPOINT ["/nodejs/bin/node"]'
