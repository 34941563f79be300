#!/usr/bin/env bash
# Builds cert-manager's controller and its ACME HTTP-01 solver (acmesolver) from the
# github.com/cert-manager/cert-manager module on the Go module proxy, into the cache, and
# copies its CRDs beside them. Prints the bin directory (the CRDs are in ../crds).
# Reuses a finished build. STOREFLEET_CERT_MANAGER_ALL=1 also builds the webhook and the
# cainjector, which the bundled cluster does not need.
#
# Upstream's commands (cmd/controller, cmd/acmesolver, cmd/webhook, cmd/cainjector) are
# nested modules (…/controller-binary etc., `replace github.com/cert-manager/cert-manager =>
# ../../`) that are untagged and absent from the root module's zip, so the module proxy
# serves none of them. Everything they run lives in the root module: the control loops and
# issuers register themselves when imported, and the solver is one exported type. So a
# wrapper module in the cache holds small entrypoints of ours (cluster/cert-manager/*) and
# requires cert-manager at the pinned version, with cert-manager's own dependency pins. It is
# named under github.com/cert-manager/cert-manager/, as upstream's nested modules are, so the
# webhook entrypoint may import cert-manager's internal/ packages.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

base=$STOREFLEET_CACHE/cert-manager-$CERT_MANAGER_VERSION
out=$base/bin
mkdir -p "$out"
# One build at a time: a second caller waits and then finds the finished build.
exec 9>"$STOREFLEET_CACHE/.cert-manager-build.lock"
flock 9

COMMANDS=(controller acmesolver)
[ "${STOREFLEET_CERT_MANAGER_ALL:-}" = 1 ] && COMMANDS+=(webhook cainjector)
# The entrypoints are ours and may change without a version bump: a build records their hash.
source_hash=$(cat "$CLUSTER_DIR"/cert-manager/*/*.go | sha256sum | cut -c1-16)
complete_build() {
  local c
  [ "$(cat "$out/.source" 2>/dev/null)" = "$source_hash" ] || return 1
  for c in "${COMMANDS[@]}"; do [ -x "$out/$c" ] || return 1; done
  compgen -G "$base/crds/*.yaml" >/dev/null
}
if complete_build; then echo "$out"; exit 0; fi
rm -f "$out/.source" "${COMMANDS[@]/#/$out/}"

module=github.com/cert-manager/cert-manager

write_wrapper_module() {
  local dir=$1 cm_dir
  go mod download -json "$module@$CERT_MANAGER_VERSION" >/dev/null
  cm_dir=$(go env GOMODCACHE)/$module@$CERT_MANAGER_VERSION
  [ -f "$cm_dir/go.mod" ] || die "no go.mod for $module@$CERT_MANAGER_VERSION in the module cache"
  # The root go.mod has no replace lines today; fail loudly if that changes.
  if grep -q '^replace' "$cm_dir/go.mod"; then die "cert-manager's go.mod now has replace lines: repeat them here"; fi
  {
    echo "module $module/storefleet-build"
    echo
    sed -n '/^go [0-9.]*$/p' "$cm_dir/go.mod"
    echo
    echo "require $module $CERT_MANAGER_VERSION"
    echo
    # cert-manager's own pins, so the binaries use the dependency versions of its release.
    sed -n '/^require (/,/^)/p' "$cm_dir/go.mod"
  } >"$dir/go.mod"
  cp "$cm_dir/go.sum" "$dir/go.sum"
  chmod u+w "$dir/go.sum"
  rm -rf "$dir/cmd"
  mkdir -p "$dir/cmd"
  cp -r "$CLUSTER_DIR"/cert-manager/*/ "$dir/cmd/"
  mkdir -p "$base/crds"
  cp "$cm_dir"/deploy/crds/*.yaml "$base/crds/"
  chmod u+w "$base"/crds/*.yaml
}

log "building cert-manager $CERT_MANAGER_VERSION (${COMMANDS[*]}) (first run only: 9 min on 2 busy cores, seconds after)"
start=$SECONDS
work=$base/src
mkdir -p "$work"
write_wrapper_module "$work"
ldflags="-s -w -X $module/pkg/util.AppVersion=$CERT_MANAGER_VERSION"
for c in "${COMMANDS[@]}"; do
  log "  go build $c ..."
  (cd "$work" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" \
    -o "$out/$c.tmp" "./cmd/$c")
  mv "$out/$c.tmp" "$out/$c"
  log "  built $c ($((SECONDS - start)) s so far)"
done
echo "$source_hash" >"$out/.source"
log "built cert-manager $CERT_MANAGER_VERSION in $((SECONDS - start)) s"
echo "$out"
