#!/usr/bin/env node
// Bundles each action's src/index.ts into an ESM dist/ with ncc, and the mlops-actions CLI into
// one self-contained file with esbuild.
//   node scripts/bundle.mjs [action...]            rewrite actions/<name>/dist
//   node scripts/bundle.mjs --out DIR [action...]  write DIR/<name> instead (used by the dist check)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
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

/**
 * Bundled code that is not an action: the release CLI, so that release.yml's publish job (the one
 * holding contents: write) runs committed, reviewed code with no dependency install; and the
 * mlops-actions CLI, every action outside GitHub.
 */
const OTHER_BUNDLES = { 'packages/release': 'src/cli.ts', 'packages/cli': 'src/index.ts' };

/**
 * Bundles that must be one file, runnable alone (downloaded, or `npx` from a clone): the file's name
 * in dist/. ncc cannot turn off webpack's code splitting (each `import()` becomes a chunk beside it),
 * so these are built by esbuild without splitting: a dynamic import is inlined and loaded lazily.
 */
const SINGLE_FILE = { 'packages/cli': 'mlops-actions.mjs' };

/** The file `node` runs: dist/index.js, or the single file. */
export function bundleEntry(name) {
  return join(bundleDir(name), 'dist', SINGLE_FILE[name] ?? 'index.js');
}

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
  if (SINGLE_FILE[action]) return bundleSingleFile(action, outDir);
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

/** ESM in a .mjs (ESM wherever it is copied, whatever package.json is near), plus its licenses. */
function bundleSingleFile(name, outDir) {
  const outfile = join(outDir, SINGLE_FILE[name]);
  const result = buildSync({
    entryPoints: [join(bundleDir(name), OTHER_BUNDLES[name])],
    outfile,
    bundle: true,
    splitting: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
    // The CommonJS dependencies call require() for Node's built-in modules: give the ESM file one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  writeFileSync(join(outDir, 'licenses.txt'), licenses(Object.keys(result.metafile.inputs)));
  return outDir;
}

/** Each bundled npm package's name, version, license and license text, as ncc's licenses.txt has them. */
function licenses(inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const parts = input.split('/');
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) continue;
    const dir = parts.slice(0, at + (parts[at + 1].startsWith('@') ? 3 : 2)).join('/');
    packages.set(dir, true);
  }
  const sections = [...packages.keys()].map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(root, dir)).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
    const text = file ? readFileSync(join(root, dir, file), 'utf8').trim() : '';
    return { id: `${manifest.name}@${manifest.version}`, text: `${manifest.name}\n${manifest.license ?? ''}\n${text}` };
  });
  const unique = [...new Map(sections.map((section) => [section.id, section.text])).values()].sort();
  return `${unique.join('\n\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? resolve(args.splice(outAt, 2)[1]) : undefined;
  const actions = args.length ? args : listBundles();
  // The bundles embed action.yml: never bundle an out-of-date copy of it.
  generateSpecs();
  for (const action of actions) {
    const dir = bundle(action, out ? join(out, action) : undefined);
    console.log(`bundled ${action} -> ${dir}`);
  }
}
