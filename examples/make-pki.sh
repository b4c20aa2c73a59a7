#!/usr/bin/env bash
# Generates the secret-bearing files of the bundled example node roots with real openssl:
# the kubeadm PKI (etc/kubernetes/pki), the kubeconfigs that embed client certificates
# (etc/kubernetes/*.conf), the kubelet's client and serving certificates (var/lib/kubelet/pki),
# the encryption configuration keys and the static token file; then writes each example's
# .modes manifest and applies it (apply-modes.sh).
#
# The generated files are committed: they are test data for a public example, and their private
# keys protect nothing. Run again only to renew them (e.g. before the leaf certificates expire):
#   bash examples/make-pki.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CA_DAYS=3650
stamp=$(date -u +%Y-%m-%d-%H-%M-%S)
LEAF_DAYS=1825

# ca DIR NAME CN: a self-signed CA (RSA 2048, as kubeadm makes them)
ca() {
  local dir=$1 name=$2 cn=$3
  openssl genrsa -out "$dir/$name.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$dir/$name.key" -sha256 -days "$CA_DAYS" -subj "/CN=$cn" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$dir/$name.crt"
}

# leaf OUT_BASE SUBJECT CA_BASE EKU [SANS]: a key and a certificate signed by CA_BASE.{crt,key}
leaf() {
  local out=$1 subj=$2 ca=$3 eku=$4 sans=${5:-}
  local ext
  ext=$(mktemp)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    echo "authorityKeyIdentifier=keyid"
    if [ -n "$sans" ]; then echo "subjectAltName=$sans"; fi
  } >"$ext"
  openssl genrsa -out "$out.key" 2048 2>/dev/null
  openssl req -new -key "$out.key" -subj "$subj" -out "$out.csr"
  openssl x509 -req -in "$out.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -sha256 -days "$LEAF_DAYS" \
    -extfile "$ext" -out "$out.crt" 2>/dev/null
  rm -f "$out.csr" "$ext" "$ca.srl"
}

b64() { base64 -w0 <"$1"; }

# kubeconfig FILE SERVER USER CERT_BASE CA_FILE [insecure]: a kubeconfig with embedded credentials, as kubeadm writes it
kubeconfig() {
  local file=$1 server=$2 user=$3 cert=$4 cafile=$5 insecure=${6:-}
  {
    echo "apiVersion: v1"
    echo "clusters:"
    echo "- cluster:"
    if [ "$insecure" = insecure ]; then
      echo "    insecure-skip-tls-verify: true"
    else
      echo "    certificate-authority-data: $(b64 "$cafile")"
    fi
    echo "    server: $server"
    echo "  name: kubernetes"
    echo "contexts:"
    echo "- context:"
    echo "    cluster: kubernetes"
    echo "    user: $user"
    echo "  name: $user@kubernetes"
    echo "current-context: $user@kubernetes"
    echo "kind: Config"
    echo "preferences: {}"
    echo "users:"
    echo "- name: $user"
    echo "  user:"
    echo "    client-certificate-data: $(b64 "$cert.crt")"
    echo "    client-key-data: $(b64 "$cert.key")"
  } >"$file"
  rm -f "$cert.crt" "$cert.key"
}

# encryption_config FILE FIRST: an EncryptionConfiguration for Secrets with a fresh 32-byte aescbc key;
# FIRST is the provider listed first (the one that writes): "identity" or "aescbc"
encryption_config() {
  local file=$1 first=$2 key
  key=$(openssl rand -base64 32)
  {
    echo "apiVersion: apiserver.config.k8s.io/v1"
    echo "kind: EncryptionConfiguration"
    echo "resources:"
    echo "  - resources:"
    echo "      - secrets"
    echo "    providers:"
    if [ "$first" = identity ]; then echo "      - identity: {}"; fi
    echo "      - aescbc:"
    echo "          keys:"
    echo "            - name: key-2024-01"
    echo "              secret: $key"
    if [ "$first" = aescbc ]; then echo "      - identity: {}"; fi
  } >"$file"
}

# example NAME HOST IP SEPARATE_ETCD_CA(yes|no) HARDENED(yes|no)
example() {
  local name=$1 host=$2 ip=$3 separate=$4 hardened=$5
  local root="$here/$name"
  local k="$root/etc/kubernetes" pki="$root/etc/kubernetes/pki" kpki="$root/var/lib/kubelet/pki"
  rm -rf "$pki" "$kpki" "$k"/*.conf
  mkdir -p "$pki/etcd" "$kpki"
  local admins=kubeadm:cluster-admins
  [ "$hardened" = yes ] || admins=system:masters

  ca "$pki" ca kubernetes
  leaf "$pki/apiserver" "/CN=kube-apiserver" "$pki/ca" serverAuth \
    "DNS:$host,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1,IP:$ip"
  leaf "$pki/apiserver-kubelet-client" "/O=$admins/CN=kube-apiserver-kubelet-client" "$pki/ca" clientAuth
  ca "$pki" front-proxy-ca front-proxy-ca
  leaf "$pki/front-proxy-client" "/CN=front-proxy-client" "$pki/front-proxy-ca" clientAuth
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null

  if [ "$separate" = yes ]; then
    ca "$pki/etcd" ca etcd-ca
  else
    # The weak spot: etcd trusts the cluster CA, so every client certificate the cluster CA ever
    # signed (kubelets, admins, controllers) is also an etcd client certificate.
    cp "$pki/ca.crt" "$pki/etcd/ca.crt"
    cp "$pki/ca.key" "$pki/etcd/ca.key"
  fi
  local etcd_sans="DNS:$host,DNS:localhost,IP:$ip,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"
  leaf "$pki/etcd/server" "/CN=$host" "$pki/etcd/ca" serverAuth,clientAuth "$etcd_sans"
  leaf "$pki/etcd/peer" "/CN=$host" "$pki/etcd/ca" serverAuth,clientAuth "$etcd_sans"
  leaf "$pki/etcd/healthcheck-client" "/CN=kube-etcd-healthcheck-client" "$pki/etcd/ca" clientAuth
  leaf "$pki/apiserver-etcd-client" "/CN=kube-apiserver-etcd-client" "$pki/etcd/ca" clientAuth

  local server="https://$ip:6443"
  leaf "$k/admin" "/O=$admins/CN=kubernetes-admin" "$pki/ca" clientAuth
  kubeconfig "$k/admin.conf" "$server" kubernetes-admin "$k/admin" "$pki/ca.crt"
  leaf "$k/super-admin" "/O=system:masters/CN=kubernetes-super-admin" "$pki/ca" clientAuth
  kubeconfig "$k/super-admin.conf" "$server" kubernetes-super-admin "$k/super-admin" "$pki/ca.crt"
  leaf "$k/controller-manager" "/CN=system:kube-controller-manager" "$pki/ca" clientAuth
  kubeconfig "$k/controller-manager.conf" "$server" system:kube-controller-manager "$k/controller-manager" "$pki/ca.crt"
  leaf "$k/scheduler" "/CN=system:kube-scheduler" "$pki/ca" clientAuth
  if [ "$hardened" = yes ]; then
    kubeconfig "$k/scheduler.conf" "$server" system:kube-scheduler "$k/scheduler" "$pki/ca.crt"
  else
    # The weak spot: the scheduler does not verify the API server it talks to.
    kubeconfig "$k/scheduler.conf" "$server" system:kube-scheduler "$k/scheduler" "$pki/ca.crt" insecure
  fi

  # kubelet client certificate, rotated by the kubelet into a dated file plus a -current symlink
  leaf "$kpki/client" "/O=system:nodes/CN=system:node:$host" "$pki/ca" clientAuth
  cat "$kpki/client.crt" "$kpki/client.key" >"$kpki/kubelet-client-$stamp.pem"
  rm -f "$kpki/client.crt" "$kpki/client.key"
  ln -s /var/lib/kubelet/pki/kubelet-client-$stamp.pem "$kpki/kubelet-client-current.pem"
  {
    echo "apiVersion: v1"
    echo "clusters:"
    echo "- cluster:"
    echo "    certificate-authority-data: $(b64 "$pki/ca.crt")"
    echo "    server: $server"
    echo "  name: kubernetes"
    echo "contexts:"
    echo "- context:"
    echo "    cluster: kubernetes"
    echo "    user: system:node:$host"
    echo "  name: system:node:$host@kubernetes"
    echo "current-context: system:node:$host@kubernetes"
    echo "kind: Config"
    echo "preferences: {}"
    echo "users:"
    echo "- name: system:node:$host"
    echo "  user:"
    echo "    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem"
    echo "    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem"
  } >"$k/kubelet.conf"

  if [ "$hardened" = yes ]; then
    # serverTLSBootstrap: the serving certificate is signed by the cluster CA (kubernetes.io/kubelet-serving)
    leaf "$kpki/server" "/O=system:nodes/CN=system:node:$host" "$pki/ca" serverAuth "DNS:$host,IP:$ip"
    cat "$kpki/server.crt" "$kpki/server.key" >"$kpki/kubelet-server-$stamp.pem"
    rm -f "$kpki/server.crt" "$kpki/server.key"
    ln -s /var/lib/kubelet/pki/kubelet-server-$stamp.pem "$kpki/kubelet-server-current.pem"
    # controller-manager and scheduler serve with CA-signed certificates instead of self-signed ones
    leaf "$pki/kube-controller-manager-server" "/CN=kube-controller-manager" "$pki/ca" serverAuth "DNS:localhost,IP:127.0.0.1"
    leaf "$pki/kube-scheduler-server" "/CN=kube-scheduler" "$pki/ca" serverAuth "DNS:localhost,IP:127.0.0.1"
    # Calico CNI reaches the API server with its own client certificate (no etcd access)
    leaf "$root/etc/cni/net.d/calico-cni" "/CN=calico-cni" "$pki/ca" clientAuth
    kubeconfig "$root/etc/cni/net.d/calico-kubeconfig" "$server" calico-cni "$root/etc/cni/net.d/calico-cni" "$pki/ca.crt"
    mkdir -p "$k/enc"
    encryption_config "$k/enc/encryption-config.yaml" aescbc
  else
    # No serving certificate configured: the kubelet self-signs one at start (its own one-off CA)
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$kpki/kubelet.key" -sha256 -days 365 \
      -subj "/CN=$host@$(date -u +%s)" -addext "subjectAltName=DNS:$host" -out "$kpki/kubelet.crt" 2>/dev/null
    mkdir -p "$k/enc" "$k/auth"
    encryption_config "$k/enc/encryption-config.yaml" identity
    # A static token file: bearer tokens that never expire (the values are made up for the example)
    {
      echo "$(openssl rand -hex 16),admin,1000,\"system:masters\""
      echo "$(openssl rand -hex 16),deploy-bot,1001,\"ci\""
    } >"$k/auth/known_tokens.csv"
  fi
}

# modes NAME: the mode of every file and directory of the example, as the node would have them
modes() {
  local name=$1 root="$here/$1"
  (
    cd "$root"
    find . -mindepth 1 -not -name .modes -not -name '.gitkeep' \( -type f -o \( -type d -not -empty \) \) | sed 's|^\./||' | LC_ALL=C sort | while read -r p; do
      echo "$(mode_of "$name" "$p") $p"
    done
  ) >"$root/.modes"
}

# mode_of NAME PATH: kubeadm's modes (manifests, keys, kubeconfigs 0600; certificates 0644), with the
# insecure example's deliberate exceptions, and the hardened example at CIS modes throughout.
mode_of() {
  local name=$1 p=$2
  if [ -d "$here/$name/$p" ]; then
    case "$p" in
      var/lib/etcd) [ "$name" = hardened ] && echo 0700 || echo 0755 ;;
      *) echo 0755 ;;
    esac
    return
  fi
  case "$p" in
    etc/passwd | etc/group | etc/hostname) echo 0644; return ;;
  esac
  if [ "$name" = hardened ]; then
    echo 0600
    return
  fi
  case "$p" in
    etc/kubernetes/pki/apiserver.key | etc/kubernetes/pki/sa.key | etc/kubernetes/auth/known_tokens.csv) echo 0644 ;; # the weak spots
    etc/systemd/* | usr/lib/systemd/*) echo 0644 ;;
    *.key | *.pem | *.conf | *.env | etc/kubernetes/manifests/* | etc/kubernetes/enc/* | etc/kubernetes/auth/*) echo 0600 ;;
    *) echo 0644 ;;
  esac
}

example kubeadm-insecure cp-1 10.0.0.10 no no
example hardened cp-secure-1 10.0.0.20 yes yes
modes kubeadm-insecure
modes hardened
bash "$here/apply-modes.sh"
