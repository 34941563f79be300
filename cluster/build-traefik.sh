#!/usr/bin/env bash
# Builds Traefik (the cluster's ingress controller, as on k3s) from the
# github.com/traefik/traefik/v3 module on the Go module proxy, into the cache. Prints the bin
# directory. Reuses a finished build.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

base=$STOREFLEET_CACHE/traefik-$TRAEFIK_VERSION
out=$base/bin
mkdir -p "$out"
# One build at a time: a second caller waits and then finds the finished binary.
exec 9>"$STOREFLEET_CACHE/.traefik-build.lock"
flock 9

if [ -x "$out/traefik" ]; then echo "$out"; exit 0; fi

module=github.com/traefik/traefik/v3

# The wrapper module: `go install …@version` refuses a module whose go.mod has `replace`
# directives, and a dependency's replaces are ignored anyway. So a small module in the cache
# requires Traefik and repeats its go.mod's `replace` (forks of gorilla/mux, go-http-auth and
# minheap) and `exclude` lines, as cluster/build-kube.sh does for k8s.io/kubernetes.
write_wrapper_module() {
  local dir=$1 traefik_dir
  go mod download -json "$module@$TRAEFIK_VERSION" >/dev/null
  traefik_dir=$(go env GOMODCACHE)/$module@$TRAEFIK_VERSION
  [ -f "$traefik_dir/go.mod" ] || die "no go.mod for $module@$TRAEFIK_VERSION in the module cache"
  {
    echo "module storefleet.local/traefik-build"
    echo
    sed -n '/^go [0-9.]*$/p' "$traefik_dir/go.mod"
    echo
    echo "require $module $TRAEFIK_VERSION"
    echo
    sed -n '/^replace (/,/^)/p; /^replace [^(]/p; /^exclude /p' "$traefik_dir/go.mod"
  } >"$dir/go.mod"
  grep -q '=>' "$dir/go.mod" || die "found no replace directives in Traefik's go.mod"
  cp "$traefik_dir/go.sum" "$dir/go.sum"
  chmod u+w "$dir/go.sum"
}

log "building Traefik $TRAEFIK_VERSION (first run only: 18 min on 2 cores shared with the Kubernetes build, seconds after)"
start=$SECONDS
work=$base/src
mkdir -p "$work"
write_wrapper_module "$work"
pkg=$module/pkg/version
(cd "$work" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w \
  -X $pkg.Version=${TRAEFIK_VERSION#v} -X $pkg.Codename=$TRAEFIK_CODENAME \
  -X $pkg.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  -o "$out/traefik.tmp" "$module/cmd/traefik")
mv "$out/traefik.tmp" "$out/traefik"
log "built Traefik $TRAEFIK_VERSION in $((SECONDS - start)) s"
echo "$out"
