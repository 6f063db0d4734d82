import { randomUUID } from 'node:crypto';
import type { RunContext } from '@mlops-actions/action-kit/inputs';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { imageName, type ImageRef } from '../image-ref.js';
import { commitBump, type Outcome } from './commit.js';
import type { BumpOptions } from './options.js';
import { bumpSummary } from './summary.js';
import { verifyInEcr, type Verified } from './verify.js';

export interface BumpDeps {
  logger: Logger;
  context: Pick<RunContext, 'runUrl' | 'runId' | 'serverUrl'>;
  /** Registers a derived secret (the git credential) for masking. */
  mask: (secret: string) => void;
}

export interface BumpImageResult {
  outcome: Outcome;
  /** The image written (digest-pinned when asked). */
  image?: ImageRef;
  verified?: Verified;
  summary: string;
}

/**
 * bump-kserve-image from start to end: verifies the image in ECR when asked, then plans, commits
 * (race-safe, by API, git or pull request) and reports the change.
 */
export async function bumpImage(options: BumpOptions, deps: BumpDeps): Promise<BumpImageResult> {
  const { logger } = deps;
  let image = options.image;
  let target = options.target;
  let verified: Verified | undefined;
  if (options.verifyImage === 'ecr' && image) {
    verified = await verifyInEcr(image, options, logger);
    image = verified.image;
    if (target.kind === 'kustomization' && options.kustomizeNameFromImage) {
      target = { ...target, imageName: imageName(image) };
    }
  }

  const outcome = await commitBump(options, {
    request: { target, image, storageUri: options.storageUri },
    // Marks the commit so a retried step recognises its own earlier push.
    bumpId: `${deps.context.runId}.${randomUUID().slice(0, 8)}`,
    runUrl: deps.context.runUrl,
    serverUrl: deps.context.serverUrl,
    logger,
    mask: deps.mask,
  });
  const { plan } = outcome;
  for (const warning of plan.warnings) logger.warning(warning);
  if (plan.diff) logger.info(plan.diff.trimEnd());
  logger.info(outcomeLine(outcome));
  const summary = bumpSummary(outcome, { digest: verified?.digest, scan: verified?.scan, method: options.method });
  return { outcome, image, verified, summary };
}

function outcomeLine(outcome: Outcome): string {
  const { plan, pullRequest } = outcome;
  if (outcome.dryRun) {
    return `Dry run: ${outcome.changed ? 'the diff above would be committed' : 'already at the target'}`;
  }
  if (outcome.changed) {
    return `Bumped ${plan.target}: ${outcome.commit?.sha ?? ''}${pullRequest ? ` (${pullRequest.url})` : ''}`;
  }
  return `${plan.target} is already at the target: nothing to commit${pullRequest ? ` (open pull request: ${pullRequest.url})` : ''}`;
}
