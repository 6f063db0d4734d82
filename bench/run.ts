// Runs every bench/*.bench.ts (or those whose names contain an argument), prints one table of
// figures with baselines and ratios, and writes bench/results.json (or $BENCH_RESULTS_FILE, which
// the tests use). Figures are for reading: nothing here passes or fails on time.
import { readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { round, type Bench, type Figure } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`no benchmark under bench/ matches ${filters.join(', ')}\n`);
  process.exit(2);
}

const resultsFile = process.env.BENCH_RESULTS_FILE || join(here, 'results.json');
const previous: Record<string, { figures: Figure[]; measuredAt: string }> = existsSync(resultsFile)
  ? JSON.parse(readFileSync(resultsFile, 'utf8'))
  : {};

const rows: Figure[] = [];
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench ${name}…\n`);
  const bench = (await import(pathToFileURL(join(here, file)).href)).default as Bench;
  try {
    const figures = await bench();
    previous[name] = { figures, measuredAt: new Date().toISOString() };
    rows.push(...figures);
  } catch (error) {
    process.stderr.write(`bench ${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  }
}

const table = [['figure', 'value', 'unit', 'baseline', 'ratio', 'goal']];
for (const row of rows) {
  const ratio = row.baseline ? round(row.value / row.baseline, 2) : undefined;
  table.push([
    row.figure,
    String(round(row.value, 2)),
    row.unit,
    row.baseline === undefined ? '' : `${round(row.baseline, 2)}${row.baselineLabel ? ` (${row.baselineLabel})` : ''}`,
    ratio === undefined ? '' : `${ratio}x`,
    row.goal ?? '',
  ]);
}
const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
for (const line of table)
  console.log(
    line
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
writeFileSync(resultsFile, `${JSON.stringify(previous, null, 2)}\n`);
