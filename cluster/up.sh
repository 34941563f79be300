#!/usr/bin/env bash
# Starts (or reuses) the local single-node test cluster: etcd, containerd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet, kube-proxy, the NetworkPolicy engine
# (kube-router's firewall), CoreDNS, local-path-provisioner and the ingress controller
# (Traefik) as host processes.
# Idempotent: components already running are left alone. Prints the admin kubeconfig path.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "the test cluster runs kubelet and containerd, which need root"
START=$SECONDS
mkdir -p "$CLUSTER_STATE"/{logs,pids,cni/net.d}
# Two test runs starting at once would race on the same interface, ports and pid files:
# the second waits for the first, then finds everything running. `flock -o` keeps the lock's
# descriptor out of this script, so the components it leaves running never hold the lock.
if [ "${STOREFLEET_START_LOCKED:-}" != 1 ]; then
  exec env STOREFLEET_START_LOCKED=1 flock -o "$CLUSTER_STATE/start.lock" bash "$0" "$@"
fi

bash "$CLUSTER_DIR/../scripts/setup-machine.sh"
# The Go builds are independent: on a cold machine they run side by side, so one's module
# downloads overlap another's compile; warm, each prints its cached bin dir at once.
BUILDS=$(mktemp -d)
build_pids=()
for component in kube addons kube-router traefik; do
  bash "$CLUSTER_DIR/build-$component.sh" >"$BUILDS/$component" &
  build_pids+=("$!")
done
for pid in "${build_pids[@]}"; do wait "$pid" || die "a build failed (its log is above)"; done
BIN=$(cat "$BUILDS/kube") ADDONS_BIN=$(cat "$BUILDS/addons")
NETPOL_BIN=$(cat "$BUILDS/kube-router") INGRESS_BIN=$(cat "$BUILDS/traefik")
rm -rf "$BUILDS"
TOOLS=$(bash "$CLUSTER_DIR/tools.sh")
KUBECTL=("$TOOLS/kubectl" --kubeconfig "$KUBECONFIG_ADMIN")

# A component runs when its recorded pid is alive and still that component (after a reboot
# or a killed session the pid may belong to something else).
running() {
  local f=$CLUSTER_STATE/pids/$1.pid
  [ -f "$f" ] && { tr '\0' ' ' <"/proc/$(cat "$f")/cmdline"; } 2>/dev/null | grep -- "$1" >/dev/null
}

# start NAME CMD... — runs a component in its own session, logging to logs/NAME.log.
start() {
  local name=$1; shift
  if running "$name"; then return 0; fi
  log "starting $name"
  setsid "$@" >>"$CLUSTER_STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$CLUSTER_STATE/pids/$name.pid"
}

# wait_for WHAT SECONDS CMD... — polls CMD until it succeeds.
wait_for() {
  local what=$1 limit=$2; shift 2
  local t0=$SECONDS
  until "$@" >/dev/null 2>&1; do
    [ $((SECONDS - t0)) -lt "$limit" ] || die "$what not ready after ${limit}s; logs in $CLUSTER_STATE/logs"
    sleep 1
  done
}

setup_host_network() {
  # A dummy interface where the kernel has the driver, else an empty bridge: both just
  # hold an address that is always up.
  if ! ip link show "$NODE_IFACE" >/dev/null 2>&1; then
    ip link add "$NODE_IFACE" type dummy 2>/dev/null || ip link add "$NODE_IFACE" type bridge
  fi
  ip link set "$NODE_IFACE" up
  ip addr replace "$NODE_IP/32" dev "$NODE_IFACE"
  sysctl -qw net.ipv4.ip_forward=1
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  cat >"$CLUSTER_STATE/cni/net.d/10-storefleet.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "storefleet",
  "plugins": [
    {
      "type": "bridge", "bridge": "sf-cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$NODE_POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
}

start_etcd() {
  start etcd etcd --name storefleet --data-dir "$CLUSTER_STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "storefleet=http://127.0.0.1:$ETCD_PEER_PORT" \
    --quota-backend-bytes 4294967296 --snapshot-count 10000
  wait_for etcd 60 curl -fsS "http://127.0.0.1:$ETCD_CLIENT_PORT/health"
}

start_containerd() {
  mkdir -p "$(dirname "$CONTAINERD_SOCK")"
  cat >"$CLUSTER_STATE/containerd.toml" <<TOML
version = 2
root = "$CLUSTER_STATE/containerd"
state = "$(dirname "$CONTAINERD_SOCK")/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # Root here lacks CAP_SYS_RESOURCE, so the negative oom_score_adj kubelet asks for (-998
  # for sandboxes) cannot be set; clamp it to containerd's own instead of failing the pod.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CLUSTER_STATE/cni/net.d"
TOML
  start containerd containerd --config "$CLUSTER_STATE/containerd.toml"
  wait_for containerd 60 ctr --address "$CONTAINERD_SOCK" version
}

start_apiserver() {
  local pki=$CLUSTER_STATE/pki
  start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --bind-address 0.0.0.0 --secure-port "$APISERVER_PORT" --advertise-address "$NODE_IP" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --api-audiences https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --allow-privileged=true --profiling=false --v=1
  wait_for kube-apiserver 120 "${KUBECTL[@]}" get --raw /readyz
}

start_controllers() {
  local pki=$CLUSTER_STATE/pki
  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$CLUSTER_STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$CLUSTER_STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$CLUSTER_STATE/controller-manager.kubeconfig" \
    --use-service-account-credentials=true \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --allocate-node-cidrs=true --cluster-cidr "$POD_CIDR" --node-cidr-mask-size 24 \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --controllers '*,bootstrapsigner,tokencleaner' --leader-elect=false \
    --bind-address 127.0.0.1 --secure-port 10257 --v=1
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$CLUSTER_STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$CLUSTER_STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig "$CLUSTER_STATE/scheduler.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port 10259 --v=1
}

start_kubelet() {
  mkdir -p "$CLUSTER_STATE/kubelet"
  cat >"$CLUSTER_STATE/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $CLUSTER_STATE/pki/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
# This host runs cgroup v1; Kubernetes 1.35 refuses it unless told otherwise.
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
podCIDR: $NODE_POD_CIDR
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
maxPods: 110
serializeImagePulls: false
# A test machine's disk may be nearly full; evict late rather than taint the only node.
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%}
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
YAML
  start kubelet "$BIN/kubelet" --config "$CLUSTER_STATE/kubelet.yaml" \
    --kubeconfig "$CLUSTER_STATE/kubelet.kubeconfig" --root-dir "$CLUSTER_STATE/kubelet" \
    --cert-dir "$CLUSTER_STATE/kubelet/pki" \
    --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --v=1
}

start_kube_proxy() {
  cat >"$CLUSTER_STATE/kube-proxy.yaml.new" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $CLUSTER_STATE/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Leave the host's conntrack table size alone; it may not be writable here.
conntrack: {maxPerCore: 0}
YAML
  # A running kube-proxy exits when its config file is written to, even with the same content.
  if cmp -s "$CLUSTER_STATE/kube-proxy.yaml.new" "$CLUSTER_STATE/kube-proxy.yaml"; then
    rm "$CLUSTER_STATE/kube-proxy.yaml.new"
  else
    mv "$CLUSTER_STATE/kube-proxy.yaml.new" "$CLUSTER_STATE/kube-proxy.yaml"
  fi
  start kube-proxy "$BIN/kube-proxy" --config "$CLUSTER_STATE/kube-proxy.yaml" --v=1
}

# Cluster DNS: CoreDNS on the node IP, answering for cluster.local only (nothing here can
# resolve outside names anyway).
start_coredns() {
  cat >"$CLUSTER_STATE/Corefile" <<COREFILE
cluster.local:53 in-addr.arpa:53 {
    bind $NODE_IP
    errors
    kubernetes cluster.local in-addr.arpa {
        kubeconfig $KUBECONFIG_ADMIN storefleet-test
        pods insecure
        fallthrough in-addr.arpa
    }
    cache 5
}
.:53 {
    bind $NODE_IP
    errors
    template ANY ANY {
        rcode NXDOMAIN
    }
}
COREFILE
  start coredns "$ADDONS_BIN/coredns" -conf "$CLUSTER_STATE/Corefile"
}

# The default StorageClass "local-path", as on k3s.
start_local_path_provisioner() {
  mkdir -p "$CLUSTER_STATE/local-path"
  sed -e "s|@VOLUME_DIR@|$CLUSTER_STATE/local-path|" -e "s|@BASE_IMAGE@|$BASE_IMAGE|" \
    "$CLUSTER_DIR/addons.yaml" | "${KUBECTL[@]}" apply -f - >/dev/null
  start local-path-provisioner "$ADDONS_BIN/local-path-provisioner" start \
    --kubeconfig "$KUBECONFIG_ADMIN" --namespace local-path-storage \
    --configmap-name local-path-config --provisioner-name rancher.io/local-path \
    --helper-image "$BASE_IMAGE"
}

# NetworkPolicy enforcement, which the bridge CNI lacks: kube-router's firewall alone (no
# routing, no service proxy) keeps iptables chains and ipsets per policy beside kube-proxy's.
# Traffic from the node itself (kubelet probes) stays allowed, as NetworkPolicy expects.
start_kube_router() {
  running kube-router && return 0
  "${KUBECTL[@]}" apply -f "$CLUSTER_DIR/kube-router.yaml" >/dev/null
  write_token_kubeconfig kube-router
  start kube-router "$NETPOL_BIN/kube-router" --kubeconfig "$CLUSTER_STATE/kube-router.kubeconfig" \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
    --hostname-override "$NODE_NAME" --service-cluster-ip-range "$SERVICE_CIDR" \
    --health-port 20244
  wait_for kube-router 60 curl -fsS http://127.0.0.1:20244/healthz
}

# write_token_kubeconfig NAME — $CLUSTER_STATE/NAME.kubeconfig with the long-lived token of
# the kube-system ServiceAccount NAME (its Secret NAME-token, once the token controller
# filled it in).
write_token_kubeconfig() {
  local name=$1 token
  wait_for "the $name token" 60 sa_token_ready "$name"
  token=$("${KUBECTL[@]}" -n kube-system get secret "$name-token" -o jsonpath='{.data.token}' | base64 -d)
  (umask 077 && cat >"$CLUSTER_STATE/$name.kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: storefleet, cluster: {server: "https://$NODE_IP:$APISERVER_PORT", certificate-authority: "$CLUSTER_STATE/pki/ca.crt"}}]
users: [{name: $name, user: {token: "$token"}}]
contexts: [{name: $name, context: {cluster: storefleet, user: $name}}]
current-context: $name
KUBECONFIG
  )
}
sa_token_ready() {
  [ -n "$("${KUBECTL[@]}" -n kube-system get secret "$1-token" -o jsonpath='{.data.token}')" ]
}

# The ingress controller, as on k3s: Traefik's Kubernetes Ingress provider with one
# entryPoint on the host's loopback, so http://<host>.localhost:$INGRESS_HTTP_PORT/ reaches
# an Ingress's backend. It forwards straight to pod IPs (the host routes the pod range via
# the CNI bridge) and publishes 127.0.0.1 as every Ingress's address. It runs as the
# ServiceAccount "traefik" (addons.yaml), read from KUBECONFIG; without the in-cluster
# variables Traefik uses that file.
start_traefik() {
  if ! running traefik; then
    write_token_kubeconfig traefik
    start traefik env -u KUBERNETES_SERVICE_HOST -u KUBERNETES_SERVICE_PORT \
      KUBECONFIG="$CLUSTER_STATE/traefik.kubeconfig" "$INGRESS_BIN/traefik" \
      --entryPoints.web.address="127.0.0.1:$INGRESS_HTTP_PORT" \
      --entryPoints.node.address="$NODE_IP:$INGRESS_HTTP_PORT" \
      --providers.kubernetesingress=true \
      --providers.kubernetesingress.ingressendpoint.ip=127.0.0.1 \
      --global.checkNewVersion=false --global.sendAnonymousUsage=false \
      --log.level=INFO --log.noColor=true
  fi
  # Shops open from this host on loopback (web); pods reach the same routes at the node IP (node),
# where the provisioner checks that a shop opens (STOREFLEET_SHOP_CHECK_ADDRESS, ingress-env.sh).
# With no route for a host Traefik answers 404: it is listening and has its configuration.
  wait_for traefik 60 traefik_answers
}
traefik_answers() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$INGRESS_HTTP_PORT/")" = 404 ]
}

node_ready() {
  [ "$("${KUBECTL[@]}" get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}
default_sa_ready() { "${KUBECTL[@]}" -n default get serviceaccount default; }

setup_host_network
bash "$CLUSTER_DIR/pki.sh"
start_etcd
start_containerd
bash "$CLUSTER_DIR/base-images.sh"
start_apiserver
start_controllers
start_kubelet
start_kube_proxy
start_coredns
start_kube_router
wait_for "node $NODE_NAME" 180 node_ready
wait_for "default ServiceAccount" 60 default_sa_ready
start_local_path_provisioner
start_traefik
log "cluster ready in $((SECONDS - START)) s — export KUBECONFIG=$KUBECONFIG_ADMIN"
log "ingress: Traefik on 127.0.0.1:$INGRESS_HTTP_PORT, e.g. http://<host>.localhost:$INGRESS_HTTP_PORT/ (Ingress address 127.0.0.1)"
echo "$KUBECONFIG_ADMIN"
