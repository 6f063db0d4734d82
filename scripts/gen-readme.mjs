#!/usr/bin/env node
// Writes the input and output tables of each actions/<name>/README.md from its action.yml,
// between <!-- BEGIN_AUTOGEN_INPUTS --> / <!-- END_AUTOGEN_INPUTS --> (and _OUTPUTS) markers.
//   node scripts/gen-readme.mjs          rewrite the READMEs
//   node scripts/gen-readme.mjs --check  fail, listing them, when any README is out of date
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

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

/** Every README with its freshly generated text. */
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
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const { file, current, next } of generate()) {
    if (current === next) continue;
    if (check) stale.push(file);
    else writeFileSync(file, next);
  }
  if (stale.length) {
    console.error(
      `README tables differ from action.yml in:\n${stale.map((f) => `  ${f}`).join('\n')}\nRun: pnpm run docs`,
    );
    process.exit(1);
  }
}
