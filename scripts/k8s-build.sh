#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kubectl v1.20.2 for kubeward's e2e tests, offline,
# from Debian bookworm's "kubernetes" source package (the upstream tarball with its full vendor/) and
# Debian's Go 1.19; no Kubernetes binary can be downloaded where the tests run, but this can be built.
#
#   KUBEWARD_K8S_CACHE=<dir>  (default ~/.cache/kubeward/k8s-1.20.2): sources in src/, binaries in bin/
#
# Reuses the cached binaries when all three are there and report v1.20.2; builds only what is missing
# (about 7-10 minutes on 2 cores, 1.3 GB peak memory, ~2 GB of Go build cache under src/home).
# A lock file keeps two test workers from building at once. Prints the bin directory on stdout.
set -euo pipefail
CACHE="${KUBEWARD_K8S_CACHE:-${HOME}/.cache/kubeward/k8s-1.20.2}"
WORK="${CACHE}/src"
BIN="${CACHE}/bin"
VER="1.20.5+really1.20.2"
DEB_REV="${VER}-1.1+deb12u1"
ORIG_SHA256="b83c0780efb182d928dc63d46488a847f161f04e40a94b96bf5247dd671ecdfc"
SRC="${WORK}/kubernetes-1.20.2"
TOOLS=(kube-apiserver kube-controller-manager kubectl)

log() { echo "[k8s-build] $*" >&2; }

cached() {
  local t
  for t in "${TOOLS[@]}"; do [[ -x "${BIN}/${t}" ]] || return 1; done
  "${BIN}/kube-apiserver" --version 2>/dev/null | grep -q 'v1.20.2'
}

mkdir -p "${CACHE}"
if cached; then echo "${BIN}"; exit 0; fi

exec 9>"${CACHE}/.build.lock"
log "waiting for the build lock ${CACHE}/.build.lock"
flock 9
if cached; then echo "${BIN}"; exit 0; fi   # another worker finished the build while we waited

as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  log "needs root to run: $*"; exit 1; fi; }
need=()
command -v go >/dev/null || need+=(golang-go golang-1.19-go)
command -v make >/dev/null || need+=(make)
command -v rsync >/dev/null || need+=(rsync)
[[ -d /usr/share/gocode/src/github.com/modern-go/reflect2 ]] || need+=(golang-github-modern-go-reflect2-dev)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update >/dev/null
  as_root apt-get install -y "${need[@]}" >/dev/null
fi

mkdir -p "${WORK}" "${BIN}"
if [[ ! -d "${SRC}" ]]; then
  # A private apt configuration with deb-src lines for the mirrors the system already uses, so the
  # system's own sources stay untouched.
  A="${WORK}/apt"
  mkdir -p "${A}/lists/partial" "${A}/cache/archives/partial" "${A}/none"
  : > "${A}/sources.list"
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk '/^URIs:/{u=$2} /^Suites:/{n=0; for(i=2;i<=NF;i++) s[++n]=$i}
         /^$/{if(u!=""){for(i=1;i<=n;i++) print "deb-src " u " " s[i] " main"}; u=""}
         END{if(u!=""){for(i=1;i<=n;i++) print "deb-src " u " " s[i] " main"}}' "$f" >> "${A}/sources.list"
  done
  [[ -f /etc/apt/sources.list ]] && sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}/deb-src /p' /etc/apt/sources.list >> "${A}/sources.list"
  [[ -s "${A}/sources.list" ]] || { log "no apt sources to derive deb-src lines from"; exit 1; }
  printf 'Dir::Etc::SourceList "%s";\nDir::Etc::SourceParts "%s";\nDir::State::Lists "%s";\nDir::Cache "%s";\n' \
    "${A}/sources.list" "${A}/none" "${A}/lists" "${A}/cache" > "${A}/apt.conf"
  log "fetching the kubernetes=${DEB_REV} source package"
  APT_CONFIG="${A}/apt.conf" apt-get update >/dev/null
  (cd "${WORK}" && APT_CONFIG="${A}/apt.conf" apt-get source --download-only "kubernetes=${DEB_REV}" >&2)
  echo "${ORIG_SHA256}  ${WORK}/kubernetes_${VER}.orig.tar.gz" | sha256sum -c - >&2
  tar xzf "${WORK}/kubernetes_${VER}.orig.tar.gz" -C "${WORK}"
  # The vendored reflect2 v1.0.1 relies on the map iterator layout Go 1.18 changed
  # (modern-go/reflect2#24, fixed in v1.0.2): use Debian's v1.0.2 sources so json-iterator is safe.
  R="${SRC}/vendor/github.com/modern-go/reflect2"
  rm -f "${R}"/*.go "${R}"/*.s
  cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go /usr/share/gocode/src/github.com/modern-go/reflect2/*.s "${R}/"
fi

log "building ${TOOLS[*]} (several minutes; log in ${CACHE}/build.log)"
cd "${SRC}"
export GOPROXY=off GOTOOLCHAIN=local GOFLAGS= HOME="${WORK}/home"
mkdir -p "${HOME}"
# 1.20's build runs in GOPATH mode from vendor/ (hack/lib/init.sh sets GO111MODULE=off) and first
# generates the deepcopy/defaulter/conversion/openapi files the tarball does not carry.
make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kubectl" >>"${CACHE}/build.log" 2>&1 \
  || { tail -n 40 "${CACHE}/build.log" >&2; exit 1; }
for t in "${TOOLS[@]}"; do cp "_output/bin/${t}" "${BIN}/${t}.tmp" && mv "${BIN}/${t}.tmp" "${BIN}/${t}"; done
"${BIN}/kube-apiserver" --version >&2
echo "${BIN}"
