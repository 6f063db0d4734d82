import { describe, expect, it } from '@jest/globals';
import { globToRegExp, matchGlobs, unifiedDiff } from '../src/index.js';

describe('unifiedDiff', () => {
  it('shows separate hunks with 3 lines of context, line numbers as git does', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line two\n').replace('line 15\n', 'line 15\nline 15b\n');
    expect(unifiedDiff('f.yaml', before, after)).toBe(
      [
        '--- a/f.yaml',
        '+++ b/f.yaml',
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+line two',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -13,6 +13,7 @@',
        ' line 13',
        ' line 14',
        ' line 15',
        '+line 15b',
        ' line 16',
        ' line 17',
        ' line 18',
        '',
      ].join('\n'),
    );
  });

  it('is empty for equal texts and drops the CR of CRLF lines from the display', () => {
    expect(unifiedDiff('f', 'a\n', 'a\n')).toBe('');
    expect(unifiedDiff('f', 'a: 1\r\n', 'a: 2\r\n')).toBe('--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a: 1\n+a: 2\n');
  });
});

describe('globs', () => {
  it.each([
    ['**/*.yaml', 'a.yaml', true],
    ['**/*.yaml', 'deep/er/a.yaml', true],
    ['**/*.yaml', 'a.yml', false],
    ['apps/*/isvc.yaml', 'apps/iris/isvc.yaml', true],
    ['apps/*/isvc.yaml', 'apps/iris/x/isvc.yaml', false],
    ['apps/**', 'apps/iris/x/isvc.yaml', true],
    ['./k8s/inference.yaml', 'k8s/inference.yaml', true],
    ['**/*.{yaml,yml}', 'x/y.yml', true],
    ['a?.yaml', 'ab.yaml', true],
    ['a?.yaml', 'a/.yaml', false],
    ['file(1).yaml', 'file(1).yaml', true],
  ])('%s ~ %s = %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  it('! excludes', () => {
    expect(
      matchGlobs(['a.yaml', 'charts/x/templates/t.yaml', 'b.yml'], ['**/*.yaml', '**/*.yml', '!charts/**']),
    ).toEqual(['a.yaml', 'b.yml']);
  });
});
