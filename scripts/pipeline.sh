#!/usr/bin/env bash
# The product's pipeline, end to end on this machine: the example repository's workflows
# (examples/model-repo/.github/workflows) run by a real Actions runner (nektos/act) against local
# stand-ins, in three runs: ct.yml on its nightly schedule, ct.yml on repository_dispatch
# new-data-arrived with a better model, then promote.yml. Prints every job and step with its
# outcome and duration, and the end state; the job summaries the runner wrote go to
# .pipeline/summaries/ (index.md). Exits non-zero when a run fails.
#
# Sets up what is missing first (JS dependencies here; the Python peers, Node 24 and act through
# test/stack/setup.sh, which test/pipeline/main.ts runs after saying which Argo CD it uses).
# Arguments go to test/pipeline/main.ts:
#   --argocd real|simulator   default: real when its tier is built on this machine (docs/real-argocd.md)
#   --rows N                  rows of the data the dispatch brings (default 10000)
#   --summaries DIR           default .pipeline/summaries
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# shellcheck source=scripts/pnpm.sh
source "$root/scripts/pnpm.sh"
pnpm install --frozen-lockfile --reporter=silent
# The orchestrator runs on the system Node (the stack's Node 24 may not be built yet); act runs the
# actions with the stack's Node 24. The AWS SDK's notice about Node < 22 is its own opt-out.
AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true exec node --import tsx test/pipeline/main.ts "$@"
