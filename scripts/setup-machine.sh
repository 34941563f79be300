#!/usr/bin/env bash
# Installs the Debian packages the project's tests need (as root), skipping what is present:
# the test cluster's runtime (etcd, containerd, runc, CNI plugins, iptables), the Docker
# engine that builds images, busybox for the base image, binutils (strip) for the Node
# runtime image, Chromium for browser tests, Redis for shared rate limits; and schemathesis
# (PyPI) in a virtualenv for the hostile-input test.
set -euo pipefail

PACKAGES=(
  docker.io etcd-server containerd runc containernetworking-plugins iptables conntrack
  iproute2 kmod openssl busybox-static unzip gcc libc6-dev binutils shellcheck chromium redis-server
)
SCHEMATHESIS_VERSION=4.32.5
VENV=${STOREFLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storefleet}/venv

install_schemathesis() {
  [ -x "$VENV/bin/st" ] && "$VENV/bin/st" --version 2>/dev/null | grep "$SCHEMATHESIS_VERSION" >/dev/null && return 0
  echo "[setup] installing schemathesis $SCHEMATHESIS_VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then install_schemathesis; exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "storefleet: these Debian packages are missing: ${missing[*]} (run this script as root)" >&2
  exit 1
fi
echo "[setup] installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# redis-server's package starts a system instance; tests run their own on other ports.
install_schemathesis
