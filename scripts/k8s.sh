# shellcheck shell=bash
# A real single-node Kubernetes on this machine, for running deploy/k8s as production would:
#
#   ./looklook k8s up        build the binaries once per machine, start the cluster, then put the project on
#                            it (scripts/k8s-project.sh); returns when every Deployment is Available
#   ./looklook k8s status    one line per piece of the cluster, and whether the node is Ready
#   ./looklook k8s test      up, then test/k8s
#   ./looklook k8s kubectl   kubectl with the cluster's admin credentials
#   ./looklook k8s down      stop everything and give the machine back the settings the cluster changed
#
# Kubernetes v1.33 (apiserver, controller-manager, scheduler, kubelet, kube-proxy, kubectl), CoreDNS and
# metrics-server are built from the Go module proxy through the tool modules under tools/ and cached in
# ~/.cache/looklook/bin by their pins. Debian gives etcd, containerd, runc and the CNI plugins; none of them
# runs as a system service: this script starts each one with its state under data/k8s, a containerd of its
# own (its socket K8S_CONTAINERD_SOCK, its images kept in ~/.cache/looklook/k8s so another clone or cluster
# reuses them) and a PKI of its own made with openssl.
#
# Network: pods live on the bridge looklook0 (10.244.0.0/24, the host is 10.244.0.1 there), Services on
# 10.96.0.0/16. Pods get a route to the Services and nothing else: no default route, no masquerading, and
# forwarding from the bridge anywhere but back onto it is dropped, so no pod traffic leaves the machine.
# The control plane, the kubelet and CoreDNS listen on 10.244.0.1 or loopback only; NodePorts answer on
# 127.0.0.1 only. CoreDNS runs on the host, answers cluster names and forwards nothing.
#
# For scripts/k8s-project.sh and the tests: K8S_DIR, KUBECTL (works once the cluster is up), k8s_ctr ARGS
# (ctr on the cluster's containerd, namespace k8s.io), k8s_write FILE (stdin to FILE only when it changed).
# Pid files data/run/k8s-<piece>.pid, logs data/logs/k8s-<piece>.log.

K8S_VERSION=v1.33.13
K8S_MODULE="$ROOT/tools/k8s"
K8S_COREDNS_MODULE="$ROOT/tools/coredns"
K8S_METRICS_MODULE="$ROOT/tools/metrics-server"
K8S_DIR="$DATA/k8s"
K8S_PKI="$K8S_DIR/pki"
K8S_RUN="$K8S_DIR/run"
K8S_STORE="${XDG_CACHE_HOME:-$HOME/.cache}/looklook/k8s"
K8S_CONTAINERD_SOCK="$K8S_RUN/containerd.sock"
KUBECTL="$K8S_DIR/bin/kubectl"
K8S_NODE=looklook
K8S_BRIDGE=looklook0
K8S_HOST_IP=10.244.0.1
K8S_POD_CIDR=10.244.0.0/24
K8S_SERVICE_CIDR=10.96.0.0/16
K8S_API_SERVICE_IP=10.96.0.1
K8S_API="https://$K8S_HOST_IP:6443"
K8S_ETCD_PORT=12379
K8S_ETCD_PEER_PORT=12380
K8S_PAUSE_IMAGE=docker.io/looklook/pause:local
# The chain of the bridge's forwarding rules (Docker leaves the FORWARD policy at DROP).
K8S_CHAIN=LOOKLOOK-K8S
# Every host setting the cluster changes: these by this script, the last three by the kubelet itself.
K8S_SYSCTLS=(net.ipv4.ip_forward net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables
  vm.overcommit_memory kernel.panic kernel.panic_on_oops)
K8S_HOST_SETTINGS="$K8S_DIR/host-settings"
# In start order; down stops them in reverse.
K8S_PIECES=(etcd containerd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy coredns metrics-server)

k8s_ctr() { ctr --address "$K8S_CONTAINERD_SOCK" --namespace k8s.io "$@"; }

# k8s_write FILE writes stdin to FILE only when the content differs: kube-proxy, for one, exits when its
# configuration file changes under it.
k8s_write() {
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

# ---- binaries ------------------------------------------------------------------------------------

k8s_pins() { cat "$1/go.mod" "$1/go.sum" "$1"/*.go "$1"/*/*.go 2>/dev/null | sha256sum | cut -c1-12; }
k8s_bin_dir() { printf '%s/kubernetes-%s-%s\n' "$GO_TOOL_CACHE" "$K8S_VERSION" "$(k8s_pins "$K8S_MODULE")"; }
k8s_coredns_bin() { printf '%s/coredns-%s-%s\n' "$GO_TOOL_CACHE" "$(go_tool_version "$K8S_COREDNS_MODULE" github.com/coredns/coredns)" "$(k8s_pins "$K8S_COREDNS_MODULE")"; }
k8s_metrics_bin() { printf '%s/metrics-server-%s-%s\n' "$GO_TOOL_CACHE" "$(go_tool_version "$K8S_METRICS_MODULE" sigs.k8s.io/metrics-server)" "$(k8s_pins "$K8S_METRICS_MODULE")"; }

# k8s_binaries builds what is not cached yet (about 10 minutes on 2 cores from empty Go caches) and points
# K8S_BIN, K8S_COREDNS and K8S_METRICS at the binaries.
k8s_binaries() {
  local v=k8s.io/component-base/version c=k8s.io/client-go/pkg/version
  K8S_BIN=$(k8s_bin_dir)
  K8S_COREDNS=$(k8s_coredns_bin)
  K8S_METRICS=$(k8s_metrics_bin)
  [[ -x $K8S_BIN/kubelet && -x $K8S_COREDNS && -x $K8S_METRICS ]] && return 0
  go_toolchain
  local cmd packages=()
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    packages+=("k8s.io/kubernetes/cmd/$cmd")
  done
  GO_TOOL_LDFLAGS="-s -w -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=33 -X $c.gitVersion=$K8S_VERSION -X $c.gitMajor=1 -X $c.gitMinor=33" \
    CGO_ENABLED=0 go_tool_build Kubernetes "$K8S_VERSION" "$K8S_BIN" "$K8S_MODULE" "${packages[@]}" ./pause ||
    die "building Kubernetes failed"
  GO_TOOL_LDFLAGS="-s -w" CGO_ENABLED=0 go_tool_build CoreDNS "$(go_tool_version "$K8S_COREDNS_MODULE" github.com/coredns/coredns)" \
    "$K8S_COREDNS" "$K8S_COREDNS_MODULE" . || die "building CoreDNS failed"
  GO_TOOL_LDFLAGS="-s -w" CGO_ENABLED=0 go_tool_build metrics-server "$(go_tool_version "$K8S_METRICS_MODULE" sigs.k8s.io/metrics-server)" \
    "$K8S_METRICS" "$K8S_METRICS_MODULE" sigs.k8s.io/metrics-server/cmd/metrics-server || die "building metrics-server failed"
}

# ---- PKI and kubeconfigs -------------------------------------------------------------------------

# k8s_cert NAME CA SUBJECT USAGE [SANS] makes NAME.key and NAME.crt in the PKI, signed by CA.
k8s_cert() {
  local name=$1 ca=$2 subject=$3 usage=$4 sans=${5:-}
  openssl req -new -newkey rsa:2048 -nodes -keyout "$K8S_PKI/$name.key" -subj "$subject" -out "$K8S_PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$K8S_PKI/$name.csr" -CA "$K8S_PKI/$ca.crt" -CAkey "$K8S_PKI/$ca.key" -CAcreateserial -days 3650 \
    -out "$K8S_PKI/$name.crt" -extfile <(
      printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' "$usage"
      [[ -n $sans ]] && printf 'subjectAltName=%s\n' "$sans"
    ) 2>/dev/null
  rm -f "$K8S_PKI/$name.csr"
}

k8s_ca() {
  openssl req -x509 -new -nodes -newkey rsa:2048 -keyout "$K8S_PKI/$1.key" -out "$K8S_PKI/$1.crt" -days 3650 -subj "/CN=$2" \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature' 2>/dev/null
}

# k8s_kubeconfig NAME CERT writes data/k8s/NAME.kubeconfig for the client certificate CERT.
k8s_kubeconfig() {
  local b64='base64 -w0'
  k8s_write "$K8S_DIR/$1.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
  - name: looklook
    cluster:
      server: $K8S_API
      certificate-authority-data: $($b64 <"$K8S_PKI/ca.crt")
users:
  - name: $1
    user:
      client-certificate-data: $($b64 <"$K8S_PKI/$2.crt")
      client-key-data: $($b64 <"$K8S_PKI/$2.key")
contexts:
  - name: looklook
    context: { cluster: looklook, user: $1 }
current-context: looklook
YAML
}

k8s_pki() {
  mkdir -p "$K8S_PKI" "$K8S_DIR/bin"
  chmod 700 "$K8S_PKI"
  if [[ ! -s $K8S_PKI/ca.crt || ! -s $K8S_PKI/metrics-server.crt ]]; then
    say "k8s: making the cluster's certificates (data/k8s/pki)"
    rm -f "$K8S_PKI"/*
    k8s_ca ca looklook-k8s-ca
    k8s_ca front-proxy-ca looklook-k8s-front-proxy-ca
    openssl genrsa -out "$K8S_PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$K8S_PKI/sa.key" -pubout -out "$K8S_PKI/sa.pub" 2>/dev/null
    k8s_cert apiserver ca /CN=kube-apiserver serverAuth \
      "IP:$K8S_HOST_IP,IP:127.0.0.1,IP:$K8S_API_SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    k8s_cert apiserver-kubelet-client ca "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
    k8s_cert admin ca "/O=system:masters/CN=looklook-admin" clientAuth
    k8s_cert controller-manager ca /CN=system:kube-controller-manager clientAuth
    k8s_cert scheduler ca /CN=system:kube-scheduler clientAuth
    k8s_cert kube-proxy ca /CN=system:kube-proxy clientAuth
    k8s_cert kubelet ca "/O=system:nodes/CN=system:node:$K8S_NODE" clientAuth
    k8s_cert kubelet-serving ca "/CN=$K8S_NODE" serverAuth "IP:$K8S_HOST_IP,DNS:$K8S_NODE"
    k8s_cert front-proxy-client front-proxy-ca /CN=front-proxy-client clientAuth
    k8s_cert metrics-server ca /CN=metrics-server serverAuth "IP:$K8S_HOST_IP,DNS:metrics-server.kube-system.svc"
  fi
  local who
  for who in admin controller-manager scheduler kube-proxy kubelet; do k8s_kubeconfig "$who" "$who"; done
  k8s_write "$KUBECTL" <<SH
#!/bin/sh
# kubectl with the local cluster's admin credentials (scripts/k8s.sh).
exec "$K8S_BIN/kubectl" --kubeconfig "$K8S_DIR/admin.kubeconfig" "\$@"
SH
  chmod +x "$KUBECTL"
}

# ---- host network --------------------------------------------------------------------------------

k8s_sysctl_path() { printf '/proc/sys/%s\n' "${1//.//}"; }

# k8s_record_host_settings keeps the values the machine had before the first `k8s up`; `down` restores them.
k8s_record_host_settings() {
  [[ -s $K8S_HOST_SETTINGS ]] && return 0
  local key path
  for key in "${K8S_SYSCTLS[@]}"; do
    path=$(k8s_sysctl_path "$key")
    [[ -r $path ]] && printf '%s %s\n' "$key" "$(<"$path")"
  done >"$K8S_HOST_SETTINGS.tmp"
  mv -f "$K8S_HOST_SETTINGS.tmp" "$K8S_HOST_SETTINGS"
}

k8s_network_up() {
  k8s_record_host_settings
  [[ -d /proc/sys/net/bridge ]] || modprobe br_netfilter 2>/dev/null || true
  sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.route_localnet=1 >/dev/null
  [[ -d /proc/sys/net/bridge ]] && sysctl -q -w net.bridge.bridge-nf-call-iptables=1 >/dev/null
  if ! ip link show "$K8S_BRIDGE" >/dev/null 2>&1; then
    ip link add "$K8S_BRIDGE" type bridge
  fi
  ip addr show dev "$K8S_BRIDGE" | grep -q "inet $K8S_HOST_IP/" || ip addr add "$K8S_HOST_IP/24" dev "$K8S_BRIDGE"
  ip link set "$K8S_BRIDGE" up
  if ! iptables -w -n -L "$K8S_CHAIN" >/dev/null 2>&1; then
    iptables -w -N "$K8S_CHAIN"
    iptables -w -A "$K8S_CHAIN" -i "$K8S_BRIDGE" -o "$K8S_BRIDGE" -j ACCEPT
    iptables -w -A "$K8S_CHAIN" -i "$K8S_BRIDGE" -j DROP
  fi
  iptables -w -C FORWARD -j "$K8S_CHAIN" 2>/dev/null || iptables -w -I FORWARD 1 -j "$K8S_CHAIN"
  mkdir -p "$K8S_DIR/cni"
  k8s_write "$K8S_DIR/cni/10-looklook.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "looklook",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$K8S_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$K8S_POD_CIDR", "rangeStart": "10.244.0.10", "gateway": "$K8S_HOST_IP" }]],
        "routes": [{ "dst": "$K8S_SERVICE_CIDR" }],
        "dataDir": "$K8S_RUN/cni-ipam"
      }
    }
  ]
}
JSON
}

# k8s_iptables_clean removes the chains the cluster added (kube-proxy's and the kubelet's KUBE-*, and ours)
# with every jump to them, in each table, IPv4 and IPv6.
k8s_iptables_clean() {
  local ipt table rule chain
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for table in filter nat mangle; do
      "$ipt" -w -t "$table" -S >/dev/null 2>&1 || continue
      while IFS= read -r rule; do
        eval "$ipt -w -t $table -D ${rule#-A }" 2>/dev/null || true
      done < <("$ipt" -w -t "$table" -S | grep -E "^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j (KUBE-|$K8S_CHAIN)")
      for chain in $("$ipt" -w -t "$table" -S | sed -n -E "s/^-N ((KUBE-|$K8S_CHAIN)[^ ]*)$/\1/p"); do
        "$ipt" -w -t "$table" -F "$chain" 2>/dev/null || true
      done
      for chain in $("$ipt" -w -t "$table" -S | sed -n -E "s/^-N ((KUBE-|$K8S_CHAIN)[^ ]*)$/\1/p"); do
        "$ipt" -w -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
  done
}

k8s_network_down() {
  local ns key value
  for ns in /run/netns/cni-*; do
    [[ -e $ns ]] && ip netns delete "${ns##*/}" 2>/dev/null
  done
  ip link show "$K8S_BRIDGE" >/dev/null 2>&1 && ip link delete "$K8S_BRIDGE"
  k8s_iptables_clean
  rm -rf "$K8S_RUN/cni-ipam"
  if [[ -s $K8S_HOST_SETTINGS ]]; then
    while read -r key value; do
      # Docker's engine forwards too: it keeps ip_forward while it runs.
      [[ $key == net.ipv4.ip_forward ]] && docker_answers && continue
      [[ -w $(k8s_sysctl_path "$key") ]] && sysctl -q -w "$key=$value" >/dev/null
    done <"$K8S_HOST_SETTINGS"
    rm -f "$K8S_HOST_SETTINGS"
  fi
}

# ---- the pieces ----------------------------------------------------------------------------------

k8s_install() {
  [[ $(id -u) -eq 0 ]] || die "the local cluster needs root (it sets up a bridge, iptables rules and cgroups)"
  apt_install etcd-server containerd runc containernetworking-plugins conntrack iptables iproute2 procps openssl kmod
}

k8s_containerd_config() {
  mkdir -p "$K8S_RUN" "$K8S_STORE/containerd"
  k8s_write "$K8S_DIR/containerd.toml" <<TOML
# The local cluster's own containerd (scripts/k8s.sh): not the system's, not Docker's.
version = 2
root = "$K8S_STORE/containerd"
state = "$K8S_RUN/containerd-state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "$K8S_CONTAINERD_SOCK"

[ttrpc]
  address = "$K8S_CONTAINERD_SOCK.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$K8S_STORE/containerd-opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$K8S_PAUSE_IMAGE"
  # Root here lacks CAP_SYS_RESOURCE: without this every pod sandbox fails to start.
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$K8S_RUN/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$K8S_DIR/cni"
TOML
}

# k8s_pause_image imports the pod sandbox image, packed here as a docker archive around tools/k8s/pause.
k8s_pause_image() {
  local stamp="$K8S_STORE/pause-image" sum dir diff config
  sum=$(sha256sum "$K8S_BIN/pause" | cut -d' ' -f1)
  if [[ $(cat "$stamp" 2>/dev/null) == "$sum" ]] && k8s_ctr images ls -q | grep -qx "$K8S_PAUSE_IMAGE"; then return 0; fi
  dir=$(mktemp -d)
  mkdir "$dir/root" "$dir/layer"
  cp "$K8S_BIN/pause" "$dir/root/pause"
  tar -C "$dir/root" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$dir/layer/layer.tar" pause
  diff=$(sha256sum "$dir/layer/layer.tar" | cut -d' ' -f1)
  mv "$dir/layer" "$dir/$diff"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$diff" >"$dir/config.json"
  config=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/$config.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config" "${K8S_PAUSE_IMAGE#docker.io/}" "$diff" >"$dir/manifest.json"
  tar -C "$dir" -cf "$dir/pause.tar" manifest.json "$config.json" "$diff/layer.tar"
  k8s_ctr images import "$dir/pause.tar" >/dev/null
  rm -rf "$dir"
  printf '%s\n' "$sum" >"$stamp"
}

k8s_kubelet_config() {
  mkdir -p "$K8S_DIR/kubelet"
  printf '# Pods with dnsPolicy Default resolve nothing: the cluster forwards no query off the machine.\n' | k8s_write "$K8S_DIR/resolv.conf"
  k8s_write "$K8S_DIR/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $K8S_HOST_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $K8S_PKI/ca.crt }
authorization: { mode: Webhook }
tlsCertFile: $K8S_PKI/kubelet-serving.crt
tlsPrivateKeyFile: $K8S_PKI/kubelet-serving.key
containerRuntimeEndpoint: unix://$K8S_CONTAINERD_SOCK
cgroupDriver: cgroupfs
# This machine has cgroup v1 only; Kubernetes 1.33 still runs on it when told so.
failCgroupV1: false
failSwapOn: false
clusterDNS: [$K8S_HOST_IP]
clusterDomain: cluster.local
resolvConf: $K8S_DIR/resolv.conf
# The disk is shared with everything else on the machine: evict only when it is really full, and never
# collect the locally imported images (nothing could pull them back).
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
rotateCertificates: false
YAML
}

k8s_proxy_config() {
  k8s_write "$K8S_DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
bindAddress: $K8S_HOST_IP
hostnameOverride: $K8S_NODE
clusterCIDR: $K8S_POD_CIDR
clientConnection: { kubeconfig: $K8S_DIR/kube-proxy.kubeconfig }
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [127.0.0.1/32]
# The machine's conntrack limits stay as they are.
conntrack: { maxPerCore: 0 }
YAML
}

k8s_coredns_config() {
  k8s_write "$K8S_DIR/Corefile" <<COREFILE
cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
  bind $K8S_HOST_IP
  health 127.0.0.1:18080
  ready 127.0.0.1:18181
  errors
  loadbalance
  cache 30
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig $K8S_DIR/admin.kubeconfig
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
}
# Every other name: no answer (nothing is forwarded off the machine).
.:53 {
  bind $K8S_HOST_IP
  errors
}
COREFILE
}

k8s_start() {
  local name=$1
  shift
  running "k8s-$name" && return 0
  spawn "k8s-$name" "$K8S_DIR" "" "$@"
}

k8s_containerd_answers() { k8s_ctr version >/dev/null 2>&1; }
k8s_api_ready() { "$KUBECTL" get --raw /readyz >/dev/null 2>&1; }
k8s_node_ready() {
  [[ $("$KUBECTL" get node "$K8S_NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}
k8s_default_sa() { "$KUBECTL" -n default get serviceaccount default >/dev/null 2>&1; }

k8s_control_plane_up() {
  local pki=$K8S_PKI
  k8s_start etcd etcd --name looklook --data-dir "$K8S_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$K8S_ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$K8S_ETCD_PEER_PORT" \
    --initial-cluster "looklook=http://127.0.0.1:$K8S_ETCD_PEER_PORT" --listen-metrics-urls "http://127.0.0.1:12381"
  wait_until k8s-etcd 30 http_ok "http://127.0.0.1:$K8S_ETCD_PORT/health"
  k8s_start containerd containerd --config "$K8S_DIR/containerd.toml"
  wait_until k8s-containerd 30 k8s_containerd_answers
  k8s_pause_image
  k8s_start kube-apiserver "$K8S_BIN/kube-apiserver" --advertise-address "$K8S_HOST_IP" --bind-address "$K8S_HOST_IP" \
    --secure-port 6443 --etcd-servers "http://127.0.0.1:$K8S_ETCD_PORT" \
    --service-cluster-ip-range "$K8S_SERVICE_CIDR" --service-node-port-range 30000-32767 \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
    --client-ca-file "$pki/ca.crt" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --requestheader-client-ca-file "$pki/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$pki/front-proxy-client.crt" --proxy-client-key-file "$pki/front-proxy-client.key" \
    --enable-aggregator-routing=true --profiling=false
  wait_until k8s-kube-apiserver 90 k8s_api_ready
  k8s_start kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig "$K8S_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$K8S_DIR/controller-manager.kubeconfig" --authorization-kubeconfig "$K8S_DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" --root-ca-file "$pki/ca.crt" \
    --service-account-private-key-file "$pki/sa.key" --service-cluster-ip-range "$K8S_SERVICE_CIDR" \
    --cluster-cidr "$K8S_POD_CIDR" --allocate-node-cidrs=false --profiling=false
  k8s_start kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig "$K8S_DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$K8S_DIR/scheduler.kubeconfig" --authorization-kubeconfig "$K8S_DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false
}

k8s_node_up() {
  k8s_start kubelet "$K8S_BIN/kubelet" --config "$K8S_DIR/kubelet.yaml" --kubeconfig "$K8S_DIR/kubelet.kubeconfig" \
    --node-ip "$K8S_HOST_IP" --hostname-override "$K8S_NODE" --root-dir "$K8S_DIR/kubelet"
  k8s_start kube-proxy "$K8S_BIN/kube-proxy" --config "$K8S_DIR/kube-proxy.yaml"
  k8s_start coredns "$K8S_COREDNS" -conf "$K8S_DIR/Corefile"
  k8s_start metrics-server "$K8S_METRICS" --secure-port 4443 --bind-address "$K8S_HOST_IP" \
    --tls-cert-file "$K8S_PKI/metrics-server.crt" --tls-private-key-file "$K8S_PKI/metrics-server.key" \
    --kubeconfig "$K8S_DIR/admin.kubeconfig" --authentication-kubeconfig "$K8S_DIR/admin.kubeconfig" \
    --authorization-kubeconfig "$K8S_DIR/admin.kubeconfig" \
    --kubelet-preferred-address-types InternalIP --kubelet-certificate-authority "$K8S_PKI/ca.crt" \
    --kubelet-client-certificate "$K8S_PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$K8S_PKI/apiserver-kubelet-client.key" \
    --metric-resolution 15s
}

# k8s_metrics_api makes metrics-server, which runs on the host, the cluster's metrics.k8s.io: a Service
# without selector whose endpoint is the host, behind the aggregation layer.
k8s_metrics_api() {
  # Endpoints, not an EndpointSlice: the aggregation layer looks the address up there (kubectl warns that
  # v1 Endpoints are deprecated).
  "$KUBECTL" apply -f - >/dev/null 2> >(grep -v 'v1 Endpoints is deprecated' >&2) <<YAML
apiVersion: v1
kind: Service
metadata: { name: metrics-server, namespace: kube-system }
spec:
  ports: [{ name: https, port: 443, targetPort: 4443 }]
---
apiVersion: v1
kind: Endpoints
metadata: { name: metrics-server, namespace: kube-system }
subsets:
  - addresses: [{ ip: $K8S_HOST_IP }]
    ports: [{ name: https, port: 4443 }]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: { name: v1beta1.metrics.k8s.io }
spec:
  group: metrics.k8s.io
  version: v1beta1
  service: { name: metrics-server, namespace: kube-system, port: 443 }
  caBundle: $(base64 -w0 <"$K8S_PKI/ca.crt")
  groupPriorityMinimum: 100
  versionPriority: 100
YAML
}

# k8s_foreign_cluster fails unless another checkout's cluster holds the bridge's API port: there is one
# bridge, one set of addresses and ports on a machine, so one cluster at a time.
k8s_foreign_cluster() {
  running k8s-kube-apiserver && return 1
  ip link show "$K8S_BRIDGE" >/dev/null 2>&1 || return 1
  timeout 2 bash -c ": </dev/tcp/$K8S_HOST_IP/6443" 2>/dev/null
}

k8s_cluster_up() {
  local t0
  t0=$(date +%s)
  if k8s_foreign_cluster; then
    die "a local cluster started from another checkout runs on this machine ($K8S_API); stop it with ./looklook k8s down there first"
  fi
  k8s_install
  k8s_binaries
  mkdir -p "$K8S_DIR" "$K8S_RUN"
  ensure_dirs
  k8s_pki
  k8s_network_up
  k8s_containerd_config
  k8s_kubelet_config
  k8s_proxy_config
  k8s_coredns_config
  k8s_control_plane_up
  k8s_node_up
  wait_until k8s-kubelet 120 k8s_node_ready
  wait_until k8s-kube-controller-manager 60 k8s_default_sa
  k8s_metrics_api
  say "k8s: node $K8S_NODE Ready, API $K8S_API ($(elapsed "$t0"); kubectl: ./looklook k8s kubectl)"
}

# ---- down ----------------------------------------------------------------------------------------

k8s_any_running() {
  local piece
  for piece in "${K8S_PIECES[@]}"; do running "k8s-$piece" && return 0; done
  return 1
}

# k8s_pods_down kills and removes every pod container the cluster's containerd holds (the kubelet is
# stopped first, so nothing starts them again).
k8s_pods_down() {
  running k8s-containerd || return 0
  local id
  for id in $(k8s_ctr tasks ls -q 2>/dev/null); do k8s_ctr tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  for _ in $(seq 50); do
    [[ -z $(k8s_ctr tasks ls 2>/dev/null | awk 'NR > 1 && $3 != "STOPPED"') ]] && break
    sleep 0.2
  done
  for id in $(k8s_ctr tasks ls -q 2>/dev/null); do k8s_ctr tasks delete -f "$id" >/dev/null 2>&1 || true; done
  for id in $(k8s_ctr containers ls -q 2>/dev/null); do k8s_ctr containers delete "$id" >/dev/null 2>&1 || true; done
}

k8s_unmount() {
  local m
  # Deepest first; paths in /proc/mounts escape spaces, ours have none.
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v a="$K8S_DIR" -v b="$K8S_STORE" 'index($2, a) == 1 || index($2, b) == 1 || index($2, "/run/netns/cni-") == 1 { print $2 }' /proc/mounts | sort -r)
}

k8s_cgroups_down() {
  local d
  for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  return 0
}

k8s_cluster_down() {
  if k8s_foreign_cluster; then
    warn "the local cluster running here was started from another checkout: left running (./looklook k8s down there)"
    return 0
  fi
  k8s_any_running || [[ -s $K8S_HOST_SETTINGS ]] || ip link show "$K8S_BRIDGE" >/dev/null 2>&1 || return 0
  say "k8s: stopping the local cluster"
  local pieces=()
  running k8s-kubelet && stop_pid k8s-kubelet 20
  k8s_pods_down
  local i
  for ((i = ${#K8S_PIECES[@]} - 1; i >= 0; i--)); do pieces+=("k8s-${K8S_PIECES[i]}"); done
  stop_pids 20 "${pieces[@]}"
  k8s_unmount
  k8s_cgroups_down
  k8s_network_down
  say "k8s: stopped; host settings restored"
}

# ---- status and the command ----------------------------------------------------------------------

k8s_status() {
  local piece port
  for piece in "${K8S_PIECES[@]}"; do
    case $piece in
    etcd) port=$K8S_ETCD_PORT ;; kube-apiserver) port=6443 ;; kubelet) port=10250 ;; coredns) port=53 ;;
    metrics-server) port=4443 ;; *) port=- ;;
    esac
    piece_status "k8s-$piece" "$port"
  done
  if running k8s-kube-apiserver && k8s_node_ready; then
    status_line "node $K8S_NODE" Ready - "$K8S_API"
  elif running k8s-kube-apiserver; then
    status_line "node $K8S_NODE" down - "not Ready"
  fi
  declare -F k8s_project_status >/dev/null && k8s_project_status
  return 0
}

# k8s_tests FILE... runs test/k8s files in a runner of their own, 30 minutes a test (a rollout under load
# and an autoscaler's scale-out and back take minutes).
k8s_tests() {
  say "node --test: the Kubernetes suite (30 min a test)"
  (cd "$ROOT" && node --test --test-concurrency=1 --test-timeout=1800000 "$@")
}

cmd_k8s() {
  local sub=${1:-status}
  [[ $# -gt 0 ]] && shift
  case $sub in
  up)
    take_lock
    k8s_cluster_up
    if declare -F k8s_project_up >/dev/null; then k8s_project_up; fi
    ;;
  down)
    take_lock
    k8s_cluster_down
    ;;
  status) k8s_status ;;
  test)
    (cmd_k8s up)
    release_lock
    k8s_tests "$@" test/k8s/*.test.ts
    ;;
  kubectl)
    [[ -x $KUBECTL ]] || die "no cluster yet: ./looklook k8s up"
    exec "$KUBECTL" "$@"
    ;;
  *) die "usage: ./looklook k8s up|down|status|test|kubectl [ARG...]" ;;
  esac
}
