#!/usr/bin/env node
// Writes the input and output tables of each actions/<name>/README.md from its action.yml,
// between <!-- BEGIN_AUTOGEN_INPUTS --> / <!-- END_AUTOGEN_INPUTS --> (and _OUTPUTS) markers;
// and the INPUTS, SECRETS and OUTPUTS tables of docs/workflows/<wf>.md from the workflow_call
// of each reusable .github/workflows/<wf>.yml (every entry must have a description).
//   node scripts/gen-readme.mjs          rewrite the READMEs
//   node scripts/gen-readme.mjs --check  fail, listing them, when any README is out of date
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { isGhesVariant } from './gen-ghes.mjs';
import { applyGenerated } from './generated.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const cell = (text) =>
  String(text ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
const codeCell = (text) => (text === undefined || text === '' ? '' : `\`${cell(text)}\``);

export function inputsTable(inputs = {}) {
  const rows = Object.entries(inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${codeCell(input.default)} | ${cell(input.description)} |`,
  );
  return ['| name | required | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function outputsTable(outputs = {}) {
  const rows = Object.entries(outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`);
  return ['| name | description |', '| --- | --- |', ...rows].join('\n');
}

export function replaceSection(text, marker, content, file) {
  const begin = `<!-- BEGIN_AUTOGEN_${marker} -->`;
  const end = `<!-- END_AUTOGEN_${marker} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file}: the ${begin} … ${end} markers are missing`);
  return `${text.slice(0, from + begin.length)}\n\n${content}\n\n${text.slice(to)}`;
}

export function workflowInputsTable(inputs = {}) {
  const rows = Object.entries(inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${cell(input.type)} | ${input.required ? 'yes' : 'no'} | ${codeCell(input.default)} | ${cell(input.description)} |`,
  );
  return ['| name | type | required | default | description |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export function secretsTable(secrets = {}) {
  const rows = Object.entries(secrets).map(
    ([name, secret]) => `| \`${name}\` | ${secret?.required ? 'yes' : 'no'} | ${cell(secret?.description)} |`,
  );
  if (!rows.length) return 'None.';
  return ['| name | required | description |', '| --- | --- | --- |', ...rows].join('\n');
}

function requireDescriptions(file, section, entries = {}) {
  for (const [name, entry] of Object.entries(entries))
    if (!String(entry?.description ?? '').trim()) throw new Error(`${file}: ${section} ${name} has no description`);
}

/** docs/workflows/<wf>.md of every reusable workflow, with its freshly generated tables. */
export function generateWorkflowDocs() {
  const results = [];
  const dir = join(root, '.github', 'workflows');
  // A generated GHES variant has its original's interface and is documented in docs/workflows/ghes.md.
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => /\.ya?ml$/.test(name) && !isGhesVariant(name)) : [];
  for (const name of files.sort()) {
    const yml = join(dir, name);
    const on = parse(readFileSync(yml, 'utf8'))?.on;
    if (!on || typeof on !== 'object' || Array.isArray(on) || !('workflow_call' in on)) continue;
    const call = on.workflow_call ?? {};
    for (const section of ['inputs', 'secrets', 'outputs'])
      requireDescriptions(yml, section.slice(0, -1), call[section]);
    const doc = join(root, 'docs', 'workflows', name.replace(/\.ya?ml$/, '.md'));
    if (!existsSync(doc)) throw new Error(`${doc} is missing: each reusable workflow is documented there`);
    const current = readFileSync(doc, 'utf8');
    let next = replaceSection(current, 'INPUTS', workflowInputsTable(call.inputs), doc);
    next = replaceSection(next, 'SECRETS', secretsTable(call.secrets), doc);
    next = replaceSection(next, 'OUTPUTS', outputsTable(call.outputs), doc);
    results.push({ file: doc, current, next });
  }
  return results;
}

/** Every README and workflow doc with its freshly generated text. */
export function generate() {
  const results = [];
  const actionsDir = join(root, 'actions');
  for (const action of existsSync(actionsDir) ? readdirSync(actionsDir).sort() : []) {
    const yml = join(root, 'actions', action, 'action.yml');
    if (!existsSync(yml)) continue;
    const readme = join(root, 'actions', action, 'README.md');
    const spec = parse(readFileSync(yml, 'utf8'));
    const current = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
    let next = replaceSection(current, 'INPUTS', inputsTable(spec.inputs), readme);
    next = replaceSection(next, 'OUTPUTS', outputsTable(spec.outputs), readme);
    results.push({ file: readme, current, next });
  }
  return [...results, ...generateWorkflowDocs()];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  applyGenerated(generate(), {
    check: process.argv.includes('--check'),
    what: 'README tables and action.yml / workflow_call',
    fix: 'pnpm run docs',
  });
}
