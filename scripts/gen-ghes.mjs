#!/usr/bin/env node
// Writes the GitHub Enterprise Server variant of each reusable workflow:
// .github/workflows/<wf>.yml -> .github/workflows/<wf>-ghes.yml (reusable workflows must sit
// directly in .github/workflows). GHES has neither the `$/` self-reference nor the
// job.workflow_repository / job.workflow_sha contexts, so each job that runs our actions first
// reads this workflow's repository and commit from its OIDC token (the job_workflow_ref and
// job_workflow_sha claims, documented on GHES), checks that commit out into .mlops-actions/ and
// runs `./.mlops-actions/actions/<name>`; nested calls go to the sibling -ghes workflow. Nothing
// else changes: same inputs, outputs and steps, in the same order (test/policy/ghes.test.ts).
//   node scripts/gen-ghes.mjs          rewrite the variants (part of `pnpm run docs`)
//   node scripts/gen-ghes.mjs --check  fail, listing them, when any variant is stale (part of docs:check)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, parseDocument, Scalar } from 'yaml';
import { applyGenerated } from './generated.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workflowsDir = join(root, '.github', 'workflows');

export const GHES_SUFFIX = '-ghes';
export const CHECKOUT_PATH = '.mlops-actions';
export const SOURCE_STEP_ID = 'mlops-actions-source';
export const TOKEN_SECRET = 'mlops-actions-token';
const SELF_ACTION = /^\$\/actions\/([a-z0-9-]+)$/;
const SELF_WORKFLOW = /^\$\/\.github\/workflows\/([A-Za-z0-9._-]+)\.ya?ml$/;

export const isGhesVariant = (name) => new RegExp(`${GHES_SUFFIX}\\.ya?ml$`).test(name);
export const variantName = (name) => name.replace(/\.ya?ml$/, `${GHES_SUFFIX}.yml`);
/** `./.mlops-actions/actions/<name>` for `$/actions/<name>`; undefined for anything else. */
export const variantUses = (uses) => {
  const action = SELF_ACTION.exec(uses)?.[1];
  if (action) return `./${CHECKOUT_PATH}/actions/${action}`;
  const workflow = SELF_WORKFLOW.exec(uses)?.[1];
  return workflow ? `./.github/workflows/${workflow}${GHES_SUFFIX}.yml` : undefined;
};

// The OIDC request URL and token are in the step's environment when the job holds id-token: write.
const SOURCE_SCRIPT = `set -euo pipefail
if [ -z "\${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ]; then
  echo "::error::No OIDC token: the calling job must grant id-token: write (a -ghes workflow reads its own commit from it)"
  exit 1
fi
jwt=$(curl --fail-with-body --silent --show-error --max-time 30 --retry 3 --retry-all-errors \\
  --header "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" \\
  "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=mlops-actions" | jq -r .value)
echo "::add-mask::$jwt"
payload=$(cut -d. -f2 <<<"$jwt" | tr '_-' '/+')
while [ $((\${#payload} % 4)) -ne 0 ]; do payload="$payload="; done
claims=$(base64 -d <<<"$payload")
ref=$(jq -r '.job_workflow_ref // empty' <<<"$claims")
sha=$(jq -r '.job_workflow_sha // empty' <<<"$claims")
repository=\${ref%%/.github/workflows/*}
if ! [[ $sha =~ ^[0-9a-f]{40}$ && $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
  echo "::error::The OIDC token names no reusable-workflow commit (job_workflow_ref, job_workflow_sha): call this workflow with jobs.<id>.uses"
  exit 1
fi
echo "Actions from $repository at $sha"
{
  echo "repository=$repository"
  echo "sha=$sha"
} >> "$GITHUB_OUTPUT"
`;

/** The checkout pin the repository's workflows already use (one pin, kept by Dependabot). */
function checkoutPin(texts) {
  for (const text of texts) {
    const match = /uses:\s*(actions\/checkout@[0-9a-f]{40})\s*(#\s*v[\d.]+)/.exec(text);
    if (match) return { uses: match[1], comment: match[2].replace(/^#\s*/, ' ') };
  }
  throw new Error('no SHA-pinned actions/checkout in .github/workflows to reuse for the GHES variants');
}

/** The two steps a job runs before its first own action. */
function selfCheckoutSteps(doc, pin) {
  const source = doc.createNode({
    name: "Locate this workflow's commit (GHES: OIDC claims)",
    id: SOURCE_STEP_ID,
    shell: 'bash',
    run: SOURCE_SCRIPT,
  });
  const uses = new Scalar(pin.uses);
  uses.comment = pin.comment;
  const checkout = doc.createNode({
    name: 'Check out mlops-actions at that commit',
    uses: 'PLACEHOLDER',
    with: {
      repository: `\${{ steps.${SOURCE_STEP_ID}.outputs.repository }}`,
      ref: `\${{ steps.${SOURCE_STEP_ID}.outputs.sha }}`,
      path: CHECKOUT_PATH,
      token: `\${{ secrets.${TOKEN_SECRET} || github.token }}`,
      'persist-credentials': false,
    },
  });
  checkout.set('uses', uses);
  return [source, checkout];
}

const SELF_REPOSITORY_NOTE = ' zizmor: ignore[self-repository] GHES has no $/';

/** The GHES variant of one reusable workflow's text. */
export function ghesVariant(text, name, pin) {
  const doc = parseDocument(text);
  const secrets = doc.getIn(['on', 'workflow_call', 'secrets']);
  const tokenSecret = doc.createNode({
    description:
      "Token that can read this mlops-actions repository (contents: read), when the calling repository's GITHUB_TOKEN cannot (a private or internal copy); empty uses github.token.",
    required: false,
  });
  if (isMap(secrets)) secrets.set(TOKEN_SECRET, tokenSecret);
  else doc.setIn(['on', 'workflow_call', 'secrets'], doc.createNode({ [TOKEN_SECRET]: tokenSecret.toJSON() }));
  doc.set('name', `${doc.get('name')} (GHES)`);

  for (const job of doc.get('jobs').items.map((pair) => pair.value)) {
    const jobUses = job.get('uses', true);
    if (jobUses && variantUses(jobUses.value)) {
      jobUses.value = variantUses(jobUses.value);
      jobUses.comment = SELF_REPOSITORY_NOTE;
      const called = job.get('secrets');
      if (isMap(called)) called.set(TOKEN_SECRET, `\${{ secrets.${TOKEN_SECRET} }}`);
      else job.set('secrets', doc.createNode({ [TOKEN_SECRET]: `\${{ secrets.${TOKEN_SECRET} }}` }));
    }
    const steps = job.get('steps');
    if (!isSeq(steps)) continue;
    const first = steps.items.findIndex((step) => variantUses(String(step.get('uses') ?? '')));
    if (first < 0) continue;
    for (const step of steps.items) {
      const uses = step.get('uses', true);
      const replaced = uses && variantUses(uses.value);
      if (!replaced) continue;
      uses.value = replaced;
      uses.comment = SELF_REPOSITORY_NOTE;
    }
    steps.items.splice(first, 0, ...selfCheckoutSteps(doc, pin));
    const permissions = job.get('permissions');
    if (!(isMap(permissions) && permissions.get('id-token') === 'write')) {
      const granted = isMap(permissions) ? permissions.toJSON() : {};
      const next = doc.createNode({ ...granted, 'id-token': 'write' });
      next.get('id-token', true).comment =
        ' OIDC token whose job_workflow_ref/job_workflow_sha claims name the commit to check out';
      job.set('permissions', next);
    }
  }

  const header = [
    `GENERATED by scripts/gen-ghes.mjs from ${name}: do not edit, edit ${name} and run \`pnpm run docs\`.`,
    `The GitHub Enterprise Server variant of ${name} (no \`$/\` there): each job that runs this repository's`,
    "actions first checks this repository out at the workflow's own commit into .mlops-actions/ (the",
    'calling job must grant id-token: write). Callers: docs/workflows/ghes.md.',
  ]
    .map((line) => ` ${line}`.trimEnd())
    .join('\n');
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}

/** The reusable workflows that reference their own repository with `$/`. */
export function sources() {
  return readdirSync(workflowsDir)
    .filter((name) => /\.ya?ml$/.test(name) && !isGhesVariant(name))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(workflowsDir, name), 'utf8') }))
    .filter(({ text }) => /uses:\s*\$\//.test(text) && /^\s*workflow_call:/m.test(text));
}

/** Every variant with its current and freshly generated text. */
export function generate() {
  const all = sources();
  const pin = checkoutPin(all.map((s) => s.text));
  return all.map(({ name, text }) => {
    const file = join(workflowsDir, variantName(name));
    return { file, current: existsSync(file) ? readFileSync(file, 'utf8') : '', next: ghesVariant(text, name, pin) };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  applyGenerated(generate(), {
    check: process.argv.includes('--check'),
    what: 'The GHES variants and their reusable workflows',
    fix: 'pnpm run docs',
  });
}
