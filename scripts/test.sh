#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (JS dependencies, the Python
# peers, actionlint, Node 24; each cached, so a second run installs nothing), runs the static
# checks and every test, and ends with one line: "N passed, N failed".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results=$root/.cache/test-results
rm -rf "$results" && mkdir -p "$results"

# shellcheck source=scripts/pnpm.sh
source "$root/scripts/pnpm.sh"

echo "== install"
pnpm install --frozen-lockfile --reporter=silent
test/stack/setup.sh

checks_passed=0
checks_failed=()
check() {
  local name=$1
  shift
  echo "== $name"
  if "$@"; then checks_passed=$((checks_passed + 1)); else checks_failed+=("$name"); fi
}
check typecheck pnpm run --silent typecheck
check lint pnpm run --silent lint
check format pnpm run --silent format:check
check readme-tables pnpm run --silent docs:check

echo "== jest"
# The run's id marks every process its tests start (test/helpers/test-run.ts), and jest runs in a
# process group of its own: whatever outlives jest, even a crashed one, is ended right after it.
MLOPS_TEST_RUN=${MLOPS_TEST_RUN:-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')}
export MLOPS_TEST_RUN
jest_pid=
end_run() {
  if [ -n "$jest_pid" ]; then kill -KILL -- "-$jest_pid" 2>/dev/null || true; fi
  node test/helpers/jest-global-teardown.mjs
}
trap 'end_run; exit 130' INT TERM
jest_status=0
set -m
NODE_OPTIONS=--experimental-vm-modules node --no-warnings node_modules/jest/bin/jest.js \
  --ci --forceExit --coverage --json --outputFile="$results/jest.json" "$@" &
jest_pid=$!
set +m
wait "$jest_pid" || jest_status=$?
end_run
trap - INT TERM

pytest_status=0
if [ -x scripts/pytest.sh ]; then
  echo "== pytest"
  scripts/pytest.sh --junitxml="$results/pytest.xml" || pytest_status=$?
fi

node scripts/test-summary.mjs "$results" "$checks_passed" "${checks_failed[@]+"${checks_failed[@]}"}"
[ "$jest_status" = 0 ] && [ "$pytest_status" = 0 ] && [ ${#checks_failed[@]} = 0 ]
