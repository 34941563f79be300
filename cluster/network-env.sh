#!/usr/bin/env bash
# Prints, as a JSON object, the API settings that describe this cluster's network to the store
# NetworkPolicies: its pod, service and node ranges, and its DNS server, which runs on the
# node rather than as kube-dns pods.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
printf '{"STOREFLEET_CLUSTER_CIDRS":"%s,%s,%s/32","STOREFLEET_DNS_CIDRS":"%s/32"}\n' \
  "$POD_CIDR" "$SERVICE_CIDR" "$NODE_IP" "$NODE_IP"
