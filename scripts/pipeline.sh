#!/usr/bin/env bash
# The product's pipeline, end to end on this machine: sets up what is missing (JS dependencies,
# the Python peers in .stack/, Node 24), then runs test/pipeline/main.ts: MLflow, moto S3, DVC, a
# bare GitOps repository and a local Argo CD serving the synced model, three training rounds
# through the bundled actions, a report, and every step's job summary in .pipeline/summaries/.
# Arguments go to the orchestrator: --rows N, --requests N, --summaries DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# shellcheck source=scripts/pnpm.sh
source "$root/scripts/pnpm.sh"
pnpm install --frozen-lockfile --reporter=silent
test/stack/setup.sh >/dev/null

# The orchestrator runs on the stack's Node 24 when the system Node is older (as the bundles do).
node=node
stack=${MLOPS_STACK_DIR:-$root/.stack}
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 24 ] && [ -x "$stack/node24/node_modules/.bin/node" ]; then
  node=$stack/node24/node_modules/.bin/node
fi
exec "$node" --import tsx test/pipeline/main.ts "$@"
