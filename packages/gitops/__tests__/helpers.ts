import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../test/helpers/paths.js';

export const FIXTURES = join(repoRoot, 'test', 'fixtures', 'gitops');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/**
 * The lines (1-based, line breaks included) that differ between two texts of the same line count;
 * throws when the count differs, so a test sees any added or lost line.
 */
export function changedLines(before: string, after: string): { line: number; before: string; after: string }[] {
  const a = before.split(/(?<=\n)/);
  const b = after.split(/(?<=\n)/);
  if (a.length !== b.length) throw new Error(`line count changed: ${a.length} -> ${b.length}`);
  return a.flatMap((line, i) => (line === b[i] ? [] : [{ line: i + 1, before: line, after: b[i]! }]));
}
