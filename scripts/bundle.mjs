#!/usr/bin/env node
// Bundles each action's src/index.ts into an ESM dist/ with ncc, and the CLI (packages/cli) likewise.
//   node scripts/bundle.mjs [action...|cli]            rewrite actions/<name>/dist (packages/cli/dist)
//   node scripts/bundle.mjs --out DIR [action...|cli]  write DIR/<name> instead (used by the dist check)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSpecs } from './gen-specs.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

export function listActions() {
  const dir = join(root, 'actions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'src', 'index.ts')))
    .sort();
}

export const CLI = 'cli';
const sourceDir = (target) => (target === CLI ? join(root, 'packages', 'cli') : join(root, 'actions', target));

export function bundle(action, outDir = join(sourceDir(action), 'dist')) {
  const actionDir = sourceDir(action);
  rmSync(outDir, { recursive: true, force: true });
  // ncc looks for tsconfig.json between the entry and the working directory: run it in the action's folder.
  // Minified (as docker's actions are): undici and the toolkit alone would pass the 1.5 MB budget.
  execFileSync(
    process.execPath,
    [ncc, 'build', 'src/index.ts', '-o', outDir, '--minify', '--license', 'licenses.txt', '--quiet'],
    {
      cwd: actionDir,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? resolve(args.splice(outAt, 2)[1]) : undefined;
  const actions = args.length ? args : [...listActions(), CLI];
  // The bundle embeds action.yml: never bundle an out-of-date copy of it.
  generateSpecs();
  for (const action of actions) {
    const dir = bundle(action, out ? join(out, action) : undefined);
    console.log(`bundled ${action} -> ${dir}`);
  }
}
