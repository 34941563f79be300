#!/usr/bin/env bash
# Makes the cluster's certificates, service-account keys and kubeconfigs with openssl.
# Idempotent: existing files are kept, so a restarted cluster keeps its identity.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PKI=$CLUSTER_STATE/pki
mkdir -p "$PKI"
cd "$PKI"

if [ ! -f ca.crt ]; then
  log "creating cluster CA"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
    -subj "/CN=storefleet-test-cluster-ca" 2>/dev/null
fi
[ -f sa.key ] || { openssl genrsa -out sa.key 2048 2>/dev/null; openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null; }

# client_cert NAME CN [O] — a client certificate signed by the cluster CA.
client_cert() {
  local name=$1 cn=$2 org=${3:-} subj
  [ -f "$name.crt" ] && return 0
  subj="/CN=$cn"; [ -n "$org" ] && subj="/O=$org$subj"
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subj" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

if [ ! -f apiserver.crt ]; then
  log "creating kube-apiserver serving certificate"
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
    -subj "/CN=kube-apiserver" 2>/dev/null
  cat >apiserver.ext <<EXT
extendedKeyUsage=serverAuth
subjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:$NODE_IP,IP:$SERVICE_APISERVER_IP
EXT
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
    -extfile apiserver.ext -out apiserver.crt 2>/dev/null
  rm -f apiserver.csr apiserver.ext
fi

client_cert admin kubernetes-admin system:masters
client_cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
client_cert controller-manager system:kube-controller-manager
client_cert scheduler system:kube-scheduler
client_cert kube-proxy system:kube-proxy
client_cert kubelet "system:node:$NODE_NAME" system:nodes

# kubeconfig NAME — a kubeconfig for the client certificate NAME.
kubeconfig() {
  local name=$1 out=$CLUSTER_STATE/$1.kubeconfig
  [ -f "$out" ] && return 0
  cat >"$out" <<KC
apiVersion: v1
kind: Config
clusters:
- name: storefleet-test
  cluster:
    server: https://$NODE_IP:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 <ca.crt)
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 <"$name.crt")
    client-key-data: $(base64 -w0 <"$name.key")
contexts:
- name: storefleet-test
  context: {cluster: storefleet-test, user: $name}
current-context: storefleet-test
KC
  chmod 600 "$out"
}
for n in admin controller-manager scheduler kube-proxy kubelet; do kubeconfig "$n"; done
