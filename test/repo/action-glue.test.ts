// Issue #16's rule: an action's src/ is input/output glue around its domain package's flow; the
// parsing and validation of its inputs live in the package, where the CLI runs the same code.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
// @ts-expect-error: a plain .mjs script without types
import { listActions } from '../../scripts/bundle.mjs';
import { actionDir } from '../helpers/paths.js';

const LIMIT = 60;

describe('actions/*/src is glue', () => {
  it.each(listActions() as string[])(`%s: no source file is over ${LIMIT} lines`, (action) => {
    const src = join(actionDir(action), 'src');
    const long = readdirSync(src)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.generated.ts'))
      .map((file) => ({ file, lines: readFileSync(join(src, file), 'utf8').trimEnd().split('\n').length }))
      .filter(({ lines }) => lines > LIMIT);
    expect(long).toEqual([]);
  });
});
