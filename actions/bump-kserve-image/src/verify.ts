import type { Logger } from '@mlops-actions/action-kit';
import { formatImageRef, withDigest, type ImageRef } from '@mlops-actions/gitops';
import type { Settings } from './settings.js';

export interface Verified {
  image: ImageRef;
  digest: string;
  scan?: string;
}

/**
 * Proves the image is in ECR, resolves its digest and applies the scan gate. The AWS SDK is loaded
 * only here, so bumps without verification start fast.
 */
export async function verifyInEcr(image: ImageRef, settings: Settings, logger: Logger): Promise<Verified> {
  const { ECRClient, ecrLocation, formatCounts, resolveImage, scanGate } = await import('@mlops-actions/ecr');
  const location = ecrLocation(image);
  const sdk = new ECRClient({ region: location.region });
  // Every ECR call runs under the step's deadline, like the HTTP client's requests.
  const client = {
    send: ((command: Parameters<typeof sdk.send>[0]) =>
      sdk.send(command, { abortSignal: settings.deadline.signal() })) as typeof sdk.send,
  };
  try {
    const resolved = await resolveImage(client, location);
    logger.info(
      `${formatImageRef(image)} is in ECR: ${resolved.digest}${resolved.isIndex ? ` (an image index of ${resolved.children.length} manifests)` : ''}`,
    );
    let scan: string | undefined;
    if (settings.maxSeverity) {
      const reports = await scanGate(client, resolved, {
        maxSeverity: settings.maxSeverity,
        timeoutMs: settings.scanTimeoutMs,
        logger,
      });
      scan = reports.map((r) => `${r.platform ? `${r.platform}: ` : ''}${formatCounts(r.counts)}`).join('; ');
      logger.info(`ECR scan gate (${settings.maxSeverity}) passed: ${scan}`);
    }
    const pinned = settings.pinDigest ? withDigest(image, resolved.digest) : image;
    return { image: pinned, digest: resolved.digest, scan };
  } finally {
    sdk.destroy();
  }
}
