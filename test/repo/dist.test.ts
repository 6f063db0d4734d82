import { readFileSync, readdirSync, statSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
// @ts-expect-error: a plain .mjs script without types
import { bundle, bundleDir, bundleEntry, listBundles } from '../../scripts/bundle.mjs';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path).map((file) => join(name, file)) : [name];
  });
}

const actions: string[] = listBundles();

describe('committed dist/ equals a fresh bundle', () => {
  it('finds the actions', () => {
    expect(Array.isArray(actions)).toBe(true);
  });

  (actions.length ? it.each(actions) : it.skip.each(['(none yet)']))(
    '%s',
    (action) => {
      const committed = join(bundleDir(action) as string, 'dist');
      expect(existsSync(bundleEntry(action) as string)).toBe(true);
      const fresh = bundle(action, join(mkdtempSync(join(tmpdir(), 'dist-')), action)) as string;
      const freshFiles = filesUnder(fresh).sort();
      expect(filesUnder(committed).sort()).toEqual(freshFiles);
      for (const file of freshFiles) {
        const same = readFileSync(join(fresh, file)).equals(readFileSync(join(committed, file)));
        if (!same)
          throw new Error(
            `${relative(process.cwd(), join(committed, file))} is stale: run pnpm run bundle and commit dist/`,
          );
      }
    },
    180_000,
  );
});
