#!/usr/bin/env bash
# Installs what the project needs and a fresh Debian 12 machine lacks, skipping what is
# present. `npm test` and `npm start` run it first, so those two commands are all a newcomer
# types; cluster/up.sh runs it too.
#   setup-machine.sh        everything `npm test` needs: the test cluster's runtime (etcd,
#                           containerd, runc, CNI plugins, iptables, and ipset for the
#                           NetworkPolicy engine), the Docker engine that
#                           builds images, busybox for the base image, binutils (strip) for
#                           the Node runtime image, shellcheck, Chromium for browser tests,
#                           Redis for shared rate limits, mmdebstrap for the store images
#                           built from Debian packages, and schemathesis (PyPI) in a
#                           virtualenv for the hostile-input test;
#   setup-machine.sh start  only what `npm start` needs before it reaches a cluster (unzip
#                           for helm/kubectl); starting the local cluster brings the rest,
#                           and mmdebstrap for the store images it then builds.
set -euo pipefail

if [ "${1:-}" = start ]; then
  PACKAGES=(unzip)
else
  PACKAGES=(
    docker.io etcd-server containerd runc containernetworking-plugins iptables ipset conntrack
    iproute2 kmod openssl busybox-static unzip gcc libc6-dev binutils shellcheck chromium redis-server
    mmdebstrap
  )
fi
SCHEMATHESIS_VERSION=4.32.5
VENV=${STOREFLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storefleet}/venv

install_schemathesis() {
  [ "${1:-}" = start ] && return 0
  [ -x "$VENV/bin/st" ] && "$VENV/bin/st" --version 2>/dev/null | grep "$SCHEMATHESIS_VERSION" >/dev/null && return 0
  echo "[setup] 2/2 schemathesis $SCHEMATHESIS_VERSION from PyPI into $VENV (about 30 s)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
}

if ! command -v dpkg-query >/dev/null; then
  echo "storefleet: not a Debian machine; install these yourself if missing: ${PACKAGES[*]}" >&2
  install_schemathesis "${1:-}"
  exit 0
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "storefleet: missing Debian packages: ${missing[*]}; run \`sudo bash scripts/setup-machine.sh${1:+ $1}\` once, then try again." >&2
    exit 1
  fi
  echo "[setup] 1/2 Debian packages: installing ${#missing[@]} missing (${missing[*]}); about 2 min on a fresh machine" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # redis-server's package starts a system instance; tests run their own on other ports.
fi
install_schemathesis "${1:-}"
