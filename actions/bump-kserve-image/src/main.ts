import { randomUUID } from 'node:crypto';
import { actionInputs, coreLogger, maskSecret, setOutputs, writeSummary } from '@mlops-actions/action-kit';
import { formatImageRef, imageName } from '@mlops-actions/gitops';
import { commitBump } from './commit.js';
import { readSettings } from './settings.js';
import { summary } from './summary.js';
import { verifyInEcr, type Verified } from './verify.js';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = coreLogger;
  const settings = readSettings(actionInputs(env), env);

  let image = settings.image;
  let verified: Verified | undefined;
  if (settings.verifyImage === 'ecr' && image) {
    verified = await verifyInEcr(image, settings, logger);
    image = verified.image;
    if (settings.target.kind === 'kustomization' && settings.kustomizeNameFromImage) {
      settings.target.imageName = imageName(image);
    }
  }

  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl =
    env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? `${serverUrl}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const bumpId = `${env.GITHUB_RUN_ID ?? 'local'}.${env.GITHUB_RUN_ATTEMPT ?? '1'}.${randomUUID().slice(0, 8)}`;
  const outcome = await commitBump(settings, {
    request: { target: settings.target, image, storageUri: settings.storageUri },
    bumpId,
    runUrl,
    serverUrl,
    logger,
    mask: maskSecret,
  });
  const { plan } = outcome;

  for (const warning of plan.warnings) logger.warning(warning);
  if (plan.diff) logger.info(plan.diff.trimEnd());
  logger.info(
    outcome.dryRun
      ? `Dry run: ${outcome.changed ? 'the diff above would be committed' : 'already at the target'}`
      : outcome.changed
        ? `Bumped ${plan.target}: ${outcome.commit?.sha ?? ''}${outcome.pullRequest ? ` (${outcome.pullRequest.url})` : ''}`
        : `${plan.target} is already at the target: nothing to commit${outcome.pullRequest ? ` (open pull request: ${outcome.pullRequest.url})` : ''}`,
  );

  setOutputs({
    changed: outcome.changed,
    'commit-sha': outcome.commit?.sha,
    'commit-url': outcome.commit?.url,
    'pull-request-url': outcome.pullRequest?.url,
    files: outcome.changed ? plan.changes.map((change) => change.path) : [],
    'previous-image': plan.previousImage,
    image: image ? formatImageRef(image) : undefined,
    'previous-storage-uri': plan.previousStorageUri,
    'storage-uri': settings.storageUri,
    'image-digest': verified?.digest ?? image?.digest,
    diff: plan.diff,
  });
  await writeSummary(summary(outcome, { digest: verified?.digest, scan: verified?.scan, method: settings.method }));
}
