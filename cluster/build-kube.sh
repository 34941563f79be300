#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kube-proxy from
# the k8s.io/kubernetes module on the Go module proxy, into a cache outside the repository.
# Prints the bin directory on stdout. Reuses a finished build of the same version.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

mkdir -p "$STOREFLEET_CACHE"
# One build at a time: a second caller waits and then finds the finished binaries.
exec 9>"$STOREFLEET_CACHE/.kube-build.lock"
flock 9

COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

complete_build() {
  local dir=$1 c
  for c in "${COMPONENTS[@]}"; do [ -x "$dir/$c" ] || return 1; done
}

# Any finished build of this Kubernetes version will do, whichever Go built it.
for dir in "$STOREFLEET_CACHE"/kube-"$KUBE_VERSION"-*/bin; do
  if [ -d "$dir" ] && complete_build "$dir"; then
    log "using cached Kubernetes $KUBE_VERSION binaries in $dir"
    echo "$dir"; exit 0
  fi
done

# The wrapper module: k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces
# them with ./staging paths, which only work inside its own repository. Replacing each one
# with its published version lets `go build` resolve everything from the module proxy.
write_wrapper_module() {
  local dir=$1 kube_dir staging
  go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
  kube_dir=$(go list -m -f '{{.Dir}}' -mod=mod "k8s.io/kubernetes@$KUBE_VERSION" 2>/dev/null ||
    go env GOMODCACHE | sed "s|\$|/k8s.io/kubernetes@$KUBE_VERSION|")
  staging=$(sed -n 's|^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*|\1|p' "$kube_dir/go.mod")
  {
    echo "module storefleet.local/kube-build"
    echo
    echo "go 1.25.0"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    echo "replace ("
    for m in $staging; do echo "	$m => $m $KUBE_STAGING_VERSION"; done
    echo ")"
  } >"$dir/go.mod"
  # Carry over the pins Kubernetes itself builds with (its go.mod's require block), so the
  # binaries use the same dependency versions as an official release.
  sed -n '/^require (/,/^)/p' "$kube_dir/go.mod" | grep -v 'k8s.io/.* v0.0.0$' >>"$dir/go.mod"
  cp "$kube_dir/go.sum" "$dir/go.sum"
}

ldflags() {
  local minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  local kv
  for kv in "gitVersion=$KUBE_VERSION" "gitMajor=1" "gitMinor=$minor" \
    "gitTreeState=clean" "gitCommit=$KUBE_VERSION" \
    "buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"; do
    printf -- "-X 'k8s.io/client-go/pkg/version.%s' -X 'k8s.io/component-base/version.%s' " "$kv" "$kv"
  done
  printf -- '-s -w'
}

build_with() {
  local toolchain=$1 work gov out
  gov=$(GOTOOLCHAIN=$toolchain go env GOVERSION)
  out="$STOREFLEET_CACHE/kube-$KUBE_VERSION-$gov"
  work="$out/src"
  mkdir -p "$work" "$out/bin"
  write_wrapper_module "$work"
  log "building Kubernetes $KUBE_VERSION with $gov (first build only: about 9 min on 2 idle cores, up to 25 when busy; later starts take seconds)"
  local c start=$SECONDS
  for c in "${COMPONENTS[@]}"; do
    [ -x "$out/bin/$c" ] && continue
    log "  go build $c ..."
    (cd "$work" && GOTOOLCHAIN=$toolchain GOFLAGS=-mod=mod CGO_ENABLED=0 \
      go build -trimpath -ldflags "$(ldflags)" -o "$out/bin/$c.tmp" "k8s.io/kubernetes/cmd/$c") || return 1
    mv "$out/bin/$c.tmp" "$out/bin/$c"
    log "  built $c ($((SECONDS - start)) s so far)"
  done
  log "Kubernetes $KUBE_VERSION built in $((SECONDS - start)) s"
  echo "$out/bin"
}

build_with local || {
  log "build with $(go_version) failed; retrying with GOTOOLCHAIN=$KUBE_GO_TOOLCHAIN from the module proxy"
  build_with "$KUBE_GO_TOOLCHAIN"
}
