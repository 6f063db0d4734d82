import type { Logger } from '@mlops-actions/action-kit/logger';
import { planMajorTag, short, type MajorTagPlan } from './major-tag.js';
import type { ReleaseRepo } from './refs.js';
import type { Version } from './version.js';

export interface PublishOptions {
  repo: ReleaseRepo;
  version: Version;
  /** The commit being released (the workflow's GITHUB_SHA). */
  sha: string;
  /** The CHANGELOG section of the version. */
  notes: string;
  logger: Logger;
}

export interface PublishResult {
  tagCreated: boolean;
  release: { url: string; created: boolean };
  major: MajorTagPlan;
}

/**
 * Publishes `version` at `sha`: the release tag (created when the run was dispatched by hand), the
 * GitHub release with the CHANGELOG notes, then the floating major tag. Everything that can
 * refuse is decided before the first write, and every write looks first, so a re-run after a
 * failure finishes the job instead of duplicating it.
 */
export async function publishRelease(options: PublishOptions): Promise<PublishResult> {
  const { repo, version, sha, notes, logger } = options;
  const tagged = await repo.tagCommit(version.tag);
  if (tagged && tagged !== sha)
    throw new Error(
      `tag ${version.tag} already names ${short(tagged)}, not this run's commit ${short(sha)}: run the release from the tag (or delete the wrong tag first if it was never published)`,
    );

  const current = await repo.tagCommit(version.majorTag);
  const versionsAtCurrent = current
    ? (await repo.releaseTags(version.major)).filter((t) => t.sha === current).map((t) => t.version)
    : [];
  const major = await planMajorTag({
    version,
    sha,
    current,
    versionsAtCurrent,
    compare: () => repo.compare(current!, sha),
  });

  if (!tagged) {
    await repo.createTag(version.tag, sha);
    logger.info(`Created tag ${version.tag} at ${short(sha)}`);
  }

  const existing = await repo.findRelease(version.tag);
  // "Latest" is the release vX names: not a backport that leaves vX where it is.
  const latest = major.action !== 'keep' || major.at === sha;
  const release = existing ?? (await repo.createRelease(version.tag, notes, latest));
  logger.info(
    existing ? `Release ${version.tag} already exists: ${release.html_url}` : `Published ${release.html_url}`,
  );

  if (major.action === 'create') await repo.createTag(major.tag, major.to);
  if (major.action === 'move') await repo.fastForwardTag(major.tag, major.to);
  if (major.action === 'keep') logger.warning(major.reason);
  else logger.info(`${major.tag} -> ${version.tag} (${short(sha)})`);

  return { tagCreated: !tagged, release: { url: release.html_url, created: !existing }, major };
}
