import { describe, expect, it } from '@jest/globals';
import { compareVersions, highestVersion, parseVersion, requireVersion } from '../src/index.js';

const v = (text: string) => requireVersion(text);

describe('release versions', () => {
  it('accept vMAJOR.MINOR.PATCH only', () => {
    expect(parseVersion('v1.2.0')).toEqual({ major: 1, minor: 2, patch: 0, tag: 'v1.2.0', majorTag: 'v1' });
    for (const bad of ['v1', 'v1.2', '1.2.0', 'v1.2.0-rc.1', 'v01.2.0', 'v1.2.0\n', 'release-1.2.0'])
      expect([bad, parseVersion(bad)]).toEqual([bad, undefined]);
  });

  it('name the value and the accepted form when refused', () => {
    expect(() => requireVersion('1.2', 'inputs.version')).toThrow(
      'inputs.version "1.2" is not a release version: expected vMAJOR.MINOR.PATCH, e.g. v1.2.0',
    );
  });

  it('order numerically, not as text', () => {
    expect(compareVersions(v('v1.10.0'), v('v1.9.9'))).toBeGreaterThan(0);
    expect(compareVersions(v('v1.0.9'), v('v1.1.0'))).toBeLessThan(0);
    expect(compareVersions(v('v2.0.0'), v('v1.99.99'))).toBeGreaterThan(0);
    expect(compareVersions(v('v1.2.3'), v('v1.2.3'))).toBe(0);
    expect(highestVersion(['v1.0.9', 'v1.10.0', 'v1.9.0'].map(v))?.tag).toBe('v1.10.0');
    expect(highestVersion([])).toBeUndefined();
  });
});
