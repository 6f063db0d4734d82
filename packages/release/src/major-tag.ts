import { compareVersions, highestVersion, type Version } from './version.js';
import type { CompareStatus } from './refs.js';

/** What happens to the floating `vX` tag when `version` is released at `sha`. */
export type MajorTagPlan =
  | { action: 'create'; tag: string; to: string }
  | { action: 'move'; tag: string; from: string; to: string; previous?: Version }
  | { action: 'keep'; tag: string; at: string; reason: string };

export interface MajorTagFacts {
  version: Version;
  sha: string;
  /** Where `vX` points now (undefined: no such tag yet). */
  current?: string;
  /** The release versions whose tags name `current`. */
  versionsAtCurrent: Version[];
  /** GitHub's compare of `current...sha` (only asked when needed). */
  compare: () => Promise<CompareStatus>;
}

/**
 * Fast-forward only, never backwards: `vX` moves to the new release only when the release is not
 * lower than the release `vX` names now and its commit descends from `vX`'s commit. A lower
 * version (a backport such as v1.0.9 after v1.1.0) keeps `vX` where it is: the release itself is
 * still published. A higher version on a commit that does not descend from `vX` is an error
 * before anything is written: moving there would drop commits consumers of `vX` already run.
 */
export async function planMajorTag(facts: MajorTagFacts): Promise<MajorTagPlan> {
  const { version, sha, current } = facts;
  const tag = version.majorTag;
  if (!current) return { action: 'create', tag, to: sha };
  if (current === sha) return { action: 'keep', tag, at: sha, reason: `${tag} already points at ${short(sha)}` };
  const previous = highestVersion(facts.versionsAtCurrent);
  if (previous && compareVersions(version, previous) < 0)
    return {
      action: 'keep',
      tag,
      at: current,
      reason: `${version.tag} is lower than ${previous.tag}, the release ${tag} names: ${tag} stays at ${previous.tag} (never moved backwards)`,
    };
  const status = await facts.compare();
  if (status === 'ahead') return { action: 'move', tag, from: current, to: sha, previous };
  throw new Error(
    `${version.tag} (${short(sha)}) does not descend from ${tag} (${short(current)}${previous ? `, ${previous.tag}` : ''}): ` +
      `GitHub's compare says "${status}". Moving ${tag} there would drop commits its consumers already run; ` +
      `release from a commit on top of ${previous?.tag ?? tag}, or release it as a new major`,
  );
}

export const short = (sha: string) => sha.slice(0, 12);
