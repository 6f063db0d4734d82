/** A release version `vMAJOR.MINOR.PATCH`, the only form this repository tags (no pre-releases). */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** `v1.2.0` */
  tag: string;
  /** `v1`: the floating tag consumers pin */
  majorTag: string;
}

const RELEASE_TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** The version of a release tag, or undefined for anything else (`v1`, `v1.2`, `1.2.0`, `v1.2.0-rc.1`). */
export function parseVersion(text: string): Version | undefined {
  const match = RELEASE_TAG.exec(text);
  if (!match) return undefined;
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  return { major, minor, patch, tag: text, majorTag: `v${major}` };
}

/** Like parseVersion, but a bad value is an error naming what is accepted. */
export function requireVersion(text: string, what = 'version'): Version {
  const version = parseVersion(text.trim());
  if (!version) throw new Error(`${what} "${text}" is not a release version: expected vMAJOR.MINOR.PATCH, e.g. v1.2.0`);
  return version;
}

/** Negative when a < b, zero when equal, positive when a > b (semver precedence). */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function highestVersion(versions: Version[]): Version | undefined {
  return versions.reduce<Version | undefined>(
    (best, v) => (!best || compareVersions(v, best) > 0 ? v : best),
    undefined,
  );
}
