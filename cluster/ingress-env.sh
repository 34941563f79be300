#!/usr/bin/env bash
# Prints, as a JSON object, where the cluster's ingress controller (Traefik) answers: the port
# shops open on from this host (http://<store>.localhost:PORT/) and the address pods reach it
# at (the node IP), for the API's STOREFLEET_SHOP_CHECK_ADDRESS.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
printf '{"className":"traefik","port":%s,"checkAddress":"%s:%s"}\n' "$INGRESS_HTTP_PORT" "$NODE_IP" "$INGRESS_HTTP_PORT"
