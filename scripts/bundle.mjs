#!/usr/bin/env node
// Bundles each action's src/index.ts into an ESM dist/ with ncc.
//   node scripts/bundle.mjs [action...]            rewrite actions/<name>/dist
//   node scripts/bundle.mjs --out DIR [action...]  write DIR/<name> instead (used by the dist check)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

export function listActions() {
  const dir = join(root, 'actions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'src', 'index.ts')))
    .sort();
}

/**
 * Bundled code that is not an action: the release CLI, so that release.yml's publish job (the one
 * holding contents: write) runs committed, reviewed code with no dependency install.
 */
const OTHER_BUNDLES = { 'packages/release': 'src/cli.ts' };

/** Every bundle: the actions by name, then the others by path. */
export function listBundles() {
  return [...listActions(), ...Object.keys(OTHER_BUNDLES)];
}

/** The folder of a bundle: actions/<name>, or the path of another bundle. */
export function bundleDir(name) {
  return name in OTHER_BUNDLES ? join(root, name) : join(root, 'actions', name);
}

export function bundle(action, outDir = join(bundleDir(action), 'dist')) {
  const actionDir = bundleDir(action);
  rmSync(outDir, { recursive: true, force: true });
  // ncc looks for tsconfig.json between the entry and the working directory: run it in the action's folder.
  // Minified (as docker's actions are): undici and the toolkit alone would pass the 1.5 MB budget.
  execFileSync(
    process.execPath,
    [
      ncc,
      'build',
      OTHER_BUNDLES[action] ?? 'src/index.ts',
      '-o',
      outDir,
      '--minify',
      '--license',
      'licenses.txt',
      '--quiet',
    ],
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
  const actions = args.length ? args : listBundles();
  for (const action of actions) {
    const dir = bundle(action, out ? join(out, action) : undefined);
    console.log(`bundled ${action} -> ${dir}`);
  }
}
