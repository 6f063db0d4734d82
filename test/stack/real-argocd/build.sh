#!/usr/bin/env bash
# Builds the real Argo CD tier: etcd and redis from Debian packages, kube-apiserver and the argocd
# multi-call binary (argocd-server, -repo-server, -application-controller are argv[0] names of it)
# from the Go module proxy. The Go binaries are compiled once per version set into a cache outside
# the checkout ($MLOPS_REAL_ARGOCD_CACHE, default ~/.cache/mlops-actions/real-argocd/<versions>),
# so a fresh clone on the same machine reuses them; Go's own build and module caches make a rebuild
# after a version bump fast. A cold build is ~35 CPU-minutes (see docs/real-argocd.md); the two
# builds run side by side, so one's module download overlaps the other's compilation and each
# fills the cores the other leaves idle while it links.
# Prints the folder holding bin/ and manifests/ on stdout; progress goes to stderr.
# `build.sh --where` only prints that folder, and exits 3 when it has not been built.
set -euo pipefail

k8s_version=v1.37.2
k8s_staging_version=v0.37.2
argocd_version=v3.6.2
go_toolchain=go1.27.3
# Staging modules the Go proxy does not serve at $k8s_staging_version; kube-apiserver needs neither.
k8s_unserved='k8s.io/sample-cli-plugin k8s.io/sample-controller'

export GOTOOLCHAIN=$go_toolchain GOFLAGS=-mod=mod CGO_ENABLED=0
key="k8s-$k8s_version-argocd-$argocd_version-$go_toolchain-$(uname -m)"
cache=${MLOPS_REAL_ARGOCD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlops-actions/real-argocd}
out=$cache/$key
mkdir -p "$cache"

log() { printf '[real-argocd] %s\n' "$*" >&2; }
elapsed() { echo "$(($(date +%s) - $1))s"; }
stamp_ok() { [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$key" ]; }

install_debian_packages() {
  local missing=()
  command -v etcd > /dev/null || missing+=(etcd-server)
  command -v redis-server > /dev/null || missing+=(redis-server)
  [ ${#missing[@]} -gt 0 ] || return 0
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  log "installing ${missing[*]} (Debian packages)"
  "${sudo[@]}" apt-get update -qq > /dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
  # The packages start their services where an init system runs; the tests start their own.
  "${sudo[@]}" service redis-server stop > /dev/null 2>&1 || true
  "${sudo[@]}" service etcd stop > /dev/null 2>&1 || true
}

# `go build` with a progress line every minute: packages compiled so far (of those the binary
# needs; a warm build cache compiles fewer) and time spent. Same flags, same output as a plain
# `go build`: -v only names each package as it is compiled.
compile() {
  local name=$1 package=$2 started=$3 total listing
  shift 3
  listing=$(mktemp)
  total=$(go list -deps "$package" | wc -l)
  go build -v "$@" "$package" 2> "$listing" &
  local pid=$! status=0
  while ! wait_for "$pid" 60; do
    log "$name: compiling, $(grep -cv '^#' "$listing" || true) of $total packages after $(elapsed "$started")"
  done
  wait "$pid" || status=$?
  [ "$status" = 0 ] || tail -n 20 "$listing" >&2
  rm -f "$listing"
  return "$status"
}

# Waits up to $2 seconds for process $1 to end; false while it still runs.
wait_for() {
  local i
  for ((i = 0; i < $2; i++)); do
    kill -0 "$1" 2> /dev/null || return 0
    sleep 1
  done
  ! kill -0 "$1" 2> /dev/null
}

# The replace directives of a module's go.mod as "old new version" lines.
replaces_of() {
  go mod edit -json "$1" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    print(r["Old"]["Path"], r["New"]["Path"], r["New"].get("Version", ""))'
}

# Makes the current folder a throw-away wrapper module; prints the source folder of module@version.
start_wrapper() {
  go mod init local.invalid/wrapper > /dev/null 2>&1
  go mod download -json "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])'
}

# A module cannot be `go install`ed when its go.mod has replace directives, so each binary is built
# from a throw-away wrapper module that requires it and carries the replaces it needs.
build_kube_apiserver() {
  local work=$1 start src
  start=$(date +%s)
  log "kube-apiserver $k8s_version: downloading modules"
  mkdir -p "$work/k8s" && cd "$work/k8s"
  src=$(start_wrapper "k8s.io/kubernetes@$k8s_version")
  local args=()
  # kubernetes points each k8s.io/* staging module at its own tree; outside it they come from the proxy.
  while read -r old new _; do
    case "$new" in ./staging/*) ;; *) continue ;; esac
    case " $k8s_unserved " in *" $old "*) continue ;; esac
    args+=("-replace=$old=$old@$k8s_staging_version")
  done < <(replaces_of "$src/go.mod")
  go mod edit "${args[@]}"
  go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$k8s_version" > "$work/k8s.log" 2>&1 || { tail -n 20 "$work/k8s.log" >&2; return 1; }
  log "kube-apiserver: modules ready after $(elapsed "$start"); compiling (about 17 CPU-minutes cold)"
  local v=k8s.io/component-base/version minor=${k8s_version#v1.}
  compile kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$start" -trimpath -o "$work/bin/kube-apiserver" \
    -ldflags "-s -w -X $v.gitVersion=$k8s_version -X $v.gitMajor=1 -X $v.gitMinor=${minor%%.*} -X $v.gitTreeState=clean"
  log "kube-apiserver built in $(elapsed "$start")"
}

build_argocd() {
  local work=$1 start src
  start=$(date +%s)
  log "argocd $argocd_version: downloading modules"
  mkdir -p "$work/argocd" && cd "$work/argocd"
  src=$(start_wrapper "github.com/argoproj/argo-cd/v3@$argocd_version")
  local args=()
  # Local-path replaces (./gitops-engine) only resolve inside argo-cd's tree; the nested module is
  # served by the proxy at the version argo-cd requires.
  while read -r old new version; do
    [ -n "$version" ] || continue
    args+=("-replace=$old=$new@$version")
  done < <(replaces_of "$src/go.mod")
  [ ${#args[@]} -eq 0 ] || go mod edit "${args[@]}"
  go get -tool "github.com/argoproj/argo-cd/v3/cmd@$argocd_version" > "$work/argocd.log" 2>&1 || { tail -n 20 "$work/argocd.log" >&2; return 1; }
  log "argocd: modules ready after $(elapsed "$start"); compiling (about 17 CPU-minutes cold)"
  compile argocd github.com/argoproj/argo-cd/v3/cmd "$start" -trimpath -o "$work/bin/argocd" \
    -ldflags "-s -w -X github.com/argoproj/argo-cd/v3/common.version=${argocd_version#v}"
  # v3.6 runs hack/git-verify-wrapper.sh on every checkout even with GPG disabled, and reports its
  # absence as "permission denied"; the CRDs and base config maps are applied by the start helper.
  cp "$src/hack/git-verify-wrapper.sh" "$src/hack/gpg-wrapper.sh" "$work/bin/"
  chmod 0755 "$work/bin/"*.sh
  mkdir -p "$work/manifests/crds" "$work/manifests/config"
  cp "$src"/manifests/crds/*-crd.yaml "$work/manifests/crds/"
  cp "$src"/manifests/base/config/*.yaml "$work/manifests/config/"
  log "argocd built in $(elapsed "$start")"
}

if [ "${1:-}" = --where ]; then
  stamp_ok || { log "not built: run test/stack/real-argocd/build.sh (or test/stack/setup.sh)"; exit 3; }
  echo "$out"
  exit 0
fi

install_debian_packages

# One build at a time per cache (parallel checkouts and CI share it).
exec 9> "$cache/.build.lock"
flock 9
if ! stamp_ok; then
  total=$(date +%s)
  log "building $key into $out (kept for later runs)"
  work=$(mktemp -d "$cache/.build-XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/bin"
  # Side by side: Go's module and build caches are safe for concurrent use.
  (build_kube_apiserver "$work") & k8s=$!
  (build_argocd "$work") & argocd=$!
  failed=0
  wait "$k8s" || failed=1
  wait "$argocd" || failed=1
  [ "$failed" = 0 ] || { log "the build failed; the Go caches keep what was compiled, so a retry resumes"; exit 1; }
  for name in argocd-server argocd-repo-server argocd-application-controller; do ln -s argocd "$work/bin/$name"; done
  rm -rf "$work/k8s" "$work/argocd" "$work"/*.log "$out"
  echo "$key" > "$work/.stamp"
  mv -T "$work" "$out"
  trap - EXIT
  log "built in $(elapsed "$total")"
fi
echo "$out"
