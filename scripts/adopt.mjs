#!/usr/bin/env node
// Puts this repository under your organisation: rewrites every `your-org/mlops-actions` (the
// references consumers copy: examples, docs, READMEs, workflow comments, the linters' config and
// the policy tests that recognise first-party references) to <org>/<repo>, and every other
// `your-org` placeholder (the example's GitOps repository, buckets, addresses) to <org>.
//   node scripts/adopt.mjs --org acme --repo mlops-actions [--dir <checkout>] [--dry-run]
// It edits the files git tracks in <dir> (default: this checkout), never dist/ bundles or the
// lockfile, and prints each file it changed. Run it once, right after forking or mirroring.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PLACEHOLDER_ORG = 'your-org';
const PLACEHOLDER_REPO = 'mlops-actions';
// GitHub's rules: an owner is 1-39 alphanumerics or single hyphens, not at either end; a
// repository name is 1-100 of letters, digits, '.', '-' and '_', and not '.' or '..'.
const ORG = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO = /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;

/** The text with the placeholders replaced; `\/` (inside regular expressions) is kept escaped. */
export function adoptText(text, org, repo) {
  const escapedRepo = repo.replace(/[.]/g, '\\.');
  return text
    .replaceAll(`${PLACEHOLDER_ORG}/${PLACEHOLDER_REPO}`, `${org}/${repo}`)
    .replaceAll(`${PLACEHOLDER_ORG}\\/${PLACEHOLDER_REPO}`, `${org}\\/${escapedRepo}`)
    .replace(/your-org(?![A-Za-z])/g, org);
}

function trackedFiles(dir) {
  return execFileSync('git', ['ls-files', '-z'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0')
    .filter(Boolean);
}

const self = relative(resolve(dirname(fileURLToPath(import.meta.url)), '..'), fileURLToPath(import.meta.url));
const skipped = (path) => path.includes('/dist/') || path.endsWith('pnpm-lock.yaml') || path === self;

/** Rewrites the files of `dir`; returns the paths it changed (or would change, with dryRun). */
export function adopt({ dir, org, repo, dryRun = false }) {
  if (!ORG.test(org))
    throw new Error(
      `--org "${org}" is not a GitHub organisation or user name (letters, digits, single hyphens; up to 39)`,
    );
  if (!REPO.test(repo))
    throw new Error(`--repo "${repo}" is not a GitHub repository name (letters, digits, '.', '-', '_'; up to 100)`);
  const changed = [];
  for (const path of trackedFiles(dir).filter((p) => !skipped(p))) {
    let text;
    try {
      text = readFileSync(join(dir, path), 'utf8');
    } catch {
      continue; // deleted in the work tree
    }
    if (text.includes('\0') || !text.includes(PLACEHOLDER_ORG)) continue;
    const next = adoptText(text, org, repo);
    if (next === text) continue;
    if (!dryRun) writeFileSync(join(dir, path), next);
    changed.push(path);
  }
  return changed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({
      options: {
        org: { type: 'string' },
        repo: { type: 'string', default: PLACEHOLDER_REPO },
        dir: { type: 'string', default: resolve(dirname(fileURLToPath(import.meta.url)), '..') },
        'dry-run': { type: 'boolean', default: false },
      },
    });
    if (!values.org)
      throw new Error('--org is required: the organisation (or user) that owns your copy, e.g. --org acme');
    const changed = adopt({ dir: values.dir, org: values.org, repo: values.repo, dryRun: values['dry-run'] });
    for (const path of changed) console.log(`${values['dry-run'] ? 'would rewrite' : 'rewrote'} ${path}`);
    console.log(
      `${changed.length} files reference ${values.org}/${values.repo} now${values['dry-run'] ? ' (dry run)' : ''}`,
    );
  } catch (error) {
    console.error(`adopt: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
