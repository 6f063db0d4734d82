#!/usr/bin/env bash
# Installs every real peer the tests run, into the project-local stack folder ($MLOPS_STACK_DIR,
# default .stack/): one virtualenv per requirements/<env>.txt (their pins clash, so they are
# kept apart), actionlint, and a Node 24 binary. Each piece carries a stamp of what it was built
# from (the hash of its pins, the tool version) and is rebuilt only when that changes, so a
# second run installs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
stack=${MLOPS_STACK_DIR:-$root/.stack}
python=${PYTHON:-python3}
actionlint_version=v1.7.12
act_version=v0.2.89
node24_version=24.21.0
mkdir -p "$stack/venvs" "$stack/bin" "$stack/logs"

log() { printf '[stack] %s\n' "$*" >&2; }
stamp_ok() { [ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$2" ]; }

python_tag=$("$python" -c 'import sys, platform; print(f"{sys.version_info[0]}.{sys.version_info[1]}-{platform.machine()}")')

# Each environment is built once per hash of its pins, in venvs/<env>-<hash>; venvs/<env> is a
# link to the one in use, swapped atomically. A checkout with other pins (another branch) gets its
# own folder instead of rebuilding the one a running test is using.
build_venv() {
  local env=$1 pins=$here/requirements/$1.txt
  local key dir link=$stack/venvs/$1
  key="$(sha256sum "$pins" | cut -c1-16)-$python_tag"
  dir=$stack/venvs/$env-$key
  if ! stamp_ok "$dir" "$key"; then
    log "building the $env environment"
    rm -rf "$dir"
    "$python" -m venv "$dir"
    if ! "$dir/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$pins" > "$stack/logs/$env.log" 2>&1; then
      log "installing the $env environment failed; the last lines of $stack/logs/$env.log:"
      tail -n 20 "$stack/logs/$env.log" >&2
      return 1
    fi
    echo "$key" > "$dir/.stamp"
    log "built the $env environment"
  fi
  if [ "$(readlink "$link" 2> /dev/null)" != "$env-$key" ]; then
    [ -L "$link" ] || rm -rf "$link"
    ln -sfn "$env-$key" "$link.tmp" && mv -T "$link.tmp" "$link"
  fi
}

# The DVC that actions/dvc-push installs with pip in a workflow run (its `cache: false` virtualenv),
# as wheels: the workflow tests point that pip here (PIP_NO_INDEX, PIP_FIND_LINKS), so the run
# installs offline. Built from the dvc environment's pins, which name every dependency.
build_wheelhouse() {
  local pins=$here/requirements/dvc.txt key dir link=$stack/wheelhouse
  key="$(sha256sum "$pins" | cut -c1-16)-$python_tag"
  dir=$stack/wheelhouse-$key
  if ! stamp_ok "$dir" "$key"; then
    log "building the DVC wheelhouse"
    rm -rf "$dir"
    if ! "$python" -m pip wheel --quiet --disable-pip-version-check --no-input --no-deps -r "$pins" -w "$dir" > "$stack/logs/wheelhouse.log" 2>&1; then
      log "building the DVC wheelhouse failed; the last lines of $stack/logs/wheelhouse.log:"
      tail -n 20 "$stack/logs/wheelhouse.log" >&2
      return 1
    fi
    echo "$key" > "$dir/.stamp"
  fi
  if [ "$(readlink "$link" 2> /dev/null)" != "wheelhouse-$key" ]; then
    [ -L "$link" ] || rm -rf "$link"
    ln -sfn "wheelhouse-$key" "$link.tmp" && mv -T "$link.tmp" "$link"
  fi
}

build_actionlint() {
  if stamp_ok "$stack/bin/actionlint.d" "$actionlint_version"; then return 0; fi
  command -v go > /dev/null || { log "Go is needed to install actionlint (go install); install Go 1.22 or newer"; return 1; }
  log "installing actionlint $actionlint_version"
  GOBIN="$stack/bin" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version" > "$stack/logs/actionlint.log" 2>&1 ||
    { tail -n 20 "$stack/logs/actionlint.log" >&2; return 1; }
  mkdir -p "$stack/bin/actionlint.d" && echo "$actionlint_version" > "$stack/bin/actionlint.d/.stamp"
}

# nektos/act runs the workflows in the tests and in scripts/pipeline.sh (test/workflows/).
build_act() {
  if stamp_ok "$stack/bin/act.d" "$act_version"; then return 0; fi
  command -v go > /dev/null || { log "Go is needed to install nektos/act (go install); install Go 1.22 or newer"; return 1; }
  log "installing nektos/act $act_version"
  GOBIN="$stack/bin" GOFLAGS=-mod=mod go install "github.com/nektos/act@$act_version" > "$stack/logs/act.log" 2>&1 ||
    { tail -n 20 "$stack/logs/act.log" >&2; return 1; }
  mkdir -p "$stack/bin/act.d" && echo "$act_version" > "$stack/bin/act.d/.stamp"
}

# GitHub runs our bundles on Node 24; the npm registry's `node` package carries that binary.
build_node24() {
  local dir=$stack/node24
  if stamp_ok "$dir" "$node24_version"; then return 0; fi
  log "installing Node $node24_version"
  rm -rf "$dir" && mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --no-save --prefix "$dir" "node@$node24_version" > "$stack/logs/node24.log" 2>&1 ||
    { tail -n 20 "$stack/logs/node24.log" >&2; return 1; }
  "$dir/node_modules/.bin/node" --version > /dev/null
  echo "$node24_version" > "$dir/.stamp"
}

# One setup at a time per stack folder (parallel checkouts may share one through MLOPS_STACK_DIR).
exec 9> "$stack/.setup.lock"
flock 9

pids=()
for pins in "$here"/requirements/*.txt; do
  build_venv "$(basename "$pins" .txt)" & pids+=($!)
done
build_actionlint & pids+=($!)
build_wheelhouse & pids+=($!)
build_act & pids+=($!)
build_node24 & pids+=($!)
# The real Argo CD tier (kube-apiserver, argocd; docs/real-argocd.md): built once per machine and
# cached outside the checkout; the first build compiles for ~20 minutes on 2 cores (its progress
# lines go to stderr). MLOPS_REAL_ARGOCD=0 skips it (e.g. on a laptop), and with it its tests.
if [ "${MLOPS_REAL_ARGOCD:-1}" != 0 ]; then nice -n 10 "$here/real-argocd/build.sh" > /dev/null & pids+=($!); fi
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || { log "setup failed"; exit 1; }
log "ready in $stack"
