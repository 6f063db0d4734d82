import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

export const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

export function codeBlocks(language: string): string[] {
  return [...readme.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))].map((match) => match[1]!);
}

/** Every command line of the README's shell blocks. */
export const commands = codeBlocks('sh').flatMap((block) => block.split('\n').filter((line) => line.trim()));

export const BENCH_COMMAND = /^pnpm run bench (\w+)$/;
