// Shared by the generators (gen-readme.mjs, gen-ghes.mjs): write what changed, or with --check
// list the stale files and fail, telling how to regenerate them.
import { writeFileSync } from 'node:fs';

/** `results`: { file, current, next } per generated file. */
export function applyGenerated(results, { check, what, fix }) {
  const stale = results.filter(({ current, next }) => current !== next);
  if (!check) {
    for (const { file, next } of stale) writeFileSync(file, next);
    return;
  }
  if (stale.length) {
    console.error(`${what} differ in:\n${stale.map(({ file }) => `  ${file}`).join('\n')}\nRun: ${fix}`);
    process.exitCode = 1;
  }
}
