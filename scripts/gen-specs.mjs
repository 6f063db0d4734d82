#!/usr/bin/env node
// Embeds each actions/<name>/action.yml in actions/<name>/src/spec.generated.ts, so the bundle (and
// the CLI) take every input's name, description and default from action.yml and nowhere else.
//   node scripts/gen-specs.mjs          rewrite the generated files
//   node scripts/gen-specs.mjs --check  fail, listing them, when any is out of date
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SPEC_FILE = join('src', 'spec.generated.ts');

export function specSource(actionYml, name) {
  return [
    '// Generated from action.yml by scripts/gen-specs.mjs (pnpm run docs): do not edit.',
    "import { parseActionSpec } from '@mlops-actions/action-kit/inputs';",
    '',
    `export const spec = parseActionSpec(${JSON.stringify(actionYml)}, ${JSON.stringify(name)});`,
    '',
  ].join('\n');
}

export function actionsWithSpecs() {
  const dir = join(root, 'actions');
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'action.yml')) && existsSync(join(dir, name, 'src')))
    .sort();
}

/** The generated files that differ from their action.yml (rewritten unless `check`). */
export function generateSpecs({ check = false } = {}) {
  const stale = [];
  for (const name of actionsWithSpecs()) {
    const dir = join(root, 'actions', name);
    const want = specSource(readFileSync(join(dir, 'action.yml'), 'utf8'), name);
    const file = join(dir, SPEC_FILE);
    if (existsSync(file) && readFileSync(file, 'utf8') === want) continue;
    stale.push(`actions/${name}/${SPEC_FILE}`);
    if (!check) writeFileSync(file, want);
  }
  return stale;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = generateSpecs({ check });
  if (check && stale.length) {
    console.error(`Out of date (run pnpm run docs): ${stale.join(', ')}`);
    process.exit(1);
  }
  for (const file of stale) console.log(`wrote ${file}`);
}
