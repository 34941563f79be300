#!/usr/bin/env bash
# Builds the API image (Dockerfile.api) from a prepared context: the API sources, production
# dependencies installed from the lockfile, the dashboard bundle and the chart's plans.
# Usage: scripts/build-api-image.sh TAG [docker build args...]
#   e.g. scripts/build-api-image.sh registry.example/storefleet-api:1.0
# STOREFLEET_IMPORT=1 imports the image into the local test cluster instead of leaving it in
# Docker (there is no registry there), building the Node runtime image from local files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tag=${1:?usage: build-api-image.sh TAG [docker build args...]}
shift

[ -f "$root/web-components/dist/cdn/store-manager.js" ] || npm --prefix "$root" run build
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
app=$stage/app
mkdir -p "$app/api" "$app/web-components/dist/cdn"
cp "$root/package.json" "$root/package-lock.json" "$app/"
cp "$root/api/package.json" "$app/api/"
mkdir -p "$app/web-components" && cp "$root/web-components/package.json" "$app/web-components/"
# Production dependencies of the API only, exactly as locked.
(cd "$app" && npm ci --omit=dev --workspace api --include-workspace-root=false --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
cp -r "$root/api/src" "$app/api/"
# What the API and the elements both speak (zod schemas and types; api/src imports it).
cp -r "$root/contract" "$app/"
find "$app/contract" -name '*.test.ts' -delete
find "$app/api/src" -name '*.test.ts' -delete
cp "$root/web-components/dist/cdn/store-manager.js" "$app/web-components/dist/cdn/"
# The plans the chart sizes stores by and its values schema (api/src/store/plans.ts and
# value-rules.ts read them).
mkdir -p "$app/chart" && cp "$root/chart/plans.json" "$root/chart/values.schema.json" "$app/chart/"

if [ "${STOREFLEET_IMPORT:-}" = 1 ]; then
  bash "$root/cluster/node-runtime-image.sh" storefleet.local/node-runtime:24
  bash "$root/cluster/image.sh" build "$tag" "$root/Dockerfile.api" "$stage" --build-arg RUNTIME_IMAGE=storefleet.local/node-runtime:24 "$@"
else
  docker build -t "$tag" -f "$root/Dockerfile.api" "$@" "$stage"
fi
