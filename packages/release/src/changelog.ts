import type { Version } from './version.js';

/**
 * The notes of one version from a Keep a Changelog file: the text under its `## [1.2.0] - date`
 * heading (the `v` is optional in the heading), up to the next `## ` heading, without the link
 * references at the end. Fails when the section is missing or empty: a release without notes is
 * a release nobody can assess.
 */
export function releaseNotes(changelog: string, version: Version): string {
  const number = `${version.major}.${version.minor}.${version.patch}`;
  const lines = changelog.split(/\r?\n/);
  const heading = new RegExp(`^##\\s+\\[?v?${number.replace(/\./g, '\\.')}\\]?(\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0)
    throw new Error(
      `CHANGELOG.md has no section for ${version.tag}: add "## [${number}] - YYYY-MM-DD" (move the Unreleased entries under it) and tag again`,
    );
  const next = lines.findIndex((line, i) => i > start && /^##\s/.test(line));
  const body = lines
    .slice(start + 1, next < 0 ? undefined : next)
    .filter((line) => !/^\[[^\]]+\]:\s*\S+/.test(line))
    .join('\n')
    .trim();
  if (!body) throw new Error(`CHANGELOG.md's section for ${version.tag} is empty: list what changed before releasing`);
  return body;
}
