import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseNotes, requireVersion } from '../src/index.js';
import { repoRoot } from '../../../test/helpers/paths.js';

const CHANGELOG = `# Changelog

## [Unreleased]

### Fixed
- not yet released

## [1.2.0] - 2026-12-07

### Added
- release workflow

## [v1.1.0] - 2026-11-01

### Changed
- the 1.1 change

## [1.0.0] - 2026-10-01

## [0.9.0]

[Unreleased]: https://github.com/your-org/mlops-actions/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/your-org/mlops-actions/compare/v1.1.0...v1.2.0
`;

describe('release notes from the CHANGELOG', () => {
  it('are the section of the version, up to the next heading', () => {
    expect(releaseNotes(CHANGELOG, requireVersion('v1.2.0'))).toBe('### Added\n- release workflow');
    expect(releaseNotes(CHANGELOG, requireVersion('v1.1.0'))).toBe('### Changed\n- the 1.1 change');
  });

  it('leave out the link references of the last section', () => {
    const last = `## [1.0.0] - 2026-10-01\n\n- first\n\n[1.0.0]: https://example.com/v1.0.0\n`;
    expect(releaseNotes(last, requireVersion('v1.0.0'))).toBe('- first');
  });

  it('refuse a missing or an empty section, saying what to add', () => {
    expect(() => releaseNotes(CHANGELOG, requireVersion('v1.3.0'))).toThrow(
      'CHANGELOG.md has no section for v1.3.0: add "## [1.3.0] - YYYY-MM-DD"',
    );
    expect(() => releaseNotes(CHANGELOG, requireVersion('v1.0.0'))).toThrow(
      "CHANGELOG.md's section for v1.0.0 is empty",
    );
    // 1.2.0 must not match 1.2.01 or 11.2.0
    expect(() => releaseNotes('## [11.2.0]\n- x\n', requireVersion('v1.2.0'))).toThrow('no section for v1.2.0');
  });

  it("exist for every version in this repository's CHANGELOG.md", () => {
    const text = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8');
    const versions = [...text.matchAll(/^## \[(\d+\.\d+\.\d+)\]/gm)].map((m) => m[1]!);
    expect(versions.length).toBeGreaterThan(0);
    expect(text).toMatch(/^## \[Unreleased\]$/m);
    for (const version of versions) expect(releaseNotes(text, requireVersion(`v${version}`)).length).toBeGreaterThan(0);
  });
});
